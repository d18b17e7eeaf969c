package scenarios

// Validating a challenge: its header, its world and setup through the
// lesson validator (validate.go), and what only a challenge has — the
// learner's actions and knobs, par, and a win condition the engine can
// check and the learner can reach.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// validateChallenge returns every problem of c, as validate does for a
// lesson.
func validateChallenge(c *Challenge, said *said) Problems {
	w := c.World
	v := &validator{sc: w, said: said}
	switch {
	case c.ID == "" && !v.missing("id"):
	case c.ID == "":
		v.errAt(v.at("id"), "id is required (lower-case words joined by -, e.g. stop-the-thief)")
	case !idPattern.MatchString(c.ID):
		v.errAt(v.at("id"), "id %q must be lower-case letters and digits joined by -", c.ID)
	}
	if strings.TrimSpace(c.Title) == "" && v.missing("title") {
		v.errAt(v.at("title"), "title is required")
	}
	if strings.TrimSpace(c.Goal) == "" && v.missing("goal") {
		v.errAt(v.at("goal"), "goal is required: the goal in words, shown to the learner")
	}
	v.oneOf(v.at("level"), "level", &c.Level, Levels, true)
	v.oneOf(v.at("theme"), "theme", &c.Theme, Themes, true)
	w.Level, w.Theme = c.Level, c.Theme
	if len(c.Hints) == 0 && v.missing("hints") {
		v.errAt(v.at("hints"), "hints: list at least one hint, shown after a failed try")
	}
	if len(c.Sources) == 0 && v.missing("sources") {
		v.errAt(v.at("sources"), "sources: cite at least one RFC section or vendor page the challenge rests on")
	}
	v.learnerActions(c)
	if p, written := c.At["par"]; written && !c.parActions && !v.said.value(p) {
		v.errAt(p, "par: actions is required: the fewest actions of the author's solution (at least 1)")
	} else if !written && v.missing("par") {
		v.errAt(v.at("par"), "par: the fewest actions (actions: N, at least 1) and the least virtual time (time: 5m) of the author's solution")
	}
	v.world()
	for i, st := range w.Steps {
		v.step(i+1, st)
	}
	v.feasibility()
	v.setupReach()
	if c.Win == nil {
		if v.missing("win") {
			v.errAt(v.at("win"), "win is required: the condition the engine checks")
		}
	} else {
		v.cond(c, c.Win)
	}
	return v.probs
}

// learnerActions checks the actions and knobs the learner may use.
func (v *validator) learnerActions(c *Challenge) {
	if len(c.Actions) == 0 && v.missing("actions") {
		v.errAt(v.at("actions"), "actions: list the actions the learner may use, from %s", strings.Join(Actions(), ", "))
	}
	for _, a := range c.Actions {
		if _, ok := actions[a]; !ok {
			v.errAt(v.at("actions"), "actions: unknown action %q%s", a, text.DidYouMean(a, Actions()))
		}
	}
	for _, k := range c.Knobs {
		if err := checkKnob(k); err != nil {
			v.errAt(v.at("knobs"), "knobs: %v", err)
		}
	}
	hasSet := slices.Contains(c.Actions, "set")
	switch {
	case len(c.Knobs) > 0 && !hasSet:
		v.errAt(v.at("knobs"), "knobs: the learner changes a knob with the action set, which actions does not list")
	case hasSet && len(c.Knobs) == 0:
		v.errAt(v.at("actions"), "actions: set is listed but knobs names no knob the learner may change")
	}
}

