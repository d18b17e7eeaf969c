package tui

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// watchLesson is a lesson an author is writing: four steps, a quiz on the
// first, the narration of the third given.
func watchLesson(third string, steps int) string {
	s := `id: my-lesson
title: My lesson
summary: A lesson being written.
level: beginner
theme: basics
goals:
  - Watch a lesson reload.
steps:
  - title: Alice logs in
    do: login
    narration: The app gets tokens.
    quiz:
      question: Does the app get a refresh token?
      options:
        - "Yes"
        - "No"
      answer: 1
      explain: It asked for offline_access.
  - title: The app calls the API
    do: call
    path: /api/orders
    narration: With the access token.
  - title: An hour passes
    do: advance
    by: 1h
    narration: ` + third + `
  - title: The app calls again
    do: call
    path: /api/orders
    narration: The access token has expired.
`
	if steps < 4 {
		s = s[:strings.Index(s, "  - title: The app calls again")]
	}
	return s
}

// watchReload loads src as the author's file would be.
func watchReload(t *testing.T, src string) Reload {
	t.Helper()
	sc, err := scenarios.Load("my-lesson.yaml", []byte(src))
	return Reload{Path: "my-lesson.yaml", Scenario: sc, Err: err}
}

// TestWatchReload: issue 14 section 6, the authoring loop. Each save
// reloads the lesson at the step shown, with the answers to unchanged
// quizzes; a save that does not load shows its problems in place, as
// file:line:col, above the version that last loaded, and the player stays;
// a step that is gone moves to the last one, saying so.
func TestWatchReload(t *testing.T) {
	first := watchReload(t, watchLesson("Time moves on.", 4))
	if first.Err != nil {
		t.Fatal(first.Err)
	}
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Watch: &first}, 80, 24)
	a.press("right", "1", "right", "right") // answer the quiz, go to step 3
	if p := a.pl(); p.tl.cur != 2 || p.tl.answered[0] != 1 {
		t.Fatalf("step %d, answer %d", p.tl.cur+1, p.tl.answered[0])
	}

	a.send(watchReload(t, watchLesson("Sixty minutes pass on the virtual clock.", 4)))
	p := a.pl()
	if p.tl.cur != 2 || p.tl.answered[0] != 1 || len(p.tl.steps) != 4 {
		t.Errorf("after a reload: step %d of %d, answer %d", p.tl.cur+1, len(p.tl.steps), p.tl.answered[0])
	}
	if txt := a.text(); !strings.Contains(txt, "Sixty minutes pass") || !strings.Contains(txt, "reloaded: 4 steps") {
		t.Errorf("the reloaded narration or the status is not shown:\n%s", txt)
	}

	// A save with a typo: the problem in place, the last good version
	// under it, at the same step.
	broken := watchReload(t, strings.Replace(watchLesson("Sixty minutes pass on the virtual clock.", 4), "do: advance", "do: advnace", 1))
	var probs scenarios.Problems
	if !errors.As(broken.Err, &probs) {
		t.Fatalf("the broken lesson loaded: %v", broken.Err)
	}
	a.send(broken)
	txt := a.text()
	if !strings.Contains(txt, "my-lesson.yaml does not load: 1 problem") || !strings.Contains(txt, probs[0].String()[:30]) {
		t.Errorf("the problem is not shown in place (%s):\n%s", probs[0], txt)
	}
	if p := a.pl(); p.tl.cur != 2 || !strings.Contains(txt, "Sixty minutes pass") {
		t.Errorf("the player left the last good version: step %d\n%s", p.tl.cur+1, txt)
	}
	if a.root().screen != screenPlayer {
		t.Fatal("a broken save closed the player")
	}

	// Fixed, with the quiz's question changed and the last step gone.
	fixed := strings.Replace(watchLesson("Fixed.", 3), "Does the app get", "Will the app get", 1)
	a.send(watchReload(t, fixed))
	txt = a.text()
	p = a.pl()
	if strings.Contains(txt, "does not load") || len(p.tl.steps) != 3 || p.tl.cur != 2 {
		t.Errorf("after the fix: %d steps, step %d\n%s", len(p.tl.steps), p.tl.cur+1, txt)
	}
	if _, kept := p.tl.answered[0]; kept {
		t.Error("the answer to a question that changed was kept")
	}
	a.press("right")
	a.send(watchReload(t, watchLesson("Fixed.", 3)[:strings.Index(watchLesson("Fixed.", 3), "  - title: An hour passes")]))
	if p := a.pl(); p.tl.cur != 1 || !strings.Contains(p.status, "reloaded: 2 steps, step 3 gone") {
		t.Errorf("a step that is gone: step %d, status %q", p.tl.cur+1, p.status)
	}
}

