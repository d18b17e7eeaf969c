package tui

import (
	"strings"
	"testing"

	"github.com/tokensim/tokensim/progress"
)

// atQuestion steps the open lesson to its first quiz and returns what the
// learner reads of it: question and options.
func (a *btApp) atQuestion() string {
	a.tb.Helper()
	l := a.lesson()
	for !l.tl.hidden(l.tl.cur) {
		if l.finished() {
			a.tb.Fatalf("%s: no quiz", l.sc.ID)
		}
		a.press("l")
	}
	q := l.tl.steps[l.tl.cur].Text.Quiz
	return q.Question + "|" + strings.Join(q.Options, "|")
}

// TestStartOverDrawsANewQuestion (issue 15, section 3): in a lesson whose
// quiz is drawn from the seed, "start over" begins a new attempt with the
// next seed, so the quiz asks a new question; the record counts the
// attempt, and resuming that attempt asks the same question again.
func TestStartOverDrawsANewQuestion(t *testing.T) {
	const id = "access-token-theft"
	var store progress.Memory
	a := csPicker(t, &store, 80, 24)
	a.csOpenLesson(id)
	first := a.atQuestion()
	a.press("esc")

	a.csOpenLesson(id)
	a.press("1") // resume: the same attempt
	if got := a.atQuestion(); got != first {
		t.Errorf("resuming asks another question:\n%s\nwas\n%s", got, first)
	}
	a.press("esc")

	a.csOpenLesson(id)
	if !strings.Contains(a.text(), "start over from the first step, a new attempt") {
		t.Fatalf("no start-over offer:\n%s", a.text())
	}
	a.press("2") // start over: the next attempt
	second := a.atQuestion()
	if second == first {
		t.Errorf("a new attempt asks the same question:\n%s", second)
	}
	if r, _ := store.Load(id); r.Attempt != 1 {
		t.Errorf("after starting over and stepping, the record is %+v, want attempt 1", r)
	}
	if s := a.lesson().base.Options.Seed; s != 1 {
		t.Errorf("attempt 1 runs with seed %d, want the player's seed (0) plus 1", s)
	}
	a.press("esc")

	a.csOpenLesson(id)
	a.press("1")
	if got := a.atQuestion(); got != second {
		t.Errorf("resuming attempt 1 asks another question:\n%s\nwas\n%s", got, second)
	}
}
