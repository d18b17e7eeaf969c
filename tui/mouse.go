package tui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The mouse (issue 14 §4), in cell-motion mode (View.MouseMode): a click
// on a tab shows it, a click on a step in the diagram goes back to it, and
// the wheel scrolls the inspector (or moves through a menu, or the
// picker's list). While the program has the mouse, the terminal's own
// selection still works with a modifier held: Shift in xterm, GNOME
// Terminal (VTE) and Konsole, which then do not report the mouse to the
// program (README, the key table).

// wheelLines is how far one notch of the wheel scrolls, as k and j do.
const wheelLines = 3

// at is where a stepper's panels were last drawn, relative to the
// stepper's top-left corner: View records it, so that a click is read
// against the layout on screen.
type at struct{ diaX, diaY, inspX, inspY int }

// mouse routes a mouse event: to the screen in front, with y made
// relative to it (the room's line, if any, is above it).
func (m Model) mouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	ev := msg.Mouse()
	if m.screen != screenPlayer || m.player == nil {
		if w, ok := msg.(tea.MouseWheelMsg); ok {
			return m, m.picker.Update(wheelKey(w))
		}
		return m, nil
	}
	s := m.player.steps()
	ev.Y -= m.roomLines()
	switch msg.(type) {
	case tea.MouseWheelMsg:
		s.wheel(ev)
	case tea.MouseClickMsg:
		if ev.Button != tea.MouseLeft {
			return m, nil
		}
		if step, ok := s.stepAt(ev.X, ev.Y); ok {
			if m.opts.Room != nil && m.room.following() {
				m.room.note = "you follow the instructor: the steps are theirs"
				return m, nil
			}
			s.clickStep(step)
			return m, nil
		}
		if tab, ok := s.tabAt(ev.X, ev.Y); ok {
			s.insp.setTab(tab)
		}
	}
	return m, nil
}

// wheelKey is the key the wheel stands for in a list: up or down.
func wheelKey(w tea.MouseWheelMsg) tea.KeyPressMsg {
	if w.Button == tea.MouseWheelUp {
		return tea.KeyPressMsg{Code: tea.KeyUp}
	}
	return tea.KeyPressMsg{Code: tea.KeyDown}
}

// wheel scrolls the inspector, or moves an open menu's selection.
func (s *stepper) wheel(ev tea.Mouse) {
	by := wheelLines
	if ev.Button == tea.MouseWheelUp {
		by = -wheelLines
	} else if ev.Button != tea.MouseWheelDown {
		return
	}
	if mn := s.menu(); mn != nil {
		mn.move(by / wheelLines) // a notch is one choice
		return
	}
	if s.modal == nil {
		s.insp.scroll(by)
	}
}

// stepAt is the step whose line of the diagram is at x, y; none while a
// menu or a prompt waits (it has the keys, and the mouse too).
func (s *stepper) stepAt(x, y int) (int, bool) {
	dx, dy := x-s.at.diaX, y-s.at.diaY
	if s.modal != nil || dx < 0 || dx >= s.dia.w || dy < 0 || dy >= len(s.dia.steps) {
		return 0, false
	}
	step := s.dia.steps[dy]
	return step, step >= 0 && step < len(s.tl.steps)
}

// clickStep goes to a step clicked in the diagram. The diagram shows only
// the steps up to the current one, so a click can go back but never past
// a quiz waiting for an answer.
func (s *stepper) clickStep(step int) {
	if step > s.tl.cur {
		return
	}
	s.tl.cur, s.auto, s.status = step, false, ""
	s.SetSize(s.w, s.h) // a quiz may open or close: re-balance the panels
}

// tabAt is the inspector tab whose label is at x, y, when no modal hides
// the tab bar.
func (s *stepper) tabAt(x, y int) (int, bool) {
	if s.modal != nil || y != s.at.inspY {
		return 0, false
	}
	return s.insp.tabAt(x - s.at.inspX)
}

// tabAt is the tab whose label in the bar (bar) covers column x.
func (in *inspector) tabAt(x int) (int, bool) {
	if x < 0 {
		return 0, false
	}
	left := 0
	for i, l := range in.barLabels(in.st) {
		w := lipgloss.Width(l)
		if x < left+w {
			return i, true
		}
		left += w
	}
	return 0, false
}