// TestWatchFirstLoadBroken: a file that does not load when the player
// opens shows its problems over an empty player, which a good save fills.
// Every frame fits the terminal (btApp checks), the smallest included,
// where the problems take at most a third of the height and say how many
// lines more there are.
func TestWatchFirstLoadBroken(t *testing.T) {
	first := watchReload(t, "id: my-lesson\ntitle: [a, b]\nsteps:\n  - do: lgoin\n")
	if first.Err == nil {
		t.Fatal("the broken lesson loaded")
	}
	for _, size := range []struct{ w, h int }{{60, 16}, {200, 60}} {
		a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Watch: &first}, size.w, size.h)
		txt := a.text()
		if !strings.Contains(txt, "my-lesson.yaml:1:1:") || !strings.Contains(txt, "step 0/0") {
			t.Errorf("%dx%d: the problems or the player are not shown:\n%s", size.w, size.h, txt)
		}
		if size.h == 16 && !strings.Contains(txt, "more: tokensim validate my-lesson.yaml") {
			t.Errorf("60x16: the problems cut do not say so:\n%s", txt)
		}
	}
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Watch: &first}, 80, 24)
	txt := a.text()
	if !strings.Contains(txt, "does not load") || !strings.Contains(txt, "nothing loaded yet") || !strings.Contains(txt, "my-lesson.yaml:1:1: summary is required") {
		t.Errorf("the problems are not shown:\n%s", txt)
	}
	if n := len(a.pl().tl.steps); n != 0 {
		t.Errorf("%d steps before the file loads", n)
	}
	a.send(watchReload(t, watchLesson("Time moves on.", 4)))
	if txt := a.text(); strings.Contains(txt, "does not load") || len(a.pl().tl.steps) != 4 {
		t.Errorf("a good save did not load:\n%s", txt)
	}
	// Any other error (the file gone while an editor replaces it) is
	// named after the file.
	a.send(Reload{Path: "my-lesson.yaml", Err: os.ErrNotExist})
	if txt := a.text(); !strings.Contains(txt, "my-lesson.yaml: file does not exist") {
		t.Errorf("a missing file is not named:\n%s", txt)
	}
}

// TestWatchFailedExpectation: a lesson that loads but whose expectation
// fails in its own run shows the failure in place, as `tokensim run`
// prints it, and the next save that holds clears it.
func TestWatchFailedExpectation(t *testing.T) {
	src := watchLesson("Time moves on.", 4)
	failing := strings.Replace(src, "    narration: With the access token.\n", "    narration: With the access token.\n    expect:\n      status: 418\n", 1)
	first := watchReload(t, failing)
	if first.Err != nil {
		t.Fatal(first.Err)
	}
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Watch: &first}, 80, 24)
	if txt := a.text(); !strings.Contains(txt, "my-lesson.yaml: 1 expectation failed") || !strings.Contains(txt, "step 2 (call): status: expected 418, got 200") {
		t.Errorf("the failed expectation is not shown:\n%s", txt)
	}
	a.send(watchReload(t, src))
	if txt := a.text(); strings.Contains(txt, "expectation failed") {
		t.Errorf("the failure stayed after a save that holds:\n%s", txt)
	}
}

// TestWatchKeepsWhatIf: a reload replays the new lesson under the what-if
// in force, which the header goes on naming.
func TestWatchKeepsWhatIf(t *testing.T) {
	first := watchReload(t, watchLesson("Time moves on.", 4))
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Watch: &first}, 80, 24)
	a.press("w", "4", "1") // access-token lifetime: 5m
	l := a.pl()
	if l.whatIf != "access-token lifetime 5m" {
		t.Fatalf("what-if %q", l.whatIf)
	}
	a.send(watchReload(t, watchLesson("Sixty minutes pass.", 4)))
	w := a.root().player.(*watched)
	if w.whatIf != "access-token lifetime 5m" || w.tl.run == w.base || w.tl.snapshot().Policy.AccessTTL.Minutes() != 5 {
		t.Errorf("after a reload: what-if %q, run is the base %v, access %v", w.whatIf, w.tl.run == w.base, w.tl.snapshot().Policy.AccessTTL)
	}
	if w.base.Scenario.Steps[2].Narration != "Sixty minutes pass." {
		t.Errorf("the base is not the new lesson: %q", w.base.Scenario.Steps[2].Narration)
	}
}
