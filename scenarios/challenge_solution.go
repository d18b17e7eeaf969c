package scenarios

// A solution file: the learner's actions for a challenge, written as a
// lesson's steps, for tests, CI and `tokensim challenge --solution`.

import (
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"go.yaml.in/yaml/v3"
)

// Solution is a recorded answer to a challenge: the challenge's id and the
// learner's steps (do and the action's parameters; title and narration
// are allowed and not checked).
type Solution struct {
	Challenge string
	Steps     []*Step
	Source    string
	At        map[string]Pos
}

// LoadSolution parses one solution file and checks each step's action and
// parameters; whether the challenge allows them is Solve's to say. The
// error is a Problems, each problem with its line and column.
func LoadSolution(name string, data []byte) (*Solution, error) {
	d := &decoder{file: name}
	s := &Solution{Source: name, At: map[string]Pos{}}
	if body := d.body(data, "solution", []string{"challenge", "steps"}); body != nil {
		for _, kv := range pairs(body) {
			s.At[kv.key.Value] = posOf(kv.value)
		}
		d.object(body, "the solution", fields{
			"challenge": d.str(&s.Challenge),
			"steps":     func(n *yaml.Node) { s.Steps = d.steps(n, "steps") },
		}, nil)
		if _, ok := s.At["steps"]; !ok && len(d.probs) == 0 {
			d.errAt(Pos{1, 1}, "steps is required: the learner's actions, each starting with -")
		}
	}
	for i, st := range s.Steps {
		a, ok := actions[st.Do]
		if !ok {
			d.errAt(st.Pos, "step %d: unknown action %q%s", i+1, st.Do, text.DidYouMean(st.Do, Actions()))
			continue
		}
		params, probs := a.checkParams(st.Params, stepKeys...)
		for _, p := range probs {
			d.errAt(st.Pos, "step %d: %s", i+1, p.msg)
		}
		st.Params = params
	}
	if len(d.probs) > 0 {
		return nil, d.probs.sorted()
	}
	return s, nil
}

// Solve plays sol on a fresh attempt at c and returns the attempt and the
// engine's verdict after the last step. Its error is for a solution that
// cannot be played: another challenge's, or a step the challenge does not
// allow (errors.Is(err, ErrNotAllowed)), positioned in the solution file.
func (c *Challenge) Solve(sol *Solution, opts Options) (*Attempt, Verdict, error) {
	if sol.Challenge != "" && sol.Challenge != c.ID {
		p := sol.At["challenge"]
		// A positioned problem of the solution file, as LoadSolution's are:
		// errors.Is(err, ErrInvalid) holds without that sentinel's words
		// ("invalid scenario") trailing a message about a solution.
		return nil, Verdict{}, Problems{{File: sol.Source, Pos: p, Msg: fmt.Sprintf("this solution is for challenge %q, not %q", sol.Challenge, c.ID)}}
	}
	a, err := c.Start(opts)
	if err != nil {
		return nil, Verdict{}, err
	}
	for i, st := range sol.Steps {
		if _, err := a.Do(st.Do, st.Params); err != nil {
			return nil, Verdict{}, fmt.Errorf("%s:%d:%d: step %d: %w", sol.Source, st.Pos.Line, st.Pos.Col, i+1, err)
		}
	}
	return a, a.Check(), nil
}

// Describe is the verdict in words for a terminal: met or not, why, the
// hint and the score.
func (v Verdict) Describe() string {
	var b strings.Builder
	if v.Met {
		b.WriteString("Goal met.\n")
	} else {
		b.WriteString("Goal not met yet.\n")
	}
	for _, line := range strings.Split(v.Why, "\n") {
		b.WriteString("  " + line + "\n")
	}
	switch {
	case v.Met:
		b.WriteString("Score: " + v.Score.String() + "\n")
	case v.Stuck:
		b.WriteString("This attempt can no longer meet the goal: start again.\n")
	}
	if v.Hint != "" {
		b.WriteString("Hint: " + v.Hint + "\n")
	}
	return b.String()
}
