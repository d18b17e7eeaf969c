package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// ErrNotAllowed is matched (errors.Is) by Attempt.Do's refusal of an
// action or knob the challenge does not give the learner.
var ErrNotAllowed = errors.New("not allowed in this challenge")

// Start sets up a fresh attempt: a new world with the challenge's policy,
// the setup steps run on it. Only opts.Seed is used: the challenge fixes
// its world, so that every learner faces the same one and par holds.
func (c *Challenge) Start(opts Options) (*Attempt, error) {
	r, err := Execute(c.World, Options{Seed: opts.Seed})
	if err != nil {
		return nil, fmt.Errorf("challenge %s: %w", c.ID, err)
	}
	if fs := r.Failures(); len(fs) > 0 {
		// The setup is the author's story: if it did not happen as
		// written, the learner would face another world than the goal's.
		return nil, fmt.Errorf("challenge %s: the setup did not run as written: %v", c.ID, fs[0])
	}
	return &Attempt{Live: &Live{Run: *r}, Challenge: c, setup: len(r.Steps)}, nil
}

// Do performs one learner action, as Live.Do, after checking that the
// challenge allows it: an action not in Challenge.Actions, or a set of a
// knob not in Challenge.Knobs, is refused with ErrNotAllowed.
func (a *Attempt) Do(action string, params map[string]string) (StepResult, error) {
	c := a.Challenge
	if !slices.Contains(c.Actions, action) {
		return StepResult{}, fmt.Errorf("action %s: %w; you may use %s", action, ErrNotAllowed, strings.Join(c.Actions, ", "))
	}
	if action == "set" && params["key"] != "" && !slices.Contains(c.Knobs, params["key"]) {
		// (A set without a key is Live.Do's to refuse: it names the parameter.)
		return StepResult{}, fmt.Errorf("knob %q: %w; you may set %s", params["key"], ErrNotAllowed, strings.Join(c.Knobs, ", "))
	}
	return a.Live.Do(action, params)
}

// Branch returns the attempt as it was after its first n steps, setup
// included (n >= len(Setup())), to go on from there: Live.Branch, with the
// hints already earned kept. a is unchanged.
func (a *Attempt) Branch(n int) (*Attempt, error) {
	if n < a.setup {
		return nil, fmt.Errorf("step %d is inside the setup (%d steps): the learner's first step is %d", n, a.setup, a.setup+1)
	}
	l, err := a.Live.Branch(n)
	if err != nil {
		return nil, err
	}
	b := *a
	b.Live = l
	b.checkedAt = min(a.checkedAt, n-a.setup)
	return &b, nil
}

// Restart returns a fresh attempt at the same challenge and seed, after a
// stuck or abandoned one: the hints already earned are kept.
func (a *Attempt) Restart() (*Attempt, error) {
	b, err := a.Challenge.Start(a.Live.Options)
	if err != nil {
		return nil, err
	}
	b.tries = a.tries
	return b, nil
}

// Check asks the engine whether the goal is met now. It may be called
// after every action. An unmet check after a new action counts as a failed
// try: the next hint is due (Verdict.Hint), one more each such try, the
// last one repeated.
func (a *Attempt) Check() Verdict {
	var v Verdict
	var stuck bool
	if w := a.Challenge.Win; len(w.All) > 0 {
		v.Parts, stuck = a.all(w.All)
		v.Met, v.Why = joinParts(v.Parts)
	} else {
		var p Part
		p.Met, p.Why, stuck = a.eval(w)
		v.Met, v.Why, v.Parts = p.Met, p.Why, []Part{p}
	}
	v.Stuck = stuck && !v.Met
	if v.Met {
		v.Score = a.score()
		return v
	}
	if n := len(a.Learner()); n > a.checkedAt {
		a.tries++
		a.checkedAt = n
	}
	if hs := a.Challenge.Hints; a.tries > 0 && len(hs) > 0 {
		v.Hint = hs[min(a.tries, len(hs))-1]
	}
	return v
}

