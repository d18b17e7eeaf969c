package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	goccyyaml "github.com/goccy/go-yaml"
	goccy "github.com/goccy/go-yaml/parser"
	"github.com/tokensim/tokensim/internal/text"
	"go.yaml.in/yaml/v3"
)

// MaxFileBytes caps a scenario file. A lesson of a thousand steps is far
// below it; anything bigger is not a scenario.
const MaxFileBytes = 1 << 20

// Load parses and validates one scenario file. name is used in messages.
// On failure the error is a Problems listing every problem found, each with
// its line and column; nothing is run.
func Load(name string, data []byte) (*Scenario, error) {
	d := &decoder{file: name}
	sc := d.decode(data)
	if !d.unreadable {
		// Validate what could be read even when some keys were wrong, so
		// that an author sees every problem in one pass.
		d.probs = append(d.probs, validate(sc, &d.said)...)
		d.probs = append(d.probs, checkPlaceholders(sc, data)...)
	}
	if len(d.probs) > 0 {
		return nil, d.probs.sorted()
	}
	return sc, nil
}

// decoder walks the YAML syntax tree, collecting problems instead of
// stopping at the first.
type decoder struct {
	file       string
	probs      Problems
	unreadable bool // no scenario could be read at all: nothing to validate
	said       said
	key        string // the key object is decoding, for messages about its value
}

// said is what the decoder has already reported, so that the validator
// says nothing more of the same problem (one message per problem): a
// list-valued title is "title must be a single value", not that and
// "title is required" too.
type said struct {
	at    map[Pos]bool    // a value the decoder found unreadable
	meant map[string]bool // a top-level key an unknown key was suggested for ("titel")
}

func (s *said) value(p Pos) bool  { return s != nil && s.at[p] }
func (s *said) key(k string) bool { return s != nil && s.meant[k] }

