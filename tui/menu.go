package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
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

func (m *menu) view(st *Styles, width int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(m.title) + "\n")
	for i, c := range m.choices {
		mark := "  "
		line := fmt.Sprintf("%d. %s", i+1, c.label)
		if c.note != "" {
			line += st.Subtle.Render("  (" + c.note + ")")
		}
		if i == m.sel {
			mark = iconCurrent + " "
			line = st.Selected.Render(line)
		}
		b.WriteString(mark + line + "\n")
	}
	b.WriteString(st.Subtle.Render("number or enter to choose · esc to cancel"))
	return st.Panel.Width(min(width, 60)).Padding(0, 1).Render(b.String())
}