// setupReach rejects a setup steal the engine's reach rule says can never
// succeed (sim.Source.Reaches): the learner would face a theft that did
// not happen.
func (v *validator) setupReach() {
	sc := v.sc
	topology := sim.Topology(cmp.Or(sc.Topology, string(sim.TopologyOAuth)))
	storage := sim.Storage(sc.Storage)
	if storage == "" {
		storage = topology.DefaultStorage(sim.ClientKind(cmp.Or(sc.Client, string(sim.KindSPA))))
	}
	for i, st := range sc.Steps {
		if st.Do != "steal" || st.Params["from"] == "" || st.Params["token"] == "" {
			continue
		}
		if ok, why := sim.Source(st.Params["from"]).Reaches(sim.TokenKind(st.Params["token"]), storage, topology); !ok {
			v.errAt(st.Pos, "setup step %d: this steal can never succeed: %s", i+1, why)
		}
	}
}

// cond checks one win condition and what it contains.
func (v *validator) cond(c *Challenge, k *Cond) {
	at := k.Pos
	nested := len(k.All) + len(k.Any)
	switch {
	case k.Fact == "" && nested == 0:
		if !v.said.value(at) { // an unknown key there was already reported
			v.errAt(at, "a condition is all:, any: or one of %s", strings.Join(condFacts, ", "))
		}
		return
	case k.Fact != "" && nested > 0, len(k.All) > 0 && len(k.Any) > 0:
		v.errAt(at, "a condition is either one fact or all:/any: of conditions, not both")
		return
	}
	for _, sub := range append(slices.Clone(k.All), k.Any...) {
		v.cond(c, sub)
	}
	if nested > 0 {
		if k.withinGiven || k.After != "" || k.Introspections != nil {
			v.errAt(at, "within, after and introspections belong to a fact, not to all:/any:")
		}
		return
	}
	switch k.Fact {
	case "logged_in", "attacker_can_call", "app_can_call":
		if _, err := text.ParseBool(k.Want); err != nil {
			v.errAt(at, "%s must be true or false, got %q", k.Fact, k.Want)
		}
	case "as_session":
		if ch, err := text.Choose(k.Want, sim.SessionStates()); err == nil {
			k.Want = ch
		} else {
			v.errAt(at, "as_session %q is not one of %s", k.Want, strings.Join(sim.SessionStates(), ", "))
		}
	case "try", "done":
		if k.Fact == "try" && len(k.Steps) > 0 {
			v.trySteps(k)
			break
		}
		v.condAction(c, k)
	}
	if k.Fact == "attacker_can_call" && !attackerEverHolds(c) {
		v.errAt(at, "attacker_can_call: neither the setup nor the learner's actions can give the attacker a token, so the attacker can never call")
	}
	if k.Introspections != nil && !slices.Contains([]string{"attacker_can_call", "app_can_call", "try"}, k.Fact) {
		v.errAt(at, "introspections bounds a probe's cost: it goes with attacker_can_call, app_can_call or try, not %s", k.Fact)
	}
	switch {
	case k.withinGiven != (k.After != ""):
		v.errAt(at, "within and after go together: within: 5m, after: steal")
	case k.After != "":
		if _, ok := actions[k.After]; !ok {
			v.errAt(at, "after: unknown action %q%s", k.After, text.DidYouMean(k.After, Actions()))
		} else if !slices.Contains(c.Actions, k.After) && !slices.ContainsFunc(c.World.Steps, func(s *Step) bool { return s.Do == k.After }) {
			v.errAt(at, "after: %s: neither the setup nor the learner's actions do it, so the deadline never starts", k.After)
		}
	}
}