func (d *decoder) errAt(p Pos, format string, args ...any) {
	if d.said.at == nil {
		d.said.at = map[Pos]bool{}
	}
	d.said.at[p] = true
	d.probs = append(d.probs, Problem{File: d.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func posOf(n *yaml.Node) Pos {
	if n == nil || n.Line == 0 {
		return Pos{1, 1}
	}
	return Pos{n.Line, n.Column}
}

func (d *decoder) decode(data []byte) *Scenario {
	sc := &Scenario{Source: d.file, Pos: Pos{1, 1}, At: map[string]Pos{}}
	body := d.body(data, "scenario", []string{"id", "title", "steps"})
	if body == nil {
		return sc
	}
	sc.Pos = posOf(pairs(body)[0].key)
	for _, kv := range pairs(body) {
		sc.At[kv.key.Value] = posOf(kv.value)
	}
	top := fields{
		"id":      d.str(&sc.ID),
		"title":   d.str(&sc.Title),
		"summary": d.str(&sc.Summary),
		"level":   d.str(&sc.Level),
		"theme":   d.str(&sc.Theme),
		"goals":   d.strList("goals", &sc.Goals),
		"tags":    d.strList("tags", &sc.Tags),
		"draw":    d.draws(sc),
		"steps": func(n *yaml.Node) {
			seq := unwrap(n)
			if seq.Kind != yaml.SequenceNode {
				d.errAt(posOf(n), "steps must be a list of steps (each starting with -)")
				return
			}
			if len(seq.Content) == 0 {
				d.errAt(posOf(n), "steps: a scenario needs at least one step")
			}
			for i, v := range seq.Content {
				sc.Steps = append(sc.Steps, d.step(v, i+1))
			}
		},
	}
	maps.Copy(top, d.world(sc))
	topKeys := keys(top)
	d.object(body, "the scenario", top, func(k string, kp Pos, _ *yaml.Node) {
		if hint := text.DidYouMean(k, topKeys); hint != "" {
			d.meant(text.Closest(k, topKeys))
			d.errAt(kp, "the scenario: unknown key %q%s", k, hint)
			return
		}
		if hint := text.DidYouMean(k, stepKeys); hint != "" {
			// quizz: at the top: a step's key written at the lesson's level.
			d.errAt(kp, "the scenario: unknown key %q%s: that key belongs to a step, under steps:", k, hint)
			return
		}
		d.errAt(kp, "the scenario: unknown key %q; a scenario has %s", k, strings.Join(topKeys, ", "))
	})
	return sc
}

// body parses a one-document YAML file, a lesson's or a challenge's (what
// it is called in messages), into its top-level mapping, reporting a file
// too big, empty, unparsable, of two documents or not a mapping; nil when
// there is nothing to read. needs are the keys every such file has.
func (d *decoder) body(data []byte, what string, needs []string) *yaml.Node {
	d.unreadable = true // until the document has parsed
	least := strings.Join(needs[:len(needs)-1], ", ") + " and " + needs[len(needs)-1]
	if len(data) > MaxFileBytes {
		d.errAt(Pos{1, 1}, "the file is %d bytes; a %s file is at most %d", len(data), what, MaxFileBytes)
		return nil
	}
	if strings.TrimSpace(string(data)) == "" {
		d.errAt(Pos{1, 1}, "the file is empty: a %s needs at least %s", what, least)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		p, msg := syntaxError(data, err)
		if strings.Contains(msg, "mapping value") {
			// "title: A: B" — the classic trap of unquoted text with ": ".
			msg += "; text containing \": \" must be quoted or written as a | block"
		}
		d.errAt(p, "YAML syntax: %s", msg)
		return nil
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil && len(second.Content) > 0 {
		d.errAt(posOf(second.Content[0]), "one %s per file: this is a second YAML document", what)
	}
	if len(doc.Content) == 0 {
		d.errAt(Pos{1, 1}, "the file has no content: a %s needs at least %s", what, least)
		return nil
	}
	body := doc.Content[0]
	if len(pairs(body)) == 0 {
		d.errAt(posOf(body), "a %s file is a mapping of keys (%s, …), not a single value or a list", what, strings.Join(needs, ", "))
		return nil
	}
	d.unreadable = false
	return body
}

// meant records that an unknown key was suggested as k.
func (d *decoder) meant(k string) {
	if d.said.meant == nil {
		d.said.meant = map[string]bool{}
	}
	d.said.meant[k] = true
}

// syntaxError positions a YAML syntax error. go.yaml.in/yaml/v3, which
// parses every file, names only a line, and not always the right one; on
// this rare path goccy/go-yaml parses the file again, since its errors carry
// the exact line and column. Both libraries stay because each wins where it
// is used (measured 2026-12-05, 2 cores): on six malformed files v3 named a
// wrong line for four (testdata/bad/indent.yaml: an over-indented key at
// 5:4 that v3 reports on line 2; syntax.yaml is another) and no column,
// while goccy parses a 17-step lesson in 1.56 ms and 597 KB against v3's
// 0.56 ms and 109 KB, so it would slow every load to position errors.
func syntaxError(data []byte, err error) (Pos, string) {
	p, msg := parserError(data, err)
	// A tab in the indentation: both parsers name the raw character, which
	// a terminal shows as blank space ("found character '\t' that cannot
	// start any token"). YAML 1.2 §6.1: "tab characters must not be used
	// in indentation".
	if line, col, ok := tabIndent(data, p.Line); ok {
		return Pos{line, col}, "a tab in the indentation: YAML indents with spaces only (YAML 1.2 section 6.1); replace the tab with spaces"
	}
	// Any other control character is named, never printed raw.
	return p, strings.Map(func(r rune) rune {
		if r < ' ' {
			return '?'
		}
		return r
	}, strings.ReplaceAll(msg, "\t", "<tab>"))
}

// tabIndent finds a tab in the leading whitespace of the line the parser
// stopped at; ok is false when it has none.
func tabIndent(data []byte, line int) (int, int, bool) {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 0, 0, false
	}
	text := lines[line-1]
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	if i := strings.IndexByte(indent, '\t'); i >= 0 {
		return line, i + 1, true
	}
	return 0, 0, false
}

// parserError is the parser's position and message for a syntax error.
func parserError(data []byte, err error) (Pos, string) {
	if _, gerr := goccy.ParseBytes(data, 0); gerr != nil {
		var ye goccyyaml.Error
		if errors.As(gerr, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			return Pos{p.Line, p.Column}, ye.GetMessage()
		}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, tail
			}
		}
	}
	return Pos{line, 1}, msg
}

// stepKeys are the keys of a step besides the action's own parameters.
var stepKeys = []string{"do", "title", "narration", "expect", "quiz"}

func (d *decoder) step(n *yaml.Node, index int) *Step {
	st := &Step{Params: map[string]string{}, At: map[string]Pos{}, keyAt: map[string]Pos{}, Pos: posOf(n)}
	what := fmt.Sprintf("step %d", index)
	fs := fields{
		"do":        d.str(&st.Do),
		"title":     d.str(&st.Title),
		"narration": d.str(&st.Narration),
		"expect":    func(v *yaml.Node) { st.Expect = d.expect(v, what) },
		"quiz":      func(v *yaml.Node) { st.Quiz = d.quiz(v, what) },
	}
	// Parameters are checked against the action once it is known, so that
	// "did you mean" can suggest the action's own parameter names.
	d.object(n, what, fs, func(k string, kp Pos, v *yaml.Node) {
		if kind := unwrap(v).Kind; kind == yaml.MappingNode || kind == yaml.SequenceNode {
			// A parameter is a single value: a key holding a mapping or a
			// list is a misspelt step key (exepct:, quizz:), not a
			// parameter with the wrong shape.
			if !actionTakes(n, k) {
				d.errAt(kp, "%s: unknown key %q%s", what, k, text.DidYouMean(k, stepKeys))
				return
			}
		}
		if s, ok := d.scalar(v, what+"."+k); ok {
			st.Params[k] = s
		}
	})
	for _, kv := range pairs(n) {
		st.At[kv.key.Value], st.keyAt[kv.key.Value] = posOf(kv.value), posOf(kv.key)
	}
	return st
}

func (d *decoder) expect(n *yaml.Node, what string) *Expect {
	e := &Expect{At: map[string]Pos{}}
	what += " expect"
	d.object(n, what, fields{
		"status": func(v *yaml.Node) { e.Status = d.intPtr(v, what+": status") },
		"error": func(v *yaml.Node) {
			if s, ok := d.scalar(v, "error"); ok {
				if s == "none" {
					s = ""
				}
				e.Error = &s
			}
		},
		"reason":         d.str(&e.Reason),
		"logged_in":      func(v *yaml.Node) { e.LoggedIn = d.boolPtr(v, what+": logged_in") },
		"reuse_detected": func(v *yaml.Node) { e.ReuseDetected = d.boolPtr(v, what+": reuse_detected") },
		"family_revoked": func(v *yaml.Node) { e.FamilyRevoked = d.boolPtr(v, what+": family_revoked") },
		"as_contacted":   func(v *yaml.Node) { e.ASContacted = d.boolPtr(v, what+": as_contacted") },
		"login_form":     func(v *yaml.Node) { e.LoginForm = d.boolPtr(v, what+": login_form") },
		"as_session":     d.str(&e.ASSession),
		"introspections": func(v *yaml.Node) { e.Introspections = d.intPtr(v, what+": introspections") },
		"attacker_holds": d.strList("attacker_holds", &e.AttackerHolds),
		"tokens": func(v *yaml.Node) {
			e.Tokens = map[string]string{}
			d.eachPair(v, "tokens", func(k string, kp Pos, val *yaml.Node) {
				if s, ok := d.scalar(val, "tokens."+k); ok {
					e.Tokens[k] = s
					e.At["tokens."+k] = kp
				}
			})
		},
	}, nil)
	for _, kv := range pairs(n) {
		e.At[kv.key.Value] = posOf(kv.value)
	}
	return e
}

func (d *decoder) quiz(n *yaml.Node, what string) *Quiz {
	q := &Quiz{Pos: posOf(n), at: map[string]Pos{}}
	if unwrap(n).Kind != yaml.MappingNode {
		d.errAt(posOf(n), "%s: quiz must be a mapping with question, options, answer and explain", what)
		return nil // said once: the validator has no quiz to check
	}
	for _, kv := range pairs(n) {
		q.at[kv.key.Value] = posOf(kv.value)
	}
	d.object(n, what+" quiz", fields{
		"question": d.str(&q.Question),
		"options":  d.strList(what+": quiz: options", &q.Options),
		"answer": func(v *yaml.Node) {
			if p := d.intPtr(v, what+": quiz: answer"); p != nil {
				q.Answer = *p
			}
		},
		"explain": d.str(&q.Explain),
		"right":   d.str(&q.Right),
		"wrong":   d.strList(what+": quiz: wrong", &q.Wrong),
	}, nil)
	return q
}

// actionTakes reports whether the action a step names (its do:) has a
// parameter called key; false when the action is unknown.
func actionTakes(step *yaml.Node, key string) bool {
	for _, kv := range pairs(step) {
		if kv.key.Value == "do" {
			a, ok := actions[kv.value.Value]
			return ok && a.takes(key)
		}
	}
	return false
}
