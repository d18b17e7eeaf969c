package scenarios

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
	"go.yaml.in/yaml/v3"
)

// Draw is one parameter of a lesson drawn from the run's seed (draw:): a
// name and the values it may take. A draw named after a policy knob
// (access_ttl) gives the lesson's own policy that knob's value; any other
// name is the lesson's own, written {{name}} in a step's parameter, its
// narration or its quiz. The same seed draws the same values, so a run
// stays deterministic; another seed draws others, so a quiz built on them
// is a new question (issue 15, section 3).
type Draw struct {
	Name   string
	Values []string
	Pos    Pos
}

// drawNameRE is the shape of a draw's own name: it is written {{name}}.
var drawNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// refRE is a step parameter that names a draw: the whole value "{{name}}".
var refRE = regexp.MustCompile(`^\{\{\s*([a-z][a-z0-9_]*)\s*\}\}$`)

func (d *decoder) draws(sc *Scenario) func(*yaml.Node) {
	return func(n *yaml.Node) {
		d.eachPair(n, "draw", func(k string, kp Pos, v *yaml.Node) {
			dr := Draw{Name: k, Pos: kp}
			d.strList("draw: "+k, &dr.Values)(v)
			sc.Draws = append(sc.Draws, dr)
		})
	}
}

// isKnob reports whether name is a policy knob.
func isKnob(name string) bool { return slices.Contains(sim.Knobs(), name) }

// ownDraws are the names of the lesson's draws that are not knobs: the
// single-word placeholders it may write besides preset, now and the knobs.
func ownDraws(sc *Scenario) []string {
	var out []string
	for _, dr := range sc.Draws {
		if !isKnob(dr.Name) {
			out = append(out, dr.Name)
		}
	}
	return out
}

// drawValues picks each draw's value for seed: the draws are the digits
// of one number in mixed radix (the first draw the fastest), and that
// number is seed modulo the number of combinations. So seeds n and n+1
// never draw the same combination when there is more than one, and any run
// of consecutive seeds as long as the number of combinations draws each
// once: the player's next attempt (seed + 1) is always a new question.
func drawValues(sc *Scenario, seed uint64) map[string]string {
	if len(sc.Draws) == 0 {
		return nil
	}
	n := uint64(1)
	for _, dr := range sc.Draws {
		n *= uint64(max(len(dr.Values), 1))
	}
	k := seed % n
	out := make(map[string]string, len(sc.Draws))
	for _, dr := range sc.Draws {
		if len(dr.Values) == 0 {
			continue
		}
		m := uint64(len(dr.Values))
		out[dr.Name] = dr.Values[k%m]
		k /= m
	}
	return out
}

// drawnSettings are the knob draws for seed, as settings in file order.
func drawnSettings(sc *Scenario, seed uint64) []Setting {
	vals := drawValues(sc, seed)
	var out []Setting
	for _, dr := range sc.Draws {
		if isKnob(dr.Name) {
			out = append(out, Setting{Key: dr.Name, Value: vals[dr.Name], Pos: dr.Pos})
		}
	}
	return out
}

// fillParams is a step's parameters with every draw reference replaced by
// the value drawn; params itself is unchanged.
func fillParams(params, drawn map[string]string) map[string]string {
	if len(drawn) == 0 {
		return params
	}
	out := maps.Clone(params)
	for k, v := range params {
		if m := refRE.FindStringSubmatch(v); m != nil {
			if d, ok := drawn[m[1]]; ok {
				out[k] = d
			}
		}
	}
	return out
}

// draws checks the draw: block: each name a knob or a name of the
// lesson's own, each with at least two values, a knob's values ones the
// knob takes, and no knob both set: and drawn.
func (v *validator) draws() {
	sc := v.sc
	set := map[string]bool{}
	for _, s := range sc.Set {
		set[s.Key] = true
	}
	reserved := append(append([]string{"preset", "now"}, tokenFacts...), refHolders...)
	for _, dr := range sc.Draws {
		switch {
		case isKnob(dr.Name) && set[dr.Name]:
			v.errAt(dr.Pos, "draw: %s is also under set:; a knob is either set or drawn", dr.Name)
		case isKnob(dr.Name):
			pol := sim.DefaultPolicy()
			for _, val := range dr.Values {
				if err := pol.Set(dr.Name, val); err != nil {
					v.errAt(dr.Pos, "draw: %s: %v", dr.Name, err)
				}
			}
		case !drawNameRE.MatchString(dr.Name) || slices.Contains(reserved, dr.Name):
			v.errAt(dr.Pos, "draw: %q: a drawn name is a policy knob (tokensim run --help lists them) or a lower-case name of your own (letters, digits, _) that is not %s", dr.Name, strings.Join(reserved, ", "))
		}
		if len(dr.Values) < 2 {
			v.errAt(dr.Pos, "draw: %s needs a list of at least two values to draw from", dr.Name)
		}
		if len(dr.Values) > 12 {
			v.errAt(dr.Pos, "draw: %s has %d values; at most 12, so that every combination is tried", dr.Name, len(dr.Values))
		}
	}
}

// checkParams checks a step's parameters as the action reads them, once
// for every value of each draw a parameter names ("{{theft_after}}"), and
// keeps the references in what it returns: they are filled per run.
func (v *validator) checkParams(a *action, st *Step) (map[string]string, []paramProblem) {
	refs := map[string]string{} // parameter → draw name
	for k, val := range st.Params {
		if m := refRE.FindStringSubmatch(val); m != nil {
			refs[k] = m[1]
		}
	}
	if len(refs) == 0 {
		return a.checkParams(st.Params, stepKeys...)
	}
	values := map[string][]string{}
	for _, dr := range v.sc.Draws {
		if !isKnob(dr.Name) && len(dr.Values) > 0 {
			values[dr.Name] = dr.Values
		}
	}
	var probs []paramProblem
	for k, name := range refs {
		if _, ok := values[name]; !ok {
			probs = append(probs, paramProblem{key: k, msg: fmt.Sprintf("%s: {{%s}} is not a draw of this lesson%s (draw: lists them)", k, name, text.DidYouMean(name, ownDraws(v.sc)))})
			delete(refs, k)
		}
	}
	// The first value of every draw, then each other value in turn: every
	// value a run can draw is checked once.
	try := func(over map[string]string) (map[string]string, []paramProblem) {
		p := maps.Clone(st.Params)
		for k, name := range refs {
			p[k] = values[name][0]
			if o, ok := over[name]; ok {
				p[k] = o
			}
		}
		return a.checkParams(p, stepKeys...)
	}
	out, first := try(nil)
	probs = append(probs, first...)
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Values(refs)) {
		if seen[name] {
			continue
		}
		seen[name] = true
		for _, val := range values[name][1:] {
			_, more := try(map[string]string{name: val})
			for _, p := range more {
				p.msg = fmt.Sprintf("when %s draws %s: %s", name, val, p.msg)
				probs = append(probs, p)
			}
		}
	}
	for k := range refs {
		out[k] = st.Params[k]
	}
	return out, probs
}
