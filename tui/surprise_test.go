package tui

// Tests of issue 14 §4, "keys and menus that cannot surprise".

import (
	"strings"
	"testing"
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
