package scenarios

// Reading a challenge file: the same decoder as a lesson's (load.go,
// load_nodes.go), its world in lesson syntax, and the win condition.

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"go.yaml.in/yaml/v3"
)

// LoadChallenge parses and validates one challenge file. name is used in
// messages. On failure the error is a Problems listing every problem found,
// each with its line and column (errors.Is(err, ErrInvalid)), as Load's.
func LoadChallenge(name string, data []byte) (*Challenge, error) {
	d := &decoder{file: name}
	c := d.challenge(data)
	if !d.unreadable {
		d.probs = append(d.probs, validateChallenge(c, &d.said)...)
	}
	if len(d.probs) == 0 {
		d.probs = append(d.probs, playable(c)...)
	}
	if len(d.probs) > 0 {
		return nil, d.probs.sorted()
	}
	return c, nil
}

// playable asks the engine what no reading of the file can: that the setup
// runs as written (its expectations hold) and that the goal is not
// already met before the learner acts, which would make it no challenge.
func playable(c *Challenge) Problems {
	r, err := Execute(c.World, Options{Seed: 1})
	if err != nil {
		return Problems{{File: c.Source, Pos: c.Pos, Msg: err.Error()}}
	}
	var probs Problems
	for _, f := range r.Failures() {
		msg := fmt.Sprintf("setup step %d (%s): %s: expected %s, got %s", f.Step, f.Action, f.Key, f.Expected, f.Got)
		if f.Reason != "" {
			msg += " (" + f.Reason + ")"
		}
		probs = append(probs, Problem{File: c.Source, Pos: f.Pos, Msg: msg})
	}
	if len(probs) > 0 {
		return probs
	}
	a := &Attempt{Live: &Live{Run: *r}, Challenge: c, setup: len(r.Steps)}
	if v := a.Check(); v.Met {
		return Problems{{File: c.Source, Pos: c.Win.Pos, Msg: "the goal is met before the learner acts: " + strings.ReplaceAll(v.Why, "\n", "; ")}}
	}
	return nil
}

func (d *decoder) challenge(data []byte) *Challenge {
	c := &Challenge{Source: d.file, Pos: Pos{1, 1}, At: map[string]Pos{}}
	w := &Scenario{Source: d.file, Pos: Pos{1, 1}, At: map[string]Pos{}}
	c.World = w
	body := d.body(data, "challenge", []string{"id", "title", "goal", "actions", "win"})
	if body == nil {
		return c
	}
	c.Pos = posOf(pairs(body)[0].key)
	w.Pos = c.Pos
	for _, kv := range pairs(body) {
		c.At[kv.key.Value] = posOf(kv.value)
		w.At[kv.key.Value] = posOf(kv.value)
	}
	top := fields{
		"id":      d.str(&c.ID),
		"title":   d.str(&c.Title),
		"goal":    d.str(&c.Goal),
		"level":   d.str(&c.Level),
		"theme":   d.str(&c.Theme),
		"hints":   d.strList("hints", &c.Hints),
		"actions": d.strList("actions", &c.Actions),
		"knobs":   d.strList("knobs", &c.Knobs),
		"sources": d.strList("sources", &c.Sources),
		"par": func(n *yaml.Node) {
			d.object(n, "par", fields{
				"actions": func(v *yaml.Node) {
					c.parActions = true // written: a refused value is not also "required"
					if p := d.count(v, "par: actions", 1); p != nil {
						c.Par.Actions = *p
					}
				},
				"time": func(v *yaml.Node) {
					// 0s is a par (a solution that waits for nothing); a
					// negative one no attempt can meet, so no third star.
					if t := d.duration(v, "par: time"); t < 0 {
						d.errAt(posOf(v), "par: time must not be negative, got %s: the least virtual time of the author's solution", text.FormatDuration(t))
					} else {
						c.Par.Virtual = t
					}
				},
			}, nil)
		},
		"setup": func(n *yaml.Node) { w.Steps = d.steps(n, "setup") },
		"win":   func(n *yaml.Node) { c.Win = d.cond(n, "win") },
	}
	maps.Copy(top, d.world(w))
	topKeys := keys(top)
	d.object(body, "the challenge", top, func(k string, kp Pos, _ *yaml.Node) {
		if hint := text.DidYouMean(k, topKeys); hint != "" {
			d.meant(text.Closest(k, topKeys)) // "titel": not also "title is required"
			d.errAt(kp, "the challenge: unknown key %q%s", k, hint)
			return
		}
		d.errAt(kp, "the challenge: unknown key %q; a challenge has %s", k, strings.Join(topKeys, ", "))
	})
	w.ID, w.Title, w.Summary, w.Level, w.Theme = c.ID, c.Title, c.Goal, c.Level, c.Theme
	return c
}

