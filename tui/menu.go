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
// opens a sub-menu.
type menu struct {
	title   string
	choices []choice
	sel     int
}

type choice struct {
	label string
	note  string // the current value, for what-if
	pick  func() tea.Cmd
	sub   func() *menu
}

// menuResult tells the owner what happened to the menu.
type menuResult int

const (
	menuOpen menuResult = iota
	menuClosed
	menuPicked
)

func (m *menu) update(msg tea.KeyPressMsg, k *KeyMap) (*menu, menuResult, tea.Cmd) {
	switch {
	case key.Matches(msg, k.Back):
		return nil, menuClosed, nil
	case msg.String() == "up" || msg.String() == "k":
		m.sel = (m.sel + len(m.choices) - 1) % len(m.choices)
	case msg.String() == "down" || msg.String() == "j":
		m.sel = (m.sel + 1) % len(m.choices)
	case key.Matches(msg, k.Open):
		return m.choose(m.sel)
	default:
		s := msg.String()
		if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
			if i := int(s[0] - '1'); i < len(m.choices) {
				return m.choose(i)
			}
		}
	}
	return m, menuOpen, nil
}

func (m *menu) choose(i int) (*menu, menuResult, tea.Cmd) {
	c := m.choices[i]
	if c.sub != nil {
		return c.sub(), menuOpen, nil
	}
	var cmd tea.Cmd
	if c.pick != nil {
		cmd = c.pick()
	}
	return nil, menuPicked, cmd
}

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