// condAction checks a try: or done: condition's action and parameters.
func (v *validator) condAction(c *Challenge, k *Cond) {
	a, ok := actions[k.Do]
	switch {
	case k.Do == "":
		v.errAt(k.Pos, "%s: do is required: the action", k.Fact)
		return
	case !ok:
		v.errAt(k.Pos, "%s: unknown action %q%s", k.Fact, k.Do, text.DidYouMean(k.Do, Actions()))
		return
	}
	if k.Fact == "done" {
		if !slices.Contains(c.Actions, k.Do) && (k.AtMost == nil || *k.AtMost > 0) {
			v.errAt(k.Pos, "done: %s is not among the learner's actions, so the learner can never do it", k.Do)
		}
		for key := range k.Params {
			// A parameter narrows the steps counted (done: {do: call,
			// api: billing}); it must be one the action takes.
			if !a.takes(key) {
				v.errAt(k.Pos, "done: action %s has no parameter %q%s", k.Do, key, text.DidYouMean(key, append(paramNames(a), "do", "ok", "times", "at_most")))
			}
		}
		if k.Times < 0 || (k.AtMost != nil && (*k.AtMost < 0 || *k.AtMost < k.Times)) {
			v.errAt(k.Pos, "done: times and at_most must be whole numbers with times <= at_most")
		}
		return
	}
	params, probs := a.checkParams(k.Params, "do", "ok", "steps")
	for _, p := range probs {
		v.errAt(k.Pos, "try: %s", p.msg)
	}
	k.Params = params
}

// trySteps checks a try: of several steps: each a known action with good
// parameters (a probe's steps need no narration: nobody reads them).
func (v *validator) trySteps(k *Cond) {
	if k.Do != "" || len(k.Params) > 0 {
		v.errAt(k.Pos, "try: either do: one action or steps: a sequence, not both")
		return
	}
	for i, st := range k.Steps {
		a, ok := actions[st.Do]
		if !ok {
			v.errAt(st.Pos, "try: step %d: unknown action %q%s", i+1, st.Do, text.DidYouMean(st.Do, Actions()))
			continue
		}
		params, probs := a.checkParams(st.Params, stepKeys...)
		for _, p := range probs {
			v.errAt(st.Pos, "try: step %d: %s", i+1, p.msg)
		}
		st.Params = params
	}
	v.tryFeasibility(k.Steps)
}

// tryFeasibility puts a probe's steps through the lesson validator's
// feasibility rules (validate_feasibility.go: the engine's CheckRide,
// CheckRace, CheckASSession ...), so a probe the engine can never let
// succeed in this world is refused as a lesson step would be. The probe
// runs after the learner has acted, so its history is unknown: the steps
// follow a prefix that gives the attacker everything this world could
// (a login, every steal, a silent login), and only what is still wrong
// of the probe's own steps is reported. A rule that holds whatever came
// before (riding needs a session cookie) is then always reported; one
// that depends on history never wrongly is.
func (v *validator) tryFeasibility(steps []*Step) {
	prefix := []*Step{{Do: "login"}, {Do: "attacker.silent-login"}}
	for _, src := range sim.Sources() {
		for _, tok := range []sim.TokenKind{sim.TokenAccess, sim.TokenRefresh} {
			prefix = append(prefix, &Step{Do: "steal", Params: map[string]string{"from": string(src), "token": string(tok)}})
		}
	}
	w := *v.sc
	w.Steps = append(prefix, steps...)
	probe := &validator{sc: &w}
	probe.feasibility()
	for _, p := range probe.probs {
		i := slices.IndexFunc(steps, func(st *Step) bool { return st.Pos == p.Pos })
		if i < 0 || p.Pos == (Pos{}) {
			continue // about the prefix, which is not the author's
		}
		// feasibility numbers the steps of w; the author numbers the probe's.
		msg := strings.TrimPrefix(p.Msg, fmt.Sprintf("step %d: ", len(prefix)+i+1))
		v.errAt(p.Pos, "try: step %d: %s", i+1, msg)
	}
}

// attackerEverHolds reports whether any setup step or learner action can
// give the attacker a token.
func attackerEverHolds(c *Challenge) bool {
	gives := []string{"steal", "attacker.ride", "attacker.silent-login", "attacker.refresh"}
	for _, st := range c.World.Steps {
		if slices.Contains(gives, st.Do) {
			return true
		}
	}
	return slices.ContainsFunc(c.Actions, func(a string) bool { return slices.Contains(gives, a) })
}

func paramNames(a *action) []string {
	var out []string
	for _, p := range a.params {
		out = append(out, p.name)
	}
	return out
}
