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

// btTestMenuPage: PgDn and PgUp turn a menu's pages (the what-if preset
// menu has more than nine choices), and say so at the last and the first.
func btTestMenuPage(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 80, 24)
	a.press("w")
	m := a.pl().menu()
	for i, c := range m.choices {
		if c.label == "preset" {
			m.sel = i
			break
		}
	}
	a.press("enter")
	m = a.pl().menu()
	if m == nil || len(m.choices) <= 9 {
		t.Fatalf("no preset menu of more than nine choices: %v", m)
	}
	per := m.perPage()
	switch k {
	case "pgdown":
		a.press(k)
		if m.sel != per || !strings.Contains(a.text(), "(page 2 of") {
			t.Fatalf("%s: selection %d, want %d, the second page shown:\n%s", k, m.sel, per, a.text())
		}
		for m.sel/per+1 < (len(m.choices)+per-1)/per {
			a.press(k)
		}
		a.press(k)
		if !strings.Contains(a.text(), "this is the last page") {
			t.Errorf("%s on the last page does not say so:\n%s", k, a.text())
		}
	case "pgup":
		a.press("pgdown", "down", k)
		if m.sel != 0 || !strings.Contains(a.text(), "(page 1 of") {
			t.Fatalf("%s: selection %d, want 0:\n%s", k, m.sel, a.text())
		}
		a.press(k)
		if !strings.Contains(a.text(), "this is the first page") {
			t.Errorf("%s on the first page does not say so:\n%s", k, a.text())
		}
	default:
		t.Fatalf("no check for %s", k)
	}
}

// TestMenuNamesItsKeys: a menu's help and its hint name the digits it
// takes ("1–4"), not the "1-9" of the binding; a digit beyond them says so
// and picks nothing.
func TestMenuNamesItsKeys(t *testing.T) {
	a := btSandbox(t, 80, 24)
	a.press("i", "s") // log in, then the steal menu
	m := a.pl().menu()
	if m == nil {
		t.Fatal("s opened no menu")
	}
	n := len(m.choices)
	if n >= 9 {
		t.Fatalf("the steal menu has %d choices: this test needs fewer than nine", n)
	}
	want := digitRange(n)
	txt := a.text()
	if strings.Contains(txt, "1-9") || !strings.Contains(txt, want+" choose") || !strings.Contains(txt, want+" or enter to choose") {
		t.Fatalf("the menu does not name its keys %s:\n%s", want, txt)
	}
	steps := len(a.pl().tl.steps)
	a.press("9")
	if a.pl().menu() == nil || len(a.pl().tl.steps) != steps || !strings.Contains(a.text(), "no choice 9: press "+want) {
		t.Fatalf("9 in a menu of %d:\n%s", n, a.text())
	}
}
