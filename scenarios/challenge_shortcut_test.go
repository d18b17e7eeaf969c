package scenarios

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestChallengesRefuseShortcuts plays answers that met an earlier win
// condition without doing what the goal says (or without the lesson: a
// knob set to an absurd value, time run out instead of an action), and
// checks that each is now refused, with the engine's why or, for an action
// or knob the challenge no longer gives, ErrNotAllowed; and answers that
// do what the goal says in another way than the author's, which must be
// met.
func TestChallengesRefuseShortcuts(t *testing.T) {
	for _, tc := range []struct {
		id, name string
		steps    string // the solution's steps, YAML flow mappings one a line
		why      string // in the verdict's why; "" when the steps are refused
		met      bool   // the answer does what the goal says: it must be met
	}{
		// The billing token sent with present is the app's call to billing
		// made by hand: billing accepts it, and so must the verdict.
		{"billing-token", "present", "{do: refresh, resource: billing}\n{do: present, token: access, api: billing, for: billing, path: /api/orders}",
			"present api billing, for billing succeeded 1 time(s)", true},
		// "Get her orders": another endpoint is not her orders.
		{"no-second-login", "profile", "{do: call, path: /api/profile}",
			"call path /api/orders succeeded 0 time(s)", false},
		// With Alice's AS session alive this login asks her nothing, but it
		// is a new login, which the goal rules out in words.
		{"no-second-login", "silent", "{do: login}\n{do: call, path: /api/orders}",
			"login succeeded 1 time(s); the goal allows at most 0", false},
		// Withdrawn consent ends the grant, but the laptop's browser still
		// holds Alice's live AS session: a login without a password.
		{"laptop-stolen", "consent", "{do: revoke-consent}\n{do: set, key: api_mode, value: introspect}",
			"log in: got 200: signed in without the form", false},
		// The script runs as soon as Alice is logged out: waiting for the
		// AS session's idle limit is not logging out.
		{"silent-login", "wait", "{do: logout}\n{do: advance, by: 31m}", "", false},
		// An access token that outlives the night answers a call after 12
		// hours, but the refresh token has died of its 30m idle limit.
		{"tab-left-open", "long-access", "{do: set, key: access_ttl, value: 13h}\n{do: refresh}",
			"advance 12h: done; then the app refreshes: got 400 invalid_grant", false},
		// "More than a day" unused: 24h50m of idle lifetime is too long.
		{"tab-left-open", "idle-too-long", "{do: set, key: refresh_idle, value: 24h50m}",
			"advance 24h1s: done; then the app refreshes: got 200", false},
		// A grace interval of 100 days lets the tabs race, and switches
		// reuse detection off: a thief's replay is forgiven too.
		{"two-tabs", "endless-grace", "{do: set, key: reuse_grace, value: 100d}\n{do: race}\n{do: race}\n{do: race}",
			"advance 2m: done; then the attacker refreshes: got 200", false},
		// Three good races, then a month: the app still holds its tokens,
		// but the auth server has ended them (refresh_absolute 30d).
		{"two-tabs", "a-month-later", "{do: set, key: single_flight, value: 'true'}\n{do: race}\n{do: race}\n{do: race}\n{do: advance, by: 31d}",
			"the app's call to GET /api/orders got 400 invalid_grant", false},
	} {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			c, err := ChallengeByID(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString("steps:\n")
			for _, st := range strings.Split(tc.steps, "\n") {
				b.WriteString("  - " + st + "\n")
			}
			sol, err := LoadSolution(tc.id+"."+tc.name+".yaml", []byte(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			_, v, err := c.Solve(sol, Options{Seed: 1})
			if tc.why == "" {
				if !errors.Is(err, ErrNotAllowed) {
					t.Fatalf("want the steps refused (ErrNotAllowed), got %v; verdict %+v", err, v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Met != tc.met {
				t.Fatalf("met %v, want %v:\n%s", v.Met, tc.met, v.Describe())
			}
			if !strings.Contains(v.Why, tc.why) {
				t.Errorf("why does not say %q:\n%s", tc.why, v.Why)
			}
		})
	}
}

// TestChallengesPinTheirWorld: a goal's words rest on its world's figures
// (two-tabs: "the auth server rotates refresh tokens"), so every built-in
// names its preset rather than inherit whatever sim.DefaultPreset becomes,
// and a caller's preset or settings (the player's what-ifs) do not reach
// an attempt.
func TestChallengesPinTheirWorld(t *testing.T) {
	all, err := Challenges()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if c.World.Preset == "" {
			t.Errorf("%s names no preset: its goal would change with sim.DefaultPreset", c.ID)
			continue
		}
		own, err := c.Start(Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		other, err := c.Start(Options{Seed: 1, Preset: "naive", Set: []Setting{{Key: "rotation", Value: "false"}}})
		if err != nil {
			t.Fatal(err)
		}
		if own.Live.Preset != c.World.Preset || other.Live.Preset != c.World.Preset || other.Live.Policy != own.Live.Policy {
			t.Errorf("%s: started with another preset, the attempt runs %s (want %s) with a policy equal to its own: %v",
				c.ID, other.Live.Preset, c.World.Preset, other.Live.Policy == own.Live.Policy)
		}
	}
}

// TestChallengeDeadlinesCannotMove: a window counts from the last step of
// its after: action, so if the learner could do that action, doing it
// again would move the deadline (a call in laptop-stolen would restart
// its 5 minutes). No built-in's after: is an action the learner may use.
func TestChallengeDeadlinesCannotMove(t *testing.T) {
	all, err := Challenges()
	if err != nil {
		t.Fatal(err)
	}
	var walk func(c *Challenge, k *Cond)
	walk = func(c *Challenge, k *Cond) {
		for _, sub := range append(append([]*Cond{}, k.All...), k.Any...) {
			walk(c, sub)
		}
		if k.After != "" && slices.Contains(c.Actions, k.After) {
			t.Errorf("%s: its deadline counts from the last %s, which the learner may do again", c.ID, k.After)
		}
	}
	for _, c := range all {
		walk(c, c.Win)
	}
}

// TestAppProbeThiefUsesEverything: a thief holding both tokens uses both.
// Its stolen access token still works (rotation does not recall it), and
// the probe once stopped there; but its refresh with the retired refresh
// token is what reuse detection answers by revoking the family (RFC 9700
// §4.14.2), and an introspecting API then refuses the app's token too.
func TestAppProbeThiefUsesEverything(t *testing.T) {
	const src = `id: thief-uses-everything
title: The thief uses everything
level: advanced
theme: theft
goal: Keep the app working after the thief has used both tokens it stole.
hints: [Reuse detection revokes the whole family.]
actions: [refresh]
par: {actions: 1, time: 0s}
sources: [RFC 9700 section 4.14.2]
storage: local-storage
set:
  api_mode: introspect
setup:
  - do: login
    narration: Alice signs in.
  - do: steal
    from: script-injection
    token: access
    narration: A script copies the access token.
  - do: steal
    from: script-injection
    token: refresh
    narration: And the refresh token.
win:
  all:
    - done: {do: refresh}
    - app_can_call: true
`
	c, err := LoadChallenge("thief-uses-everything.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Do("refresh", nil); err != nil {
		t.Fatal(err)
	}
	v := a.Check()
	if v.Met || !strings.Contains(v.Why, "its call with the access token it holds got 200") || !strings.Contains(v.Why, "its refresh got 400 invalid_grant") {
		t.Fatalf("the thief's access call works, then its refresh must be tried too: met %v, why %q", v.Met, v.Why)
	}
}
