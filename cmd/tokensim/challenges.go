package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
)

// challenges lists the built-in challenges: id, level, title and goal, a
// block each (the goal is a sentence or two, too long for a table row).
func (e *env) challenges(args []string) int {
	fs := newFlags("challenges", "challenges [--json]", "  tokensim challenges\n  tokensim challenges --json | jq -r '.[].id'\n  tokensim challenge stop-the-thief --solution my-answer.yaml\n", e.stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tokensim challenges: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	all, err := scenarios.Challenges()
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim: the built-in challenges are broken: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		type entry struct {
			ID      string   `json:"id"`
			Level   string   `json:"level"`
			Theme   string   `json:"theme"`
			Title   string   `json:"title"`
			Goal    string   `json:"goal"`
			Actions []string `json:"actions"`
			Knobs   []string `json:"knobs,omitempty"`
		}
		out := []entry{}
		for _, c := range all {
			out = append(out, entry{c.ID, c.Level, c.Theme, c.Title, oneLine(c.Goal), c.Actions, c.Knobs})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if enc.Encode(out) != nil {
			return exitFailed
		}
		return exitOK
	}
	width := e.width
	if width <= 0 {
		width = 80
	}
	var b strings.Builder
	for i, c := range all {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s (%s, %s)\n", c.ID, c.Level, c.Theme)
		for _, l := range text.Lines(c.Title, width-2) {
			b.WriteString("  " + l + "\n")
		}
		for _, l := range text.Lines("Goal: "+oneLine(c.Goal), width-2) {
			b.WriteString("  " + l + "\n")
		}
	}
	if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
		return exitFailed
	}
	return exitOK
}

// challenge checks a recorded solution against one challenge and prints
// the engine's verdict: exit 0 when the goal is met, 1 when not, 2 on bad
// input (an unknown challenge, a bad file, a step the challenge refuses).
// A challenge file without --solution is only loaded and validated.
func (e *env) challenge(args []string) int {
	fs := newFlags("challenge", "challenge <id|file.yaml> [--solution file.yaml] [--seed N]",
		"  tokensim challenge no-second-login --solution answer.yaml\n"+
			"  tokensim challenge my-challenge.yaml                 # validate it: every problem, file:line:col\n"+
			"  tokensim challenge my-challenge.yaml --solution answer.yaml\n\n"+
			"A solution file lists the learner's actions as a lesson's steps:\n"+
			"  challenge: no-second-login\n  steps:\n    - do: call\n      path: /api/orders\n"+
			"See docs/challenge-format.md. Exit status: 0 goal met, 1 not met, 2 bad input.\n", e.stderr)
	solution := fs.String("solution", "", "the solution file to check (required)")
	seed := fs.Uint64("seed", 1, "seed of the world")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	const usage = "tokensim challenge: name one challenge and a --solution file (tokensim challenges lists them), or a challenge file to validate"
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, usage)
		return exitUsage
	}
	isFile := strings.HasSuffix(pos[0], ".yaml") || strings.HasSuffix(pos[0], ".yml")
	var c *scenarios.Challenge
	var err error
	if isFile {
		var data []byte
		if data, err = os.ReadFile(pos[0]); err == nil {
			c, err = scenarios.LoadChallenge(pos[0], data)
		}
	} else {
		// The id first: an unknown one is "unknown challenge" with its
		// did-you-mean whether or not --solution was given.
		c, err = scenarios.ChallengeByID(pos[0])
	}
	if err != nil {
		return e.challengeProblems(err)
	}
	if *solution == "" && !isFile {
		fmt.Fprintln(e.stderr, usage)
		return exitUsage
	}
	if *solution == "" {
		fmt.Fprintf(e.stdout, "%s: ok (%s, %d setup steps)\n", pos[0], c.ID, len(c.World.Steps))
		return exitOK
	}
	data, err := os.ReadFile(*solution)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim challenge: %v\n", err)
		return exitUsage
	}
	sol, err := scenarios.LoadSolution(*solution, data)
	if err == nil {
		var v scenarios.Verdict
		if _, v, err = c.Solve(sol, scenarios.Options{Seed: *seed}); err == nil {
			fmt.Fprintf(e.stdout, "%s: %s\n%s", c.ID, c.Title, v.Describe())
			if v.Met {
				return exitOK
			}
			return exitFailed
		}
	}
	return e.challengeProblems(err)
}

// challengeProblems prints a bad input's problems, one a line, each
// file:line:col: message when it has a place (exit 2).
func (e *env) challengeProblems(err error) int {
	var probs scenarios.Problems
	if errors.As(err, &probs) {
		for _, p := range probs {
			fmt.Fprintln(e.stderr, p)
		}
	} else {
		fmt.Fprintf(e.stderr, "tokensim challenge: %v\n", err)
	}
	return exitUsage
}

// oneLine joins a YAML block's lines into one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
