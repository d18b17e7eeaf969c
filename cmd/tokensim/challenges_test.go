package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/scenarios"
)

// TestChallengesList: every built-in challenge is listed with its level,
// title and goal, in course order, as text and as JSON.
func TestChallengesList(t *testing.T) {
	all, err := scenarios.Challenges()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, "", "challenges")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	last := -1
	for _, c := range all {
		i := strings.Index(out, c.ID+" ("+c.Level+", "+c.Theme+")\n")
		if i < 0 || i < last {
			t.Errorf("%s missing or out of course order:\n%s", c.ID, out)
		}
		last = i
		if !strings.Contains(out, c.Title) {
			t.Errorf("%s's title missing", c.ID)
		}
	}
	if n := strings.Count(out, "  Goal: "); n != len(all) {
		t.Errorf("%d goals for %d challenges", n, len(all))
	}
	code, out, _ = cli(t, "", "challenges", "--json")
	var list []struct{ ID, Goal string }
	if code != exitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) != len(all) || list[0].Goal == "" {
		t.Errorf("--json: exit %d, %d entries, %q", code, len(list), out)
	}
}

// TestChallengeSolutionExit: met is 0, not met 1, bad input 2, each with
// the engine's verdict or the positioned problem.
func TestChallengeSolutionExit(t *testing.T) {
	dir := "../../scenarios/challenges/testdata/"
	code, out, _ := cli(t, "", "challenge", "stop-the-thief", "--solution", dir+"stop-the-thief.solution.yaml")
	if code != exitOK || !strings.Contains(out, "Goal met.") || !strings.Contains(out, "Score: 2 action(s), no virtual time: ***") {
		t.Errorf("a solution: exit %d\n%s", code, out)
	}
	code, out, _ = cli(t, "", "challenge", "stop-the-thief", "--solution", dir+"stop-the-thief.wrong.yaml")
	if code != exitFailed || !strings.Contains(out, "Goal not met yet.") || !strings.Contains(out, "Hint: ") {
		t.Errorf("a wrong solution: exit %d\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("steps:\n  - do: steal\n    from: log\n    token: access\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cli(t, "", "challenge", "stop-the-thief", "--solution", bad)
	if code != exitUsage || !strings.Contains(errs, "bad.yaml:2:5: step 1: action steal: not allowed in this challenge") {
		t.Errorf("a forbidden step: exit %d, %q", code, errs)
	}
	code, _, errs = cli(t, "", "challenge", "stop-the-thef", "--solution", bad)
	if code != exitUsage || !strings.Contains(errs, `(did you mean "stop-the-thief"?)`) {
		t.Errorf("an unknown challenge: exit %d, %q", code, errs)
	}
	if code, _, _ = cli(t, "", "challenge", "stop-the-thief"); code != exitUsage {
		t.Errorf("no --solution: exit %d", code)
	}
	// An unknown id reads the same with or without --solution.
	code, _, errs = cli(t, "", "challenge", "stop-the-thef")
	if code != exitUsage || !strings.Contains(errs, `unknown challenge "stop-the-thef" (did you mean "stop-the-thief"?)`) || strings.Contains(errs, "name one challenge") {
		t.Errorf("an unknown challenge without --solution: exit %d, %q", code, errs)
	}
	// Another challenge's solution: positioned, in words about a solution.
	other := filepath.Join(t.TempDir(), "other.yaml")
	if err := os.WriteFile(other, []byte("challenge: no-second-login\nsteps:\n  - do: call\n    path: /api/orders\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = cli(t, "", "challenge", "stop-the-thief", "--solution", other)
	if code != exitUsage || !strings.Contains(errs, `other.yaml:1:12: this solution is for challenge "no-second-login", not "stop-the-thief"`) || strings.Contains(errs, "invalid scenario") {
		t.Errorf("another challenge's solution: exit %d, %q", code, errs)
	}
	// A challenge file: validated alone, checked with a solution.
	file := "../../scenarios/challenges/stop-the-thief.yaml"
	if code, out, _ = cli(t, "", "challenge", file); code != exitOK || !strings.Contains(out, "ok (stop-the-thief, 2 setup steps)") {
		t.Errorf("validating a file: exit %d, %q", code, out)
	}
	if code, _, _ = cli(t, "", "challenge", file, "--solution", dir+"stop-the-thief.solution.yaml"); code != exitOK {
		t.Errorf("a file and its solution: exit %d", code)
	}
	code, _, errs = cli(t, "", "challenge", "../../scenarios/testdata/bad-challenges/keys.yaml")
	if code != exitUsage || !strings.Contains(errs, `keys.yaml:2:1: the challenge: unknown key "titel" (did you mean "title"?)`) {
		t.Errorf("a bad file: exit %d, %q", code, errs)
	}
}
