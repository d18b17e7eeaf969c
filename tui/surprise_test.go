package tui

// Tests of issue 14 §4, "keys and menus that cannot surprise".

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestDigitsAnswerOnlyTheQuizOnScreen: at a waiting quiz, Tab to another
// tab and a digit to come back picks the tab and answers nothing; the
// digits answer only while the question is on screen.
func TestDigitsAnswerOnlyTheQuizOnScreen(t *testing.T) {
	a := btLesson(t, btLessonID, 80, 24)
	q := a.toQuiz()
	a.press("tab", "tab") // the Tokens tab
	if tab := a.pl().insp.tab; tab != tabTokens {
		t.Fatalf("tab tab shows tab %d", tab+1)
	}
	a.press("1") // back to the Narration tab, where the question is
	if got := a.pl().tl.answered[q]; got != 0 {
		t.Fatalf("1 pressed on the Tokens tab answered the quiz with %d", got)
	}
	if tab := a.pl().insp.tab; tab != tabNarration {
		t.Fatalf("1 on the Tokens tab shows tab %d, want Narration", tab+1)
	}
	if !a.pl().tl.hidden(q) {
		t.Fatal("the quiz no longer waits")
	}
	// The tab keys never answer.
	a.press("tab", "shift+tab")
	if got := a.pl().tl.answered[q]; got != 0 {
		t.Fatalf("tab keys answered the quiz with %d", got)
	}
	// On screen, a digit answers; one out of range says so.
	a.press("9")
	if got := a.pl().tl.answered[q]; got != 0 {
		t.Fatalf("9 answered a three-option quiz with %d", got)
	}
	if h := a.header(); !strings.Contains(h, "no option 9") {
		t.Errorf("9 at a three-option quiz: header %q does not say so", h)
	}
	a.press("2")
	if got := a.pl().tl.answered[q]; got != 2 {
		t.Fatalf("2 on the quiz's tab answered %d", got)
	}
}

// TestKeysDoNothingWhenTooSmall: under "make the terminal larger" no key
// changes the screens the learner cannot see; q still quits, and after a
// resize the keys work again.
func TestKeysDoNothingWhenTooSmall(t *testing.T) {
	a := btLesson(t, btLessonID, 80, 24)
	a.press("n")
	a.send(tea.WindowSizeMsg{Width: 50, Height: 12})
	if !strings.Contains(a.text(), "Make the terminal larger") {
		t.Fatalf("no request for a larger terminal:\n%s", a.text())
	}
	for _, k := range []string{"n", "right", "G", "3", "tab", "w", "e", "a", "esc", "?", "]", "y"} {
		if cmd := a.press(k); cmd != nil {
			t.Errorf("%s under the too-small screen returned a command", k)
		}
	}
	a.send(tea.MouseClickMsg{X: 5, Y: 5, Button: tea.MouseLeft})
	a.send(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	r := a.root()
	if r.screen != screenPlayer || a.pl().tl.cur != 0 || a.pl().insp.tab != tabNarration || a.pl().modal != nil || r.help.ShowAll || a.pl().auto {
		t.Fatalf("keys under the too-small screen changed it: screen %d, step %d, tab %d, modal %v, help %v, auto %v",
			r.screen, a.pl().tl.cur, a.pl().insp.tab, a.pl().modal != nil, r.help.ShowAll, a.pl().auto)
	}
	if !btIsQuit(a.press("q")) {
		t.Error("q does not quit under the too-small screen")
	}
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.press("n")
	if a.pl().tl.cur != 1 {
		t.Errorf("after a resize n does not step: step %d", a.pl().tl.cur)
	}

	// The sandbox's action keys too.
	s := btSandbox(t, 50, 12)
	s.press("i", "c", "d")
	s.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if n := len(s.pl().tl.steps); n != 0 || s.pl().modal != nil {
		t.Errorf("sandbox keys under the too-small screen: %d steps, modal %v", n, s.pl().modal != nil)
	}
}

// TestQuitAsksOnceWithUnsavedSandboxSteps: q quits at once, unless the
// sandbox holds steps no export wrote; then it says so and a second q
// quits. Any other key in between disarms it; ctrl+c never asks.
func TestQuitAsksOnceWithUnsavedSandboxSteps(t *testing.T) {
	a := btSandbox(t, 80, 24)
	if !btIsQuit(a.press("q")) {
		t.Fatal("q in an empty sandbox does not quit")
	}
	a.press("i")
	if btIsQuit(a.press("q")) {
		t.Fatal("q with an unexported sandbox step quit at once")
	}
	if h := a.header(); !strings.Contains(h, "q again to quit") || !strings.Contains(h, "1 sandbox step not exported") {
		t.Errorf("q with unsaved steps: header %q", h)
	}
	a.press("c") // another key disarms it
	if btIsQuit(a.press("q")) {
		t.Fatal("q after another key quit without asking again")
	}
	if !btIsQuit(a.press("q")) {
		t.Fatal("a second q does not quit")
	}
	if !btIsQuit(a.press("ctrl+c")) {
		t.Fatal("ctrl+c asks")
	}
	// Exported, nothing is lost: q quits at once, until the next step.
	a.send(btAwait(t, a.press("e"), func(m tea.Msg) bool { _, ok := m.(exportedMsg); return ok }))
	if !btIsQuit(a.press("q")) {
		t.Fatalf("q after an export does not quit: header %q", a.header())
	}
	a.press("r")
	if btIsQuit(a.press("q")) {
		t.Fatal("q with a step taken after the export quit at once")
	}
	// A lesson loses nothing.
	if l := btLesson(t, btLessonID, 80, 24); !btIsQuit(l.press("n", "q")) {
		t.Fatal("q in a lesson does not quit")
	}
}

// TestQuitAsksOnceWhileFollowing: an attendee who follows the instructor
// is asked once; one who stepped away, or is in no led room, is not.
func TestQuitAsksOnceWhileFollowing(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: 2})
	if btIsQuit(a.press("q")) {
		t.Fatal("q while following quit at once")
	}
	if h := a.header(); !strings.Contains(h, "you follow the instructor: q again to quit") {
		t.Errorf("q while following: first line %q", h)
	}
	if !btIsQuit(a.press("q")) {
		t.Fatal("a second q while following does not quit")
	}
	b, _ := sshTestApp(t, false, "")
	b.send(FollowMsg{Scenario: "login", Step: 2})
	b.press("x") // step away
	if !btIsQuit(b.press("q")) {
		t.Fatal("q after stepping away asks")
	}
}
