package scenarios

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
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
		d.probs = append(d.probs, validate(sc)...)
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
}

func (d *decoder) errAt(p Pos, format string, args ...any) {
	d.probs = append(d.probs, Problem{File: d.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

func posOf(n ast.Node) Pos {
	if n == nil || n.GetToken() == nil {
		return Pos{1, 1}
	}
	p := n.GetToken().Position
	return Pos{p.Line, p.Column}
}

func (d *decoder) decode(data []byte) *Scenario {
	sc := &Scenario{Source: d.file, Pos: Pos{1, 1}, At: map[string]Pos{}}
	d.unreadable = true // until the document has parsed
	if len(data) > MaxFileBytes {
		d.errAt(Pos{1, 1}, "the file is %d bytes; a scenario file is at most %d", len(data), MaxFileBytes)
		return sc
	}
	if strings.TrimSpace(string(data)) == "" {
		d.errAt(Pos{1, 1}, "the file is empty: a scenario needs at least id, title and steps")
		return sc
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) && ye.GetToken() != nil {
			p := ye.GetToken().Position
			d.errAt(Pos{p.Line, p.Column}, "YAML syntax: %s", ye.GetMessage())
		} else {
			d.errAt(Pos{1, 1}, "YAML syntax: %v", err)
		}
		return sc
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		d.errAt(Pos{1, 1}, "the file has no content: a scenario needs at least id, title and steps")
		return sc
	}
	if len(docs) > 1 {
		d.errAt(posOf(docs[1].Body), "one scenario per file: this is a second YAML document")
	}
	body := docs[0].Body
	sc.Pos = posOf(body)
	if mv := mappingValues(body); len(mv) > 0 {
		sc.Pos = posOf(mv[0].Key)
	} else {
		d.errAt(sc.Pos, "a scenario file is a mapping of keys (id, title, steps, …), not a single value or a list")
		return sc
	}
	d.unreadable = false
	for _, mv := range mappingValues(body) {
		sc.At[keyOf(mv)] = posOf(mv.Value)
	}
	d.object(body, "the scenario", fields{
		"id":       d.str(&sc.ID),
		"title":    d.str(&sc.Title),
		"summary":  d.str(&sc.Summary),
		"level":    d.str(&sc.Level),
		"theme":    d.str(&sc.Theme),
		"goals":    d.strList("goals", &sc.Goals),
		"preset":   d.str(&sc.Preset),
		"client":   d.str(&sc.Client),
		"storage":  d.str(&sc.Storage),
		"topology": d.str(&sc.Topology),
		"set": func(n ast.Node) {
			d.eachPair(n, "set", func(k string, kp Pos, v ast.Node) {
				s, ok := d.scalar(v, "set."+k)
				if ok {
					sc.Set = append(sc.Set, Setting{Key: k, Value: s, Pos: kp})
				}
			})
		},
		"steps": func(n ast.Node) {
			seq, ok := unwrap(n).(*ast.SequenceNode)
			if !ok {
				d.errAt(posOf(n), "steps must be a list of steps (each starting with -)")
				return
			}
			if len(seq.Values) == 0 {
				d.errAt(posOf(n), "steps: a scenario needs at least one step")
			}
			for i, v := range seq.Values {
				sc.Steps = append(sc.Steps, d.step(v, i+1))
			}
		},
	}, nil)
	return sc
}

// stepKeys are the keys of a step besides the action's own parameters.
var stepKeys = []string{"do", "title", "narration", "expect", "quiz"}

func (d *decoder) step(n ast.Node, index int) *Step {
	st := &Step{Params: map[string]string{}, At: map[string]Pos{}, keyAt: map[string]Pos{}, Pos: posOf(n)}
	what := fmt.Sprintf("step %d", index)
	fs := fields{
		"do":        d.str(&st.Do),
		"title":     d.str(&st.Title),
		"narration": d.str(&st.Narration),
		"expect":    func(v ast.Node) { st.Expect = d.expect(v, what) },
		"quiz":      func(v ast.Node) { st.Quiz = d.quiz(v, what) },
	}
	// Parameters are checked against the action once it is known, so that
	// "did you mean" can suggest the action's own parameter names.
	d.object(n, what, fs, func(k string, kp Pos, v ast.Node) {
		if s, ok := d.scalar(v, what+"."+k); ok {
			st.Params[k] = s
		}
	})
	for _, mv := range mappingValues(n) {
		st.At[keyOf(mv)], st.keyAt[keyOf(mv)] = posOf(mv.Value), posOf(mv.Key)
	}
	return st
}

func (d *decoder) expect(n ast.Node, what string) *Expect {
	e := &Expect{At: map[string]Pos{}}
	what += " expect"
	d.object(n, what, fields{
		"status": func(v ast.Node) { e.Status = d.intPtr(v, what+": status") },
		"error": func(v ast.Node) {
			if s, ok := d.scalar(v, "error"); ok {
				if s == "none" {
					s = ""
				}
				e.Error = &s
			}
		},
		"reason":         d.str(&e.Reason),
		"logged_in":      func(v ast.Node) { e.LoggedIn = d.boolPtr(v, what+": logged_in") },
		"reuse_detected": func(v ast.Node) { e.ReuseDetected = d.boolPtr(v, what+": reuse_detected") },
		"family_revoked": func(v ast.Node) { e.FamilyRevoked = d.boolPtr(v, what+": family_revoked") },
		"as_contacted":   func(v ast.Node) { e.ASContacted = d.boolPtr(v, what+": as_contacted") },
		"introspections": func(v ast.Node) { e.Introspections = d.intPtr(v, what+": introspections") },
		"attacker_holds": d.strList("attacker_holds", &e.AttackerHolds),
		"tokens": func(v ast.Node) {
			e.Tokens = map[string]string{}
			d.eachPair(v, "tokens", func(k string, kp Pos, val ast.Node) {
				if s, ok := d.scalar(val, "tokens."+k); ok {
					e.Tokens[k] = s
					e.At["tokens."+k] = kp
				}
			})
		},
	}, nil)
	for _, mv := range mappingValues(n) {
		e.At[keyOf(mv)] = posOf(mv.Value)
	}
	return e
}

func (d *decoder) quiz(n ast.Node, what string) *Quiz {
	q := &Quiz{Pos: posOf(n)}
	d.object(n, what+" quiz", fields{
		"question": d.str(&q.Question),
		"options":  d.strList("options", &q.Options),
		"answer": func(v ast.Node) {
			if p := d.intPtr(v, "answer"); p != nil {
				q.Answer = *p
			}
		},
		"explain": d.str(&q.Explain),
	}, nil)
	return q
}

// fields maps the keys of a mapping to what decodes each value.
type fields map[string]func(ast.Node)

// object decodes a mapping: each known key through fs, each other key
// through extra (or, when extra is nil, as an unknown-key problem with a
// suggestion). Repeated keys are problems.
func (d *decoder) object(n ast.Node, what string, fs fields, extra func(string, Pos, ast.Node)) {
	if _, ok := unwrap(n).(*ast.MappingNode); !ok {
		if _, ok := unwrap(n).(*ast.MappingValueNode); !ok {
			d.errAt(posOf(n), "%s must be a mapping of key: value", what)
			return
		}
	}
	seen := map[string]bool{}
	for _, mv := range mappingValues(n) {
		k, kp := keyOf(mv), posOf(mv.Key)
		if seen[k] {
			d.errAt(kp, "%s: key %q appears twice", what, k)
			continue
		}
		seen[k] = true
		if f, ok := fs[k]; ok {
			f(mv.Value)
		} else if extra != nil {
			extra(k, kp, mv.Value)
		} else {
			d.errAt(kp, "%s: unknown key %q%s", what, k, didYouMean(k, keys(fs)))
		}
	}
}

// eachPair calls f for every key of a mapping.
func (d *decoder) eachPair(n ast.Node, what string, f func(string, Pos, ast.Node)) {
	d.object(n, what, fields{}, f)
}

func (d *decoder) str(dst *string) func(ast.Node) {
	return func(n ast.Node) {
		if s, ok := d.scalar(n, ""); ok {
			*dst = s
		}
	}
}

func (d *decoder) strList(what string, dst *[]string) func(ast.Node) {
	return func(n ast.Node) {
		seq, ok := unwrap(n).(*ast.SequenceNode)
		if !ok {
			d.errAt(posOf(n), "%s must be a list (items starting with -, or [a, b])", what)
			return
		}
		for i, v := range seq.Values {
			if s, ok := d.scalar(v, fmt.Sprintf("%s item %d", what, i+1)); ok {
				*dst = append(*dst, s)
			}
		}
	}
}

func (d *decoder) intPtr(n ast.Node, what string) *int {
	s, ok := d.scalar(n, what)
	if !ok {
		return nil
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		d.errAt(posOf(n), "%s must be a whole number, got %q", what, s)
		return nil
	}
	return &i
}

func (d *decoder) boolPtr(n ast.Node, what string) *bool {
	s, ok := d.scalar(n, what)
	if !ok {
		return nil
	}
	switch strings.ToLower(s) {
	case "true", "yes":
		b := true
		return &b
	case "false", "no":
		b := false
		return &b
	}
	d.errAt(posOf(n), "%s must be true or false, got %q", what, s)
	return nil
}

// scalar returns a scalar's text. Lists and mappings where a single value
// belongs are problems.
func (d *decoder) scalar(n ast.Node, what string) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return strings.TrimRight(v.Value.Value, "\n"), true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return v.GetToken().Value, true
	case *ast.NullNode:
		return "", true
	case *ast.AliasNode:
		d.errAt(posOf(n), "aliases (*name) are not supported in scenario files")
		return "", false
	}
	if what == "" {
		what = "this value"
	}
	if mappingValues(n) != nil {
		// The usual cause: "text: more text" unquoted, which YAML reads as a
		// key and a value.
		d.errAt(posOf(n), "%s must be a single value, but YAML reads it as key: value; put the text in quotes or use a | block", what)
		return "", false
	}
	d.errAt(posOf(n), "%s must be a single value, not a list or a mapping", what)
	return "", false
}

// unwrap looks through anchors and tags to the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch v := unwrap(n).(type) {
	case *ast.MappingNode:
		return v.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}
	}
	return nil
}

func keyOf(mv *ast.MappingValueNode) string {
	if mv.Key == nil {
		return ""
	}
	if s, ok := mv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return mv.Key.GetToken().Value
}

func keys(fs fields) []string {
	out := make([]string, 0, len(fs))
	for k := range fs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
