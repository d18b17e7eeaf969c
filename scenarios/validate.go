package scenarios

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// Levels and Themes are the allowed values of level and theme, in the
// order the picker shows them.
var (
	Levels = []string{"beginner", "intermediate", "advanced"}
	Themes = []string{"basics", "refresh", "theft", "revocation", "attacks"}
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validate checks what the syntax cannot: required fields, known values,
// each action's parameters, expectations, quizzes, and steps that cannot
// happen (the attacker replays a token it never stole). It returns every
// problem, so that an author fixes a file in one pass.
//
// said is what the decoder already reported (nil: nothing): a value it
// could not read is not reported again as missing.
func validate(sc *Scenario, said *said) Problems {
	v := &validator{sc: sc, said: said}
	v.header()
	v.world()
	v.draws()
	if _, written := sc.At["steps"]; !written && v.missing("steps") {
		v.errAt(sc.Pos, "steps: a scenario needs at least one step")
	}
	for i, st := range sc.Steps {
		v.step(i+1, st)
	}
	v.feasibility()
	return v.probs
}

type validator struct {
	sc    *Scenario
	said  *said
	probs Problems
}

// missing reports whether a top-level key needs a "required" message: it
// was not written readably and no misspelling of it was already reported.
func (v *validator) missing(key string) bool {
	p, written := v.sc.At[key]
	return !v.said.key(key) && !(written && v.said.value(p))
}

func (v *validator) errAt(p Pos, format string, args ...any) {
	v.probs = append(v.probs, Problem{File: v.sc.Source, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// at is where the top-level key was written, or the document's start when
// it is missing.
func (v *validator) at(key string) Pos {
	if p, ok := v.sc.At[key]; ok {
		return p
	}
	return v.sc.Pos
}

func (v *validator) header() {
	sc := v.sc
	switch {
	case sc.ID == "" && !v.missing("id"):
	case sc.ID == "":
		v.errAt(v.at("id"), "id is required (lower-case words joined by -, e.g. my-lesson)")
	case !idPattern.MatchString(sc.ID):
		v.errAt(v.at("id"), "id %q must be lower-case letters and digits joined by -", sc.ID)
	}
	if sc.Title == "" && v.missing("title") {
		v.errAt(v.at("title"), "title is required")
	}
	if sc.Summary == "" && v.missing("summary") {
		v.errAt(v.at("summary"), "summary is required: one line saying what the learner will see")
	}
	v.oneOf(v.at("level"), "level", &sc.Level, Levels, true)
	v.oneOf(v.at("theme"), "theme", &sc.Theme, Themes, true)
	if _, written := sc.At["goals"]; !written && v.missing("goals") {
		v.errAt(sc.Pos, "goals: list at least one learning goal")
	}
	v.tags()
}

// tags checks the search words: each one lower-case word (letters and
// digits, joined by - at most), each once. A search matches whole words,
// so "Refresh Token" or "jku," would never be found as written.
func (v *validator) tags() {
	seen := map[string]bool{}
	for _, t := range v.sc.Tags {
		switch {
		case !idPattern.MatchString(t):
			v.errAt(v.at("tags"), "tag %q must be one lower-case word (letters and digits, joined by - at most), e.g. xss", t)
		case seen[t]:
			v.errAt(v.at("tags"), "tag %q is listed twice", t)
		}
		seen[t] = true
	}
}

// oneOf checks an enum value, case-insensitively as every enum value is
// read (text.Choose), and rewrites it as allowed spells it, so that the
// runner and the picker see one spelling.
func (v *validator) oneOf(p Pos, key string, val *string, allowed []string, required bool) {
	if *val == "" {
		if required && v.missing(key) {
			v.errAt(p, "%s is required: one of %s", key, strings.Join(allowed, ", "))
		}
		return
	}
	c, err := text.Choose(*val, allowed)
	if err != nil {
		v.errAt(p, "%s %q is not one of %s%s", key, *val, strings.Join(allowed, ", "), text.DidYouMean(*val, allowed))
		return
	}
	*val = c
}

// world checks the preset, the settings and the topology by building the
// policy and config the runner will use.
func (v *validator) world() {
	sc := v.sc
	if sc.Preset != "" {
		names := presetNames()
		v.oneOf(v.at("preset"), "preset", &sc.Preset, names, false)
	}
	pol := sim.DefaultPolicy()
	if p, err := sim.LookupPreset(cmp.Or(sc.Preset, sim.DefaultPreset)); err == nil {
		pol = p.Policy
	}
	for _, s := range sc.Set {
		if err := checkKnob(s.Key); err != nil {
			v.errAt(s.Pos, "set: %v", err)
			continue
		}
		if err := pol.Set(s.Key, s.Value); err != nil {
			v.errAt(s.Pos, "set: %v", err)
		}
	}
	v.oneOf(v.at("client"), "client", &sc.Client, []string{string(sim.KindSPA), string(sim.KindWeb)}, false)
	v.oneOf(v.at("storage"), "storage", &sc.Storage, text.Names(sim.Storages()), false)
	v.oneOf(v.at("topology"), "topology", &sc.Topology, []string{string(sim.TopologyOAuth), string(sim.TopologyFirstParty)}, false)
	if len(v.probs) == 0 {
		// The engine's own rules, without building a world.
		if _, err := worldConfig(sc, Options{}, &pol).Resolve(); err != nil {
			v.errAt(sc.Pos, "%v", err)
		}
	}
}

func (v *validator) step(i int, st *Step) {
	at := func(k string) Pos {
		if p, ok := st.At[k]; ok {
			return p
		}
		return st.Pos
	}
	// A misspelt step key holding a single value reads as a parameter
	// (narraton: …): it is reported once, by checkParams, as an unknown
	// key, and the key it was meant for is not also reported missing.
	meant := map[string]bool{}
	for k := range st.Params {
		if c := text.Closest(k, stepKeys); c != "" && k != c {
			if a, ok := actions[st.Do]; !ok || !a.takes(k) {
				meant[c] = true
			}
		}
	}
	if st.Do == "" && meant["do"] {
		for k := range st.Params {
			if text.Closest(k, stepKeys) == "do" {
				v.errAt(st.keyAt[k], "step %d: unknown key %q (did you mean \"do\"?)", i, k)
			}
		}
		return
	}
	if st.Do == "" {
		if p, ok := st.At["do"]; !ok || !v.said.value(p) {
			v.errAt(st.Pos, "step %d: do is required: one of %s", i, strings.Join(Actions(), ", "))
		}
		return
	}
	a, ok := actions[st.Do]
	if !ok {
		v.errAt(at("do"), "step %d: unknown action %q%s", i, st.Do, text.DidYouMean(st.Do, Actions()))
		return
	}
	if strings.TrimSpace(st.Narration) == "" && !meant["narration"] {
		v.errAt(st.Pos, "step %d (%s): narration is required: say why this step matters", i, st.Do)
	}
	keyAt := func(k string) Pos {
		if p, ok := st.keyAt[k]; ok {
			return p
		}
		return st.Pos
	}
	params, probs := v.checkParams(a, st)
	for _, p := range probs {
		pos := st.Pos
		switch {
		case p.key != "" && p.onKey:
			pos = keyAt(p.key)
		case p.key != "":
			pos = at(p.key)
		}
		v.errAt(pos, "step %d: %s", i, p.msg)
	}
	st.Params = params
	v.expect(i, st)
	v.quiz(i, st)
}

func (v *validator) expect(i int, st *Step) {
	e := st.Expect
	if e == nil {
		return
	}
	if e.Status != nil && (*e.Status < 100 || *e.Status > 599) {
		v.errAt(e.At["status"], "step %d: status %d is not an HTTP status", i, *e.Status)
	}
	states := []string{string(sim.StateActive), string(sim.StateExpired), string(sim.StateRotated), string(sim.StateRevoked)}
	// Enum values in any case, kept as the engine spells them (text.Choose).
	for label, state := range e.Tokens {
		if c, err := text.Choose(state, states); err == nil {
			e.Tokens[label] = c
		} else {
			v.errAt(e.At["tokens."+label], "step %d: token %s: state %q is not one of %s%s", i, label, state, strings.Join(states, ", "), text.DidYouMean(state, states))
		}
	}
	if e.ASSession != "" {
		if c, err := text.Choose(e.ASSession, sim.SessionStates()); err == nil {
			e.ASSession = c
		} else {
			v.errAt(e.At["as_session"], "step %d: as_session %q is not one of %s%s", i, e.ASSession, strings.Join(sim.SessionStates(), ", "), text.DidYouMean(e.ASSession, sim.SessionStates()))
		}
	}
	for j, h := range e.AttackerHolds {
		if c, err := text.Choose(h, []string{"access", "refresh"}); err == nil {
			e.AttackerHolds[j] = c
		} else {
			v.errAt(e.At["attacker_holds"], "step %d: attacker_holds lists access and/or refresh, not %q", i, h)
		}
	}
}

func (v *validator) quiz(i int, st *Step) {
	q := st.Quiz
	if q == nil {
		return
	} else if q.computed() {
		v.computedQuiz(i, q)
		return
	}
	// Each problem once, where it is, saying what is wrong: a quiz with
	// one option is not also told that its answer must be "1 to 1".
	at := func(k string) (Pos, bool) {
		p, ok := q.at[k]
		if !ok {
			return q.Pos, false
		}
		return p, true
	}
	if q.Question == "" {
		if p, ok := at("question"); !ok || !v.said.value(p) {
			v.errAt(p, "step %d: quiz: question is required", i)
		}
	}
	p, written := at("options")
	switch {
	case written && v.said.value(p):
	case len(q.Options) == 0:
		v.errAt(p, "step %d: quiz: options is required: a list of at least two choices", i)
	case len(q.Options) == 1:
		v.errAt(p, "step %d: quiz: options has one choice; a quiz needs at least two", i)
	}
	switch p, written := at("answer"); {
	case written && v.said.value(p):
	case !written:
		v.errAt(p, "step %d: quiz: answer is required: the number of the right option, counting from 1", i)
	case len(q.Options) < 2:
		// The options are the problem, said above.
	case q.Answer < 1 || q.Answer > len(q.Options):
		v.errAt(p, "step %d: quiz: answer %d is not an option: there are %d options, so the answer is a number from 1 to %d", i, q.Answer, len(q.Options), len(q.Options))
	}
	if q.Explain == "" {
		if p, ok := at("explain"); !ok || !v.said.value(p) {
			v.errAt(p, "step %d: quiz: explain is required: say why the answer is right", i)
		}
	}
}

func presetNames() []string {
	var out []string
	for _, p := range sim.Presets() {
		out = append(out, p.Name)
	}
	return out
}
