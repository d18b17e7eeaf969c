package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// solve plays a recorded solution file on the built-in challenge c.
func solve(t *testing.T, c *Challenge, kind string) (*Attempt, Verdict) {
	t.Helper()
	return solveSeed(t, c, kind, 1)
}

// solveSeed is solve in the world of another seed.
func solveSeed(t *testing.T, c *Challenge, kind string, seed uint64) (*Attempt, Verdict) {
	t.Helper()
	f := filepath.Join("challenges", "testdata", c.ID+"."+kind+".yaml")
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatalf("every challenge has a %s file: %v", kind, err)
	}
	sol, err := LoadSolution(f, data)
	if err != nil {
		t.Fatal(err)
	}
	a, v, err := c.Solve(sol, Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return a, v
}

// TestChallengesSolved solves every built-in challenge with its recorded
// solution, at par (three stars: par is the author's own solution), and
// checks that a plausible wrong answer is refused with the engine's reason
// and the first hint.
func TestChallengesSolved(t *testing.T) {
	all, err := Challenges()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 8 {
		t.Fatalf("%d built-in challenges; the issue asks for at least 8", len(all))
	}
	themes := map[string]bool{}
	for _, c := range all {
		themes[c.Theme] = true
		t.Run(c.ID, func(t *testing.T) {
			_, v := solve(t, c, "solution")
			if !v.Met {
				t.Fatalf("the recorded solution does not meet the goal:\n%s", v.Describe())
			}
			if v.Score.Stars != 3 || v.Score.Actions != c.Par.Actions || v.Score.Virtual != c.Par.Virtual {
				t.Errorf("the recorded solution scores %+v; par is %+v: par must be what the author's solution takes", v.Score, c.Par)
			}
			if v.Hint != "" || v.Stuck {
				t.Errorf("a met goal has no hint and is not stuck: %+v", v)
			}
			// Another seed draws other token values, not other times: the
			// same answer holds.
			if _, v := solveSeed(t, c, "solution", 42); !v.Met {
				t.Errorf("with seed 42 the recorded solution fails:\n%s", v.Describe())
			}
			_, w := solve(t, c, "wrong")
			if w.Met {
				t.Fatalf("the wrong solution meets the goal:\n%s", w.Describe())
			}
			if w.Hint != c.Hints[0] {
				t.Errorf("after one failed try the hint is %q, want the first, %q", w.Hint, c.Hints[0])
			}
			if strings.TrimSpace(w.Why) == "" {
				t.Error("a refusal says why")
			}
		})
	}
	if len(themes) != len(Themes) {
		t.Errorf("the challenges span themes %v; want all of %v", themes, Themes)
	}
}

// TestChallengeWhyFromEngine checks that a verdict's reasons are the
// engine's own words: the refusal the engine gave, the state it reports.
func TestChallengeWhyFromEngine(t *testing.T) {
	c, err := ChallengeByID("revoke-cheaply")
	if err != nil {
		t.Fatal(err)
	}
	a, v := solve(t, c, "wrong")
	for _, want := range []string{
		"got 401 invalid_token", // the API's refusal (RFC 6750 section 3.1)
		"checking cost the API 1 introspection call(s), more than the 0 allowed",
		"within 5m of the steal",
	} {
		if !strings.Contains(v.Why, want) {
			t.Errorf("why does not say %q:\n%s", want, v.Why)
		}
	}
	if len(v.Parts) != 2 || !v.Parts[0].Met || v.Parts[1].Met || !strings.Contains(v.Parts[1].Why, "more than the 0 allowed") {
		t.Errorf("parts: want logout met and the refusal's cost not, got %+v", v.Parts)
	}
	// The probe runs on a copy: checking again adds nothing to the
	// attempt's world.
	before, introspections := a.Live.World.Log().Len(), a.Live.World.Inspect().Counts.Introspections
	a.Check()
	if a.Live.World.Log().Len() != before || a.Live.World.Inspect().Counts.Introspections != introspections {
		t.Fatal("a check changed the attempt's world")
	}
}

