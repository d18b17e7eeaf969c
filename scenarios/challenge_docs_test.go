package scenarios

import (
	"os"
	"strings"
	"testing"
)

// TestChallengeDocExample loads the complete example of
// docs/challenge-format.md and solves it with the solution beside it:
// the documented format is the one the loader reads, and its example works.
func TestChallengeDocExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/challenge-format.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```yaml\n")
	if len(blocks) < 3 {
		t.Fatal("the format document needs a challenge and a solution example")
	}
	example, _, _ := strings.Cut(blocks[1], "```")
	solution, _, _ := strings.Cut(blocks[2], "```")
	c, err := LoadChallenge("challenge-format.md", []byte(example))
	if err != nil {
		t.Fatalf("the documented example does not load:\n%v", err)
	}
	sol, err := LoadSolution("challenge-format.md", []byte(solution))
	if err != nil {
		t.Fatalf("the documented solution does not load:\n%v", err)
	}
	_, v, err := c.Solve(sol, Options{Seed: 1})
	if err != nil || !v.Met {
		t.Fatalf("the documented solution does not meet the documented goal: %v\n%s", err, v.Describe())
	}
	for _, k := range append(append([]string{}, condKeys...), "id", "title", "goal", "level", "theme", "hints", "actions", "knobs", "par", "sources", "setup", "win") {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("key %s is not documented", k)
		}
	}
}
