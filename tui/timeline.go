package tui

import (
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// timeline is what the player and the sandbox show: the steps so far, which
// one is current, and the learner's quiz answers. Every fact in it comes
// from the engine (a StepResult or a Snapshot); the panels only render it.
type timeline struct {
	id, title, preset string
	steps             []scenarios.StepResult
	initial           sim.Snapshot
	cur               int         // index of the current step; -1 before the first
	answered          map[int]int // step index → the option chosen (1-based)
	// changed marks the steps whose outcome differs from the lesson's own
	// run (under a what-if or a preset): index → how it differs. The
	// engine's one definition (scenarios.Run.Differences).
	changed map[int]scenarios.Difference
	// run is the run shown: what export writes, and part of every cached
	// frame's key (two runs with no step yet, before and after the
	// sandbox restarts with another app, look alike otherwise).
	run *scenarios.Run
	// world names the sandbox's world in words; "" in a lesson.
	world string
	// challenge is set in a challenge, whose expectations are its setup's
	// (challenge.go), not a lesson's.
	challenge bool
	// served marks the live view's timeline (tokensim serve --tui): real
	// clients' traffic, not a lesson's steps. intro is what its Narration
	// tab shows before the first request (the banner's essentials).
	served bool
	intro  string
}

func newTimeline(r *scenarios.Run) timeline {
	t := timeline{id: r.Scenario.ID, title: r.Scenario.Title, preset: r.Preset, steps: r.Steps,
		initial: r.Initial, cur: -1, answered: map[int]int{}, run: r, changed: map[int]scenarios.Difference{}}
	for _, d := range r.Differences() {
		t.changed[d.Step-1] = d
	}
	return t
}

// hidden reports whether step i's outcome is still behind an unanswered
// quiz: predict first, then reveal.
func (t *timeline) hidden(i int) bool {
	return i >= 0 && i < len(t.steps) && t.steps[i].Step.Quiz != nil && t.answered[i] == 0
}

// shownThrough is the last step whose outcome is shown.
func (t *timeline) shownThrough() int {
	if t.hidden(t.cur) {
		return t.cur - 1
	}
	return t.cur
}

// snapshot is the world as the learner may see it now.
func (t *timeline) snapshot() sim.Snapshot {
	if i := t.shownThrough(); i >= 0 {
		return t.steps[i].Snapshot
	}
	return t.initial
}

// current returns the current step, if any.
func (t *timeline) current() (scenarios.StepResult, bool) {
	if t.cur < 0 || t.cur >= len(t.steps) {
		return scenarios.StepResult{}, false
	}
	return t.steps[t.cur], true
}

// score counts right answers among answered quizzes, and quizzes in all.
func (t *timeline) score() (right, answered, total int) {
	for i, s := range t.steps {
		if q := s.Text.Quiz; q != nil {
			total++
			if a := t.answered[i]; a != 0 {
				answered++
				if a == q.Answer {
					right++
				}
			}
		}
	}
	return right, answered, total
}

// hasAttacker reports whether the attacker takes part in what is shown, so
// that its lane and tab appear only when it matters.
func (t *timeline) hasAttacker() bool { return t.involves(sim.ActorAttacker) }

// involves reports whether actor takes part in what is shown: the lanes of
// occasional actors (the attacker, the billing API) appear only then.
func (t *timeline) involves(actor sim.Actor) bool {
	for i := 0; i <= t.shownThrough() && i < len(t.steps); i++ {
		for _, e := range t.steps[i].Events {
			if e.From == actor || e.To == actor {
				return true
			}
		}
	}
	return false
}

// cast reports whether actor takes part anywhere in the run, shown yet
// or not: the diagram's lanes are laid out once for the whole run. (A
// lane is no answer to a quiz: the lesson's title names its actors.)
func (t *timeline) cast(actor sim.Actor) bool {
	for _, s := range t.steps {
		for _, e := range s.Events {
			if e.From == actor || e.To == actor {
				return true
			}
		}
	}
	return false
}

// actorTitle is an actor's name as the learner reads it: in the
// first-party topology the AS is the app's own backend, which issues the
// tokens (sim/as_firstparty.go), not an authorization server.
func (t *timeline) actorTitle(a sim.Actor) string {
	if a == sim.ActorAS && t.run != nil && t.run.World != nil && t.run.World.Topology() == sim.TopologyFirstParty {
		return "App backend"
	}
	return a.Title()
}

// differs reports whether step i's outcome differs from the lesson's own
// run.
func (t *timeline) differs(i int) bool {
	_, ok := t.changed[i]
	return ok
}