// TestChallengeRefusesActions: an action or knob the challenge does not
// give the learner is refused, named, with what is allowed.
func TestChallengeRefusesActions(t *testing.T) {
	c, err := ChallengeByID("stop-the-thief")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	steps := len(a.Live.Steps)
	_, err = a.Do("attacker.refresh", nil)
	if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), "you may use set, refresh") {
		t.Errorf("a forbidden action: %v", err)
	}
	_, err = a.Do("set", map[string]string{"key": "api_mode", "value": "introspect"})
	if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), `knob "api_mode"`) {
		t.Errorf("a forbidden knob: %v", err)
	}
	if _, err := a.Do("set", map[string]string{"key": "rotation", "value": "true"}); err != nil {
		t.Errorf("an allowed knob: %v", err)
	}
	if len(a.Live.Steps) != steps+1 {
		t.Errorf("refused actions must not run: %d steps, want %d", len(a.Live.Steps), steps+1)
	}
}

// TestChallengeDeadline: past the window after the theft, the goal can no
// longer be met, and the verdict says so with the engine's clock.
func TestChallengeDeadline(t *testing.T) {
	c, err := ChallengeByID("stop-the-thief")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		do string
		p  map[string]string
	}{{"advance", map[string]string{"by": "6m"}}, {"set", map[string]string{"key": "rotation", "value": "true"}}, {"refresh", nil}} {
		if _, err := a.Do(st.do, st.p); err != nil {
			t.Fatal(err)
		}
	}
	v := a.Check()
	if v.Met || !v.Stuck || !strings.Contains(v.Why, "the deadline, 5m after the steal at 09:00:00, was 09:05:00 and it is now 09:06:00") {
		t.Errorf("late solution: %+v", v)
	}
}

// TestChallengeHints: each unmet check after a new action is a failed
// try and brings the next hint; checking again without acting does not;
// the last hint stays.
func TestChallengeHints(t *testing.T) {
	c, err := ChallengeByID("two-tabs")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v := a.Check(); v.Hint != "" {
		t.Errorf("before any action, no hint: %q", v.Hint)
	}
	var got []string
	for range len(c.Hints) + 1 {
		if _, err := a.Do("advance", map[string]string{"by": "1m"}); err != nil {
			t.Fatal(err)
		}
		got = append(got, a.Check().Hint)
		if again := a.Check().Hint; again != got[len(got)-1] {
			t.Errorf("checking twice without acting moved the hint to %q", again)
		}
	}
	want := append(append([]string{}, c.Hints...), c.Hints[len(c.Hints)-1])
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("hints %q, want %q", got, want)
	}
}

// TestChallengeStars: over par in actions and time costs a star each.
func TestChallengeStars(t *testing.T) {
	c, err := ChallengeByID("no-second-login")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []struct {
		do string
		p  map[string]string
	}{{"advance", map[string]string{"by": "1m"}}, {"refresh", nil}, {"call", map[string]string{"path": "/api/orders"}}} {
		if _, err := a.Do(st.do, st.p); err != nil {
			t.Fatal(err)
		}
	}
	v := a.Check()
	if !v.Met || v.Score.Stars != 1 || v.Score.Actions != 3 || v.Score.Virtual.String() != "1m0s" {
		t.Errorf("3 actions and 1m against par 1 and 0s: %+v", v)
	}
}

// TestBranchKeepsWorld: a copy of a challenge's world keeps its preset and
// settings (stop-the-thief turns rotation off), which a probe relies on.
func TestBranchKeepsWorld(t *testing.T) {
	c, err := ChallengeByID("stop-the-thief")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.Live.Branch(len(a.Live.Steps))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.World.Inspect().Policy.Rotation, a.Live.World.Inspect().Policy.Rotation; got != want || got {
		t.Errorf("the copy rotates: %v, the attempt: %v (want false)", got, want)
	}
}

// TestSolutionErrors: a solution with a bad step is refused, positioned;
// one with a step the challenge forbids is refused at that step.
func TestSolutionErrors(t *testing.T) {
	_, err := LoadSolution("s.yaml", []byte("challenge: two-tabs\nsteps:\n  - do: rase\n"))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `s.yaml:3:5: step 1: unknown action "rase" (did you mean "race"?)`) {
		t.Errorf("bad step: %v", err)
	}
	sol, err := LoadSolution("s.yaml", []byte("challenge: two-tabs\nsteps:\n  - do: race\n  - do: login\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ChallengeByID("two-tabs")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Solve(sol, Options{Seed: 1}); !errors.Is(err, ErrNotAllowed) || !strings.HasPrefix(err.Error(), "s.yaml:4:5: step 2: action login") {
		t.Errorf("forbidden step: %v", err)
	}
	other, _ := ChallengeByID("no-second-login")
	if _, _, err := other.Solve(sol, Options{Seed: 1}); !errors.Is(err, ErrInvalid) || err.Error() != `s.yaml:1:12: this solution is for challenge "two-tabs", not "no-second-login"` {
		t.Errorf("another challenge's solution: %v", err)
	}
}

