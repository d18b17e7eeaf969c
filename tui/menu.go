package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// menu is a small modal list of numbered choices: the sandbox's "advance
// by" and "steal" menus and the what-if knobs. A choice either runs pick or
// opens a sub-menu, which takes the menu's place.
type menu struct {
	title   string
	choices []choice
	sel     int

	keys *KeyMap
	st   *Styles
	w, h int
	done bool // closed: cancelled, or a choice was picked
}

type choice struct {
	label string
	note  string // the current value, for what-if
	pick  func() tea.Cmd
	sub   func() *menu
}

func (m *menu) SetSize(w, h int) { m.w, m.h = w, h }
func (m *menu) closed() bool     { return m.done }
func (m *menu) text() bool       { return false }

// Update handles a key: move, choose, or cancel.
func (m *menu) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := m.keys
	switch {
	case key.Matches(km, k.Menu.Cancel):
		m.done = true
	case key.Matches(km, k.Menu.Up):
		m.sel = (m.sel + len(m.choices) - 1) % len(m.choices)
	case key.Matches(km, k.Menu.Down):
		m.sel = (m.sel + 1) % len(m.choices)
	case key.Matches(km, k.Menu.Choose):
		return m.choose(m.sel)
	default:
		if n, ok := k.digit(km); ok && n <= len(m.choices) {
			return m.choose(n - 1)
		}
	}
	return nil
}

func (m *menu) choose(i int) tea.Cmd {
	c := m.choices[i]
	if c.sub != nil {
		sub := c.sub()
		*m = menu{title: sub.title, choices: sub.choices, keys: m.keys, st: m.st, w: m.w, h: m.h}
		return nil
	}
	m.done = true
	if c.pick != nil {
		return c.pick()
	}
	return nil
}

// ShortHelp is the menu's own keys (a digit picks a choice, enter the
// selected one, esc closes it): the quiz's "1-5 answer" and the picker's
// "enter open" said the wrong thing there.
func (m *menu) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Menu.Pick, m.keys.Menu.Move, m.keys.Menu.Choose, m.keys.Menu.Cancel}
}
func (m *menu) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the menu in its size.
func (m *menu) View() string { return m.view(m.st, m.w, m.h) }

// view draws the menu at most width cells wide and height lines high.
// A menu taller than that (the advance menu at 80×24, any menu at 60×16)
// drops its hint line, then shows a window of choices around the selected
// one, saying which: clipped, its last choices were out of sight.
func (m *menu) view(st *Styles, width, height int) string {
	panel := st.Panel.Width(min(width, 60)).Padding(0, 1)
	render := func(start, n int, hint bool) string {
		var b strings.Builder
		title := m.title
		if n < len(m.choices) {
			title += fmt.Sprintf(" (%d–%d of %d)", start+1, start+n, len(m.choices))
		}
		b.WriteString(st.Title.Render(title))
		for i := start; i < start+n; i++ {
			c := m.choices[i]
			mark := "  "
			// Only choices 1 to 9 have a key; the rest (the preset menu has
			// thirteen) are reached with the arrows and enter, so they show
			// no number that typing could not choose.
			line := fmt.Sprintf("%d. %s", i+1, c.label)
			if i >= 9 {
				line = "   " + c.label
			}
			if c.note != "" {
				line += st.Subtle.Render("  (" + c.note + ")")
			}
			if i == m.sel {
				mark = iconCurrent + " "
				line = st.Selected.Render(line)
			}
			b.WriteString("\n" + mark + line)
		}
		if hint {
			b.WriteString("\n" + st.Subtle.Render("number or enter to choose · esc to cancel"))
		}
		return panel.Render(b.String())
	}
	out := render(0, len(m.choices), true)
	if height <= 0 || lipgloss.Height(out) <= height {
		return out
	}
	for n := len(m.choices); n >= 1; n-- {
		start := min(max(m.sel-n/2, 0), len(m.choices)-n)
		if out = render(start, n, false); lipgloss.Height(out) <= height {
			return out
		}
	}
	return out
}