// steps reads a list of lesson steps (a lesson's steps, a challenge's
// setup, a solution's steps).
func (d *decoder) steps(n *yaml.Node, what string) []*Step {
	seq := unwrap(n)
	if seq.Kind != yaml.SequenceNode {
		d.errAt(posOf(n), "%s must be a list of steps (each starting with -)", what)
		return nil
	}
	var out []*Step
	for i, v := range seq.Content {
		out = append(out, d.step(v, i+1))
	}
	return out
}

// duration reads a duration written as the clock's (90s, 15m, 1h, 30d).
func (d *decoder) duration(n *yaml.Node, what string) time.Duration {
	s, ok := d.scalar(n, what)
	if !ok {
		return 0
	}
	v, err := text.ParseDuration(s)
	if err != nil {
		d.errAt(posOf(n), "%s: %v", what, err)
		return 0
	}
	return v
}

// maxCount bounds every count a challenge file gives (par: actions,
// times, at_most, introspections). A probe or an attempt is a handful of
// steps; a count beyond this is a typo that would make a goal unreachable
// or a par meaningless (documented in docs/challenge-format.md).
const maxCount = 1000

// count reads a whole number from least to maxCount, refused at the value
// otherwise (nil then: nothing downstream reads a value already refused).
func (d *decoder) count(n *yaml.Node, what string, least int) *int {
	p := d.intPtr(n, what)
	if p != nil && (*p < least || *p > maxCount) {
		d.errAt(posOf(n), "%s must be a whole number from %d to %d, got %d", what, least, maxCount, *p)
		return nil
	}
	return p
}

// condFacts are the engine facts a win condition can name.
var condFacts = []string{"logged_in", "attacker_can_call", "app_can_call", "try", "done", "as_session"}

// condKeys are every key of a condition's mapping.
var condKeys = append([]string{"all", "any", "within", "after", "introspections"}, condFacts...)

// cond reads one win condition: all/any of conditions, or one fact with
// its modifiers.
func (d *decoder) cond(n *yaml.Node, what string) *Cond {
	c := &Cond{Pos: posOf(n)}
	list := func(dst *[]*Cond, key string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			seq := unwrap(v)
			if seq.Kind != yaml.SequenceNode {
				d.errAt(posOf(v), "%s: %s must be a list of conditions (each starting with -)", what, key)
				return
			}
			for i, e := range seq.Content {
				*dst = append(*dst, d.cond(e, what+": "+key+" item "+strconv.Itoa(i+1)))
			}
		}
	}
	fact := func(name string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			if c.Fact != "" {
				d.errAt(posOf(v), "%s: one fact per condition, but it names %s and %s; list them under all:", what, c.Fact, name)
				return
			}
			c.Fact = name
			switch name {
			case "try", "done":
				c.Want = "true"
				c.Params = map[string]string{}
				d.eachPair(v, what+": "+name, func(k string, kp Pos, val *yaml.Node) {
					switch k {
					case "do":
						c.Do, _ = d.scalar(val, name+": do")
					case "ok":
						if b := d.boolPtr(val, name+": ok"); b != nil {
							c.Want = boolWord(*b)
						}
					case "times":
						if p := d.count(val, name+": times", 0); p != nil {
							c.Times = *p
						}
					case "at_most":
						c.AtMost = d.count(val, name+": at_most", 0)
					case "steps":
						c.Steps = d.steps(val, name+": steps")
					default:
						if s, ok := d.scalar(val, name+"."+k); ok {
							c.Params[k] = s
						}
					}
				})
			default:
				c.Want, _ = d.scalar(v, name)
			}
		}
	}
	fs := fields{
		"all": list(&c.All, "all"),
		"any": list(&c.Any, "any"),
		"within": func(v *yaml.Node) {
			c.withinGiven = true // written: a refused value is not also "within and after go together"
			c.Within = d.duration(v, what+": within")
			if c.Within <= 0 && !d.said.value(posOf(v)) {
				// A deadline at or before the step it follows is over
				// before the learner can act: the challenge is unsolvable.
				d.errAt(posOf(v), "%s: within must be a positive duration (e.g. 5m), got %s", what, text.FormatDuration(c.Within))
			}
		},
		"after":          func(v *yaml.Node) { c.After, _ = d.scalar(v, "after") },
		"introspections": func(v *yaml.Node) { c.Introspections = d.count(v, what+": introspections", 0) },
	}
	for _, f := range condFacts {
		fs[f] = fact(f)
	}
	d.object(n, what, fs, func(k string, kp Pos, _ *yaml.Node) {
		d.errAt(kp, "%s: unknown key %q%s; a condition is all:, any: or one of %s", what, k, text.DidYouMean(k, condKeys), strings.Join(condFacts, ", "))
	})
	return c
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
