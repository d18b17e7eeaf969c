package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// Failure is an expectation that did not hold.
type Failure struct {
	File     string
	Pos      Pos
	Step     int
	Action   string
	Key      string
	Expected string
	Got      string
	Reason   string // the engine's reason for what happened
}

// String reads as a diff: where, which step, expected, got, and why.
func (f Failure) String() string {
	s := fmt.Sprintf("%s:%d:%d: step %d (%s): %s: expected %s, got %s", f.File, f.Pos.Line, f.Pos.Col, f.Step, f.Action, f.Key, f.Expected, f.Got)
	if f.Reason != "" {
		s += "\n    reason: " + f.Reason
	}
	return s
}

// check compares a step's result with its expectations.
func check(sc *Scenario, r StepResult) []Failure {
	e := r.Step.Expect
	if e == nil {
		return nil
	}
	var out []Failure
	fail := func(key, want, got string) {
		out = append(out, Failure{File: sc.Source, Pos: e.At[key], Step: r.Index, Action: r.Step.Do,
			Key: key, Expected: want, Got: got, Reason: r.Outcome.Reason})
	}
	o := r.Outcome
	if e.Status != nil && o.Status != *e.Status {
		fail("status", strconv.Itoa(*e.Status), orNone(statusText(o.Status)))
	}
	if e.Error != nil && o.Error != *e.Error {
		fail("error", orNone(*e.Error), orNone(o.Error))
	}
	if e.Reason != "" && !strings.Contains(strings.ToLower(o.Reason), strings.ToLower(e.Reason)) {
		fail("reason", "a reason containing "+strconv.Quote(e.Reason), orNone(strconv.Quote(o.Reason)))
	}
	boolCheck := func(key string, want *bool, got bool) {
		if want != nil && *want != got {
			fail(key, strconv.FormatBool(*want), strconv.FormatBool(got))
		}
	}
	boolCheck("logged_in", e.LoggedIn, r.Snapshot.LoggedIn)
	boolCheck("reuse_detected", e.ReuseDetected, has(r.Events, func(ev sim.Event) bool { return ev.Kind == sim.KindReuse }))
	boolCheck("family_revoked", e.FamilyRevoked, has(r.Events, func(ev sim.Event) bool { return ev.Kind == sim.KindFamilyRevoked }))
	boolCheck("as_contacted", e.ASContacted, has(r.Events, func(ev sim.Event) bool { return ev.Kind == sim.KindExchange && ev.To == sim.ActorAS }))
	boolCheck("login_form", e.LoginForm, has(r.Events, sim.Event.IsLoginForm))
	if e.ASSession != "" {
		got := sim.SessionNone
		if v := r.Snapshot.ASSession; v != nil {
			got = v.State
		}
		if got != e.ASSession {
			fail("as_session", e.ASSession, got)
		}
	}
	if e.Introspections != nil {
		n := 0
		for _, ev := range r.Events {
			if ev.Kind == sim.KindExchange && ev.From == sim.ActorAPI && ev.Path == "/introspect" {
				n++
			}
		}
		if n != *e.Introspections {
			fail("introspections", strconv.Itoa(*e.Introspections), strconv.Itoa(n))
		}
	}
	for _, label := range sortedKeys(e.Tokens) {
		want := e.Tokens[label]
		if got := tokenState(r.Snapshot, label); got != want {
			out = append(out, Failure{File: sc.Source, Pos: e.At["tokens."+label], Step: r.Index, Action: r.Step.Do,
				Key: "tokens." + label, Expected: want, Got: orNone(got), Reason: r.Outcome.Reason})
		}
	}
	if e.AttackerHolds != nil {
		var got []string
		if r.Snapshot.Attacker.HoldsAccess {
			got = append(got, "access")
		}
		if r.Snapshot.Attacker.HoldsRefresh {
			got = append(got, "refresh")
		}
		want := slices.Clone(e.AttackerHolds)
		slices.Sort(want)
		if !slices.Equal(want, got) {
			fail("attacker_holds", "["+strings.Join(want, ", ")+"]", "["+strings.Join(got, ", ")+"]")
		}
	}
	return out
}

// tokenState finds a token by label among the AS's families.
func tokenState(s sim.Snapshot, label string) string {
	for _, f := range s.Families {
		for _, rt := range f.Refresh {
			if rt.Label == label {
				return string(rt.State)
			}
		}
		for _, at := range f.Access {
			if at.Label == label {
				return string(at.State)
			}
		}
	}
	return ""
}

func has(evs []sim.Event, f func(sim.Event) bool) bool { return slices.ContainsFunc(evs, f) }

func statusText(s int) string {
	if s == 0 {
		return ""
	}
	return strconv.Itoa(s)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
