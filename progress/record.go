package progress

import (
	"fmt"
	"maps"
)

// Record is one lesson's progress.
type Record struct {
	// Steps is the lesson's number of steps when the record was saved (m
	// of "step n of m"); Step is the step the learner was at when they
	// left it, 1 to Steps (0 is before the first step).
	Steps int `json:"steps"`
	Step  int `json:"step"`
	// Answers are the quiz answers given in the current attempt: step
	// number → option chosen, both 1-based, as the player numbers them.
	Answers map[int]int `json:"answers,omitempty"`
	// Done is set once the learner has seen the last step's outcome;
	// Right of Quizzes is the quiz score of the attempt that finished it
	// (a lesson started over keeps its last finished score until the new
	// attempt finishes).
	Done    bool `json:"done,omitempty"`
	Right   int  `json:"right,omitempty"`
	Quizzes int  `json:"quizzes,omitempty"`
	// Attempt counts the times the learner started the lesson over (0:
	// the first attempt). The player runs attempt n with the seed it was
	// given plus n, so a quiz drawn from the seed (draw:) asks anew in each
	// attempt, and a resumed attempt asks what it asked before.
	Attempt int `json:"attempt,omitempty"`
	// Stars is a solved challenge's best score, 1 to 3 (ChallengeMark);
	// a challenge's record is kept under ChallengeID.
	Stars int `json:"stars,omitempty"`
}

// Started reports whether the learner did anything in the lesson.
func (r Record) Started() bool { return r.Done || r.Step > 0 || len(r.Answers) > 0 }

// Equal reports whether r and o hold the same progress.
func (r Record) Equal(o Record) bool {
	return r.Steps == o.Steps && r.Step == o.Step && r.Done == o.Done && r.Right == o.Right &&
		r.Quizzes == o.Quizzes && r.Attempt == o.Attempt && r.Stars == o.Stars && maps.Equal(r.Answers, o.Answers)
}

// clone is r with its own Answers: a store never shares a map with the
// player that saved it.
func (r Record) clone() Record {
	r.Answers = maps.Clone(r.Answers)
	return r
}

// The marks, in words and a symbol each, so that none is told by colour
// alone (NO_COLOR: https://no-color.org).
const (
	SymbolNotStarted = "○"
	SymbolStarted    = "◐"
	SymbolDone       = "✓"
)

// Mark says where the learner is in a lesson, in words after a symbol:
// "○ not started", "◐ in progress: step 4 of 9", "✓ done · quiz 2 of 3
// right". ok is whether the store had a record at all.
func Mark(r Record, ok bool) string {
	switch {
	case !ok || !r.Started():
		return SymbolNotStarted + " not started"
	case r.Done:
		return SymbolDone + " done · " + Score(r)
	}
	return fmt.Sprintf("%s in progress: step %d of %d", SymbolStarted, r.Step, r.Steps)
}

// Score is the quiz score of a finished lesson in words.
func Score(r Record) string {
	if r.Quizzes == 0 {
		return "no quiz"
	}
	return fmt.Sprintf("quiz %d of %d right", r.Right, r.Quizzes)
}
