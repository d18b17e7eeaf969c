package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// btFind is the cell (column, line) where s first appears on the screen,
// found in the text drawn, as a learner would aim.
func btFind(t *testing.T, a *btApp, s string) (x, y int) {
	t.Helper()
	for y, l := range strings.Split(a.text(), "\n") {
		if i := strings.Index(l, s); i >= 0 {
			return ansi.StringWidth(l[:i]), y
		}
	}
	t.Fatalf("%q is not on the screen:\n%s", s, a.text())
	return 0, 0
}

func btClick(a *btApp, x, y int) {
	a.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
}

// TestMouseClicksATab: a click on a tab's label shows that tab, in the
// stacked layout, side by side, and under a workshop's room line; at a
// waiting quiz it answers nothing.
func TestMouseClicksATab(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {140, 45}} {
		a := btLesson(t, btLessonID, size[0], size[1])
		if v := a.m.View(); v.MouseMode != tea.MouseModeCellMotion {
			t.Fatalf("mouse mode %v, want cell motion", v.MouseMode)
		}
		a.press("n")
		for _, tab := range []int{tabTokens, tabAttacker, tabHTTP, tabNarration} {
			// The tab bar's label ("5 Attacker"), not the diagram's lane.
			x, y := btFind(t, a, fmt.Sprintf("%d %s", tab+1, tabNames[tab]))
			btClick(a, x+3, y)
			if got := a.pl().insp.tab; got != tab {
				t.Errorf("%dx%d: a click on %q shows tab %d", size[0], size[1], tabNames[tab], got+1)
			}
		}
		q := a.toQuiz()
		x, y := btFind(t, a, "1 Narration")
		btClick(a, x, y)
		if a.pl().tl.answered[q] != 0 {
			t.Errorf("%dx%d: a click on tab 1 at a waiting quiz answered it", size[0], size[1])
		}
	}
	// A workshop's room line above the screen moves everything down.
	r, _ := sshTestApp(t, false, "")
	r.send(FollowMsg{Scenario: "login", Step: 2})
	x, y := btFind(t, r, "Tokens")
	btClick(r, x, y)
	if got := r.pl().insp.tab; got != tabTokens {
		t.Errorf("under the room line a click on Tokens shows tab %d", got+1)
	}
}

// TestMouseClicksAStep: a click on a step's line in the diagram goes back
// to that step; while following an instructor it is refused, as the step
// keys are.
func TestMouseClicksAStep(t *testing.T) {
	a := btLesson(t, "login", 100, 45)
	a.press("n", "2", "n")
	if a.pl().tl.cur != 1 {
		t.Fatalf("at step %d", a.pl().tl.cur+1)
	}
	// An arrow's line belongs to its step.
	x, y := btFind(t, a, "POST /authorize → 302")
	btClick(a, x, y)
	if a.pl().tl.cur != 0 {
		t.Fatalf("a click on step 1's arrow: at step %d\n%s", a.pl().tl.cur+1, a.text())
	}
	// While a menu is open it has the mouse too.
	a.press("n", "w")
	x, y = btFind(t, a, "POST /token authorization_code") // step 1's last arrow: the menu leaves the diagram less room
	if a.pl().dia.steps[y-a.pl().at.diaY] != 0 {
		t.Fatalf("line %d is not step 1's", y)
	}
	btClick(a, x, y)
	if a.pl().tl.cur != 1 || a.pl().menu() == nil {
		t.Errorf("a click on step 1 under an open menu: at step %d, menu %v", a.pl().tl.cur+1, a.pl().menu() != nil)
	}
	a.press("esc")
	// Before the first step the diagram's lines are no step's.
	a.press("g")
	btClick(a, 2, 10)
	if a.pl().tl.cur != -1 {
		t.Errorf("a click on an empty diagram moved to step %d", a.pl().tl.cur+1)
	}

	r, _ := sshTestApp(t, false, "")
	r.send(FollowMsg{Scenario: "bearer-calls", Step: 3})
	x, y = btFind(t, r, "│ 200") // step 2's response
	btClick(r, x+2, y)
	if r.pl().tl.cur != 2 || !strings.Contains(r.header(), "the steps are theirs") {
		t.Errorf("a follower's click on step 2: at step %d, first line %q", r.pl().tl.cur+1, r.header())
	}
}

// TestMouseWheelScrolls: the wheel scrolls the inspector as j and k do,
// moves an open menu's selection, and moves the picker's list.
func TestMouseWheelScrolls(t *testing.T) {
	a := btScrollable(t)
	top := a.view()
	a.send(tea.MouseWheelMsg{X: 10, Y: 20, Button: tea.MouseWheelDown})
	if a.pl().insp.vp.YOffset() != wheelLines || a.view() == top {
		t.Fatalf("the wheel down: offset %d, want %d", a.pl().insp.vp.YOffset(), wheelLines)
	}
	a.send(tea.MouseWheelMsg{X: 10, Y: 20, Button: tea.MouseWheelUp})
	if a.pl().insp.vp.YOffset() != 0 || a.view() != top {
		t.Errorf("the wheel up: offset %d", a.pl().insp.vp.YOffset())
	}
	a.press("w")
	a.send(tea.MouseWheelMsg{X: 10, Y: 20, Button: tea.MouseWheelDown})
	if a.pl().menu().sel != 1 {
		t.Errorf("the wheel in a menu: selection %d, want 1", a.pl().menu().sel)
	}
	p := btPicker(t, 80, 24)
	first := p.pk().selected()
	p.send(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	if p.pk().selected() == first {
		t.Errorf("the wheel on the picker did not move the list")
	}
}