// TestChallengeStuckOnceDone: a step the goal allows at most n times,
// done once more, cannot be undone: the attempt is stuck.
func TestChallengeStuckOnceDone(t *testing.T) {
	c, err := ChallengeByID("no-second-login")
	if err != nil {
		t.Fatal(err)
	}
	_, v := solve(t, c, "wrong") // logs in again, then calls
	if v.Met || !v.Stuck || !strings.Contains(v.Why, "login succeeded 1 time(s); the goal allows at most 0") {
		t.Errorf("a second login: %+v", v)
	}
}

// TestChallengeGoalsSayTheirWindows: a goal that states a deadline states
// the one the engine checks ("within 5 virtual minutes" for within: 5m).
func TestChallengeGoalsSayTheirWindows(t *testing.T) {
	all, err := Challenges()
	if err != nil {
		t.Fatal(err)
	}
	var walk func(c *Challenge, k *Cond)
	walk = func(c *Challenge, k *Cond) {
		for _, sub := range append(append([]*Cond{}, k.All...), k.Any...) {
			walk(c, sub)
		}
		if k.Within == 0 {
			return
		}
		want := fmt.Sprintf("%d virtual minutes", int(k.Within.Minutes()))
		if k.Within == time.Minute {
			want = "1 virtual minute"
		}
		if !strings.Contains(strings.Join(strings.Fields(c.Goal), " "), want) {
			t.Errorf("%s checks within %s but its goal does not say %q", c.ID, k.Within, want)
		}
	}
	for _, c := range all {
		walk(c, c.Win)
	}
}

// TestAttemptBranchAndRestart: stepping back keeps the setup and the
// hints earned; a restart is the setup's world again, hints kept.
func TestAttemptBranchAndRestart(t *testing.T) {
	c, err := ChallengeByID("stop-the-thief")
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Do("refresh", nil); err != nil { // rotation is off: not enough
		t.Fatal(err)
	}
	first := a.Check()
	if first.Met || first.Hint != c.Hints[0] {
		t.Fatalf("after a refresh without rotation: %+v", first)
	}
	setup := len(a.Setup())
	if _, err := a.Branch(setup - 1); err == nil {
		t.Error("a branch inside the setup must be refused")
	}
	b, err := a.Branch(setup)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Learner()) != 0 || len(a.Learner()) != 1 {
		t.Fatalf("branch: %d learner steps, original %d", len(b.Learner()), len(a.Learner()))
	}
	for _, st := range []struct {
		do string
		p  map[string]string
	}{{"set", map[string]string{"key": "rotation", "value": "true"}}, {"refresh", nil}} {
		if _, err := b.Do(st.do, st.p); err != nil {
			t.Fatal(err)
		}
	}
	if v := b.Check(); !v.Met || v.Score.Actions != 2 {
		t.Errorf("the branch solves it in 2 actions: %+v", v)
	}
	r, err := a.Restart()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Learner()) != 0 || len(r.Live.Steps) != setup {
		t.Errorf("a restart starts after the setup: %d steps", len(r.Live.Steps))
	}
	if _, err := r.Do("advance", map[string]string{"by": "1s"}); err != nil {
		t.Fatal(err)
	}
	if v := r.Check(); v.Hint != c.Hints[1] {
		t.Errorf("after a restart the next hint is the second: %q", v.Hint)
	}
}

// TestAppProbeAfterTheThief: app_can_call asks whether the app still works
// once the thief has used what it holds. With rotation and reuse
// detection, the thief's replay of the rotated refresh token revokes the
// family (RFC 9700 §4.14.2), and an API that introspects refuses the app's
// access token at once: the app does not keep working, though it would in
// a world where the thief waited.
func TestAppProbeAfterTheThief(t *testing.T) {
	const src = `id: after-the-thief
title: After the thief
level: advanced
theme: theft
goal: Keep the app working after the thief has tried its token.
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
    token: refresh
    narration: A script copies the refresh token.
win:
  all:
    - attacker_can_call: false
    - app_can_call: true
`
	c, err := LoadChallenge("after-the-thief.yaml", []byte(src))
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
	if v.Met || !strings.Contains(v.Why, "after the attacker tried") || !strings.Contains(v.Why, "reuse detected") {
		t.Fatalf("the app's probe must follow the thief's replay, which revokes the family: met %v, why %q", v.Met, v.Why)
	}
}
