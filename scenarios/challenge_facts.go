package scenarios

// The facts a win condition names, read from the engine: the snapshot
// after the last step, the learner's steps, and probes — an action done on
// a copy of the world (Live.Branch), so that asking never changes the
// attempt.

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// probePath is the API path every probe calls: the demo API's first.
const probePath = "/api/orders"

// fact reads one fact: whether it holds, why, and whether it can no
// longer hold in this attempt (a step done too often cannot be undone).
func (a *Attempt) fact(k *Cond) (bool, string, bool) {
	if k.Fact == "done" {
		return a.done(k)
	}
	m, why := a.read(k)
	return m, why, false
}

// read reads a fact of the snapshot or of a probe.
func (a *Attempt) read(k *Cond) (bool, string) {
	snap := a.Live.Initial
	if n := len(a.Live.Steps); n > 0 {
		snap = a.Live.Steps[n-1].Snapshot
	}
	want := k.Want == "true"
	switch k.Fact {
	case "logged_in":
		if snap.LoggedIn {
			return want, "the app is logged in"
		}
		return !want, "the app is not logged in: it holds no token"
	case "as_session":
		got := sim.SessionNone
		if s := snap.ASSession; s != nil {
			got = s.State
		}
		why := "the browser's AS session is " + got
		if s := snap.ASSession; s != nil && s.Why != "" {
			why += " (" + s.Why + ")"
		}
		return got == k.Want, why
	}
	// A probe: its verdict, its words, and what it cost the API.
	b, err := a.Live.Branch(len(a.Live.Steps))
	if err != nil {
		return false, "the engine could not copy the world to check: " + err.Error()
	}
	before := b.World.Inspect().Counts.Introspections
	var can bool
	var why string
	switch k.Fact {
	case "attacker_can_call":
		can, why = attackerProbe(b, snap)
	case "app_can_call":
		res, _ := b.Do("call", map[string]string{"path": probePath})
		can, why = res.Outcome.OK(), "the app's call to GET "+probePath+" "+outcomeWords(res.Outcome)
	case "try":
		steps := k.Steps
		if len(steps) == 0 {
			steps = []*Step{{Do: k.Do, Params: k.Params}}
		}
		var did []string
		for _, st := range steps {
			res, err := b.Do(st.Do, st.Params)
			if err != nil {
				return false, "the engine could not try " + st.Do + ": " + err.Error()
			}
			can = res.Outcome.OK()
			did = append(did, res.Step.Heading()+": "+outcomeWords(res.Outcome))
		}
		why = "on a copy of the world, " + strings.Join(did, "; then ")
	}
	met := can == want
	cost := b.World.Inspect().Counts.Introspections - before
	if max := k.Introspections; max != nil && cost > *max {
		return false, fmt.Sprintf("%s, but checking cost the API %d introspection call(s), more than the %d allowed", why, cost, *max)
	}
	if k.Introspections != nil {
		why += fmt.Sprintf(", at a cost of %d introspection call(s)", cost)
	}
	return met, why
}

// attackerProbe asks the engine whether the attacker can call the API now:
// with the access token it holds, or with one it mints from the refresh
// token it holds.
func attackerProbe(b *Live, snap sim.Snapshot) (bool, string) {
	if !snap.Attacker.HoldsAccess && !snap.Attacker.HoldsRefresh {
		return false, "the attacker holds no token"
	}
	var whys []string
	if snap.Attacker.HoldsAccess {
		res, _ := b.Do("attacker.call", map[string]string{"path": probePath})
		if res.Outcome.OK() {
			return true, "the attacker's call to GET " + probePath + " with the access token it holds " + outcomeWords(res.Outcome) + attackerSays(snap)
		}
		whys = append(whys, "its call with the access token it holds "+outcomeWords(res.Outcome))
	}
	if snap.Attacker.HoldsRefresh {
		res, _ := b.Do("attacker.refresh", nil)
		if !res.Outcome.OK() {
			whys = append(whys, "its refresh "+outcomeWords(res.Outcome))
		} else {
			call, _ := b.Do("attacker.call", map[string]string{"path": probePath})
			if call.Outcome.OK() {
				return true, "the attacker refreshed with the refresh token it holds and its call to GET " + probePath + " " + outcomeWords(call.Outcome) + attackerSays(snap)
			}
			whys = append(whys, "it refreshed, but its call with the new access token "+outcomeWords(call.Outcome))
		}
	}
	return false, "the attacker cannot call the API: " + strings.Join(whys, "; ")
}

// attackerSays is the engine's own summary of what the attacker can do now
// (sim.AttackerView), after a probe found that it can.
func attackerSays(snap sim.Snapshot) string {
	if s := snap.Attacker.Summary; strings.HasPrefix(s, "can ") {
		return "; the attacker " + s
	}
	return ""
}

// done counts the learner's steps of an action with the wanted outcome.
func (a *Attempt) done(k *Cond) (bool, string, bool) {
	n := 0
	for _, st := range a.Learner() {
		if st.Step.Do == k.Do && st.Outcome.OK() == (k.Want == "true") && matches(st.Step.Params, k.Params) {
			n++
		}
	}
	least := k.Times
	if least == 0 && k.AtMost == nil {
		least = 1
	}
	what := "succeeded"
	if k.Want != "true" {
		what = "failed"
	}
	why := fmt.Sprintf("%s %s %d time(s)", strings.TrimSpace(k.Do+" "+paramWords(k.Params)), what, n)
	switch {
	case n < least:
		return false, fmt.Sprintf("%s; the goal needs at least %d", why, least), false
	case k.AtMost != nil && n > *k.AtMost:
		// A step done cannot be undone: this attempt is over.
		return false, fmt.Sprintf("%s; the goal allows at most %d", why, *k.AtMost), true
	}
	return true, why, false
}

// outcomeWords is an outcome as the engine states it: the status, the
// protocol's error code and the reason.
func outcomeWords(o sim.Outcome) string {
	var parts []string
	if o.Status != 0 {
		parts = append(parts, fmt.Sprintf("got %d", o.Status))
	}
	if o.Error != "" {
		parts = append(parts, o.Error)
	}
	s := strings.Join(parts, " ")
	if s == "" {
		s = "done"
	}
	if o.Reason != "" {
		s += ": " + o.Reason
	}
	return s
}

// matches reports whether a step's parameters include every one of want.
func matches(params, want map[string]string) bool {
	for k, v := range want {
		if !strings.EqualFold(params[k], v) {
			return false
		}
	}
	return true
}

// paramWords writes parameters as a step's YAML would, in a stable order.
func paramWords(p map[string]string) string {
	keys := slices.Sorted(maps.Keys(p))
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+p[k])
	}
	return strings.Join(parts, ", ")
}