// now is the world's virtual time after the last step.
func (a *Attempt) now() time.Time {
	if n := len(a.Live.Steps); n > 0 {
		return a.Live.Steps[n-1].Snapshot.Time
	}
	return a.Live.Initial.Time
}

// setupEnd is the virtual time the learner started at.
func (a *Attempt) setupEnd() time.Time {
	if a.setup > 0 {
		return a.Live.Steps[a.setup-1].Snapshot.Time
	}
	return a.Live.Initial.Time
}

func (a *Attempt) score() Score {
	c := a.Challenge
	s := Score{Actions: len(a.Learner()), Virtual: a.now().Sub(a.setupEnd()), Stars: 1}
	if s.Actions <= c.Par.Actions {
		s.Stars++
	}
	if s.Virtual <= c.Par.Virtual {
		s.Stars++
	}
	return s
}

// String says a score in words, stars included, for every front end.
func (s Score) String() string {
	t := "no virtual time"
	if s.Virtual > 0 {
		t = text.FormatDuration(s.Virtual) + " of virtual time"
	}
	return fmt.Sprintf("%d action(s), %s: %s", s.Actions, t, strings.Repeat("*", s.Stars)+strings.Repeat(".", 3-s.Stars))
}

// eval checks a condition: whether it holds, why in engine words, and
// whether it can no longer hold in this attempt.
func (a *Attempt) eval(k *Cond) (bool, string, bool) {
	switch {
	case len(k.All) > 0:
		parts, stuck := a.all(k.All)
		met, why := joinParts(parts)
		return met, why, stuck
	case len(k.Any) > 0:
		var whys []string
		stuck := true
		for _, sub := range k.Any {
			m, why, s := a.eval(sub)
			if m {
				return true, why, false
			}
			stuck = stuck && s
			whys = append(whys, why)
		}
		return false, "none of these holds: " + strings.Join(whys, "; or "), stuck
	}
	if k.After != "" {
		return a.window(k)
	}
	return a.fact(k)
}

// all evaluates each condition of an all:, and whether one of them can
// no longer hold.
func (a *Attempt) all(subs []*Cond) ([]Part, bool) {
	var parts []Part
	stuck := false
	for _, sub := range subs {
		m, why, s := a.eval(sub)
		stuck = stuck || (s && !m)
		parts = append(parts, Part{Met: m, Why: why})
	}
	return parts, stuck
}

// joinParts is an all: as one verdict: met when every part is, and each
// part's why on a line of its own, marked met or not yet.
func joinParts(parts []Part) (bool, string) {
	met := true
	var whys []string
	for _, p := range parts {
		if p.Met {
			whys = append(whys, "met: "+p.Why)
		} else {
			met = false
			whys = append(whys, "not yet: "+p.Why)
		}
	}
	return met, strings.Join(whys, "\n")
}

// window checks a fact within its deadline after the last step of
// action k.After.
func (a *Attempt) window(k *Cond) (bool, string, bool) {
	var from time.Time
	for _, st := range a.Live.Steps {
		if st.Step.Do == k.After {
			from = st.Snapshot.Time
		}
	}
	if from.IsZero() {
		return false, "no " + k.After + " has happened yet, and the deadline counts from it", false
	}
	deadline, now := from.Add(k.Within), a.now()
	if now.After(deadline) {
		return false, fmt.Sprintf("the deadline, %s after the %s at %s, was %s and it is now %s", text.FormatDuration(k.Within), k.After, clock(from), clock(deadline), clock(now)), true
	}
	m, why, stuck := a.fact(k)
	return m, fmt.Sprintf("%s (at %s, within %s of the %s at %s)", why, clock(now), text.FormatDuration(k.Within), k.After, clock(from)), stuck
}

// clock is a virtual time as every front end writes it (text.FormatTime).
func clock(t time.Time) string { return text.FormatTime(t, sim.Epoch()) }
