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
	done bool   // closed: cancelled, or a choice was picked
	note string // the answer to the last key (an out-of-range digit), until the next
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

// Update handles a key: move, page, choose, or cancel.
func (m *menu) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok || len(m.choices) == 0 {
		return nil
	}
	k := m.keys
	m.note = ""
	per := m.perPage()
	switch {
	case key.Matches(km, k.Menu.Cancel):
		m.done = true
	case key.Matches(km, k.Menu.Up):
		m.move(-1)
	case key.Matches(km, k.Menu.Down):
		m.move(+1)
	case key.Matches(km, k.Menu.NextPage):
		if p := m.sel/per + 1; p*per < len(m.choices) {
			m.sel = p * per
		} else {
			m.note = "this is the last page"
		}
	case key.Matches(km, k.Menu.PrevPage):
		if p := m.sel / per; p > 0 {
			m.sel = (p - 1) * per
		} else {
			m.note = "this is the first page"
		}
	case key.Matches(km, k.Menu.Choose):
		return m.choose(m.sel)
	default:
		if n, ok := k.digit(km); ok {
			start, count := m.page(per)
			if n <= count {
				return m.choose(start + n - 1)
			}
			m.note = fmt.Sprintf("no choice %d: press %s", n, digitRange(count))
		}
	}
	return nil
}

// move moves the selection by one choice, up (-1) or down (+1), round
// from the last to the first.
func (m *menu) move(by int) {
	if len(m.choices) > 0 {
		m.note = ""
		m.sel = (m.sel + by + len(m.choices)) % len(m.choices)
	}
}

// perPage is how many choices a page shows: nine at most, one per digit
// key, so that every choice has a key; fewer when the menu's room holds
// fewer, so that every choice with a key is in sight.
func (m *menu) perPage() int {
	if m.st == nil || m.h <= 0 {
		return 9
	}
	for n := min(9, len(m.choices)); n > 1; n-- {
		if lipgloss.Height(m.render(m.st, m.w, 0, n, n)) <= m.h {
			return n
		}
	}
	return 1
}

// page is the first choice of the selected one's page and how many
// choices the page holds.
func (m *menu) page(per int) (start, n int) {
	start = m.sel / per * per
	return start, min(per, len(m.choices)-start)
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

// ShortHelp is the menu's own keys (the digits of the page shown, enter
// the selected one, esc closes it; PgDn and PgUp when it has pages): the
// quiz's "1-5 answer" and the picker's "enter open" said the wrong thing
// there, and "1-9" for four choices named keys that do nothing.
func (m *menu) ShortHelp() []key.Binding {
	per := m.perPage()
	_, n := m.page(per)
	k := m.keys.Menu
	pick := key.NewBinding(key.WithKeys(k.Pick.Keys()[:n]...), key.WithHelp(digitRange(n), k.Pick.Help().Desc))
	if len(m.choices) > per {
		// the pages before the arrows: a footer cut at 80 columns keeps them
		return []key.Binding{pick, k.Choose, k.NextPage, k.PrevPage, k.Cancel, k.Move}
	}
	return []key.Binding{pick, k.Move, k.Choose, k.Cancel}
}
func (m *menu) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// View draws the menu in its size.
func (m *menu) View() string { return m.view(m.st, m.w, m.h) }

// view draws the selected choice's page at most width cells wide and
// height lines high (perPage fits it).
func (m *menu) view(st *Styles, width, height int) string {
	m.st, m.w, m.h = st, width, height
	per := m.perPage()
	start, n := m.page(per)
	return m.render(st, width, start, n, per)
}

// render draws n choices from start (a page of per), numbered 1 to n: the digits that
// pick them. A menu of more than one page says which page it shows and
// how to reach the others; the last line names the keys that work, or
// answers the last key (an out-of-range digit).
func (m *menu) render(st *Styles, width, start, n, per int) string {
	panel := st.Panel.Width(min(max(width, 20), 60)).Padding(0, 1)
	var b strings.Builder
	title := m.title
	pages := (len(m.choices) + per - 1) / per
	if pages > 1 {
		title += fmt.Sprintf(" (page %d of %d)", start/per+1, pages)
	}
	b.WriteString(st.Title.Render(title))
	for i := start; i < start+n && i < len(m.choices); i++ {
		c := m.choices[i]
		mark := "  "
		line := fmt.Sprintf("%d. %s", i-start+1, c.label)
		if c.note != "" {
			line += st.Subtle.Render("  (" + c.note + ")")
		}
		if i == m.sel {
			mark = iconCurrent + " "
			line = st.Selected.Render(line)
		}
		b.WriteString("\n" + mark + line)
	}
	hint := digitRange(n) + " or enter to choose · esc to cancel"
	if pages > 1 {
		hint = digitRange(n) + " or enter · PgDn/PgUp: more · esc"
	}
	if m.note != "" {
		b.WriteString("\n" + st.Status.Render(m.note))
	} else {
		b.WriteString("\n" + st.Subtle.Render(hint))
	}
	return panel.Render(b.String())
}
