package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
)

// overview is the instructor's "who's here": each attendee's name, whether
// it follows or stepped away, where it is, and whether it answered the quiz
// of the step it shows. It is a table that scrolls: a room can have 200
// attendees and the terminal 24 rows. Status is in words and glyphs, never
// in colour alone.
type overview struct {
	keys *KeyMap
	st   *Styles
	w, h int
	rows []Attendee
	top  int // the first row shown
}

func newOverview(k *KeyMap, st *Styles, rows []Attendee) *overview {
	o := &overview{keys: k, st: st}
	o.set(rows)
	return o
}

// set replaces the rows with the room's latest, sorted by name (the same
// attendee stays at the same place as the room changes); the scroll
// position is kept where it still fits.
func (o *overview) set(rows []Attendee) {
	o.rows = slices.Clone(rows)
	slices.SortStableFunc(o.rows, func(a, b Attendee) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	o.clamp()
}

func (o *overview) SetSize(w, h int) { o.w, o.h = w, h; o.clamp() }

// page is how many attendee rows fit: the screen less the summary line,
// the table's top border, header, header rule and bottom border, and the
// line that says which rows are shown.
func (o *overview) page() int { return max(o.h-6, 1) }

func (o *overview) clamp() {
	o.top = max(min(o.top, len(o.rows)-o.page()), 0)
}

// Update scrolls: a row, a page, or to either end.
func (o *overview) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	p := o.keys.Player
	switch {
	case key.Matches(km, p.ScrollUp) && km.String() == "pgup":
		o.top -= o.page()
	case key.Matches(km, p.ScrollDown) && km.String() == "pgdown":
		o.top += o.page()
	case key.Matches(km, p.ScrollUp):
		o.top--
	case key.Matches(km, p.ScrollDown):
		o.top++
	case key.Matches(km, p.First):
		o.top = 0
	case key.Matches(km, p.Last):
		o.top = len(o.rows)
	}
	o.clamp()
	return nil
}

func (o *overview) ShortHelp() []key.Binding {
	shut := []key.Binding{o.keys.Presence.Overview, o.keys.Back, o.keys.Help}
	if len(o.rows) <= o.page() {
		return shut // every row is on screen: nothing to scroll
	}
	return append([]key.Binding{o.keys.Player.ScrollDown, o.keys.Player.ScrollUp}, shut...)
}
func (o *overview) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{o.keys.Player.ScrollUp, o.keys.Player.ScrollDown, o.keys.Player.First, o.keys.Player.Last},
		{o.keys.Presence.Overview, o.keys.Back, o.keys.Help, o.keys.Quit},
	}
}

// View is the summary, the table of the rows that fit, and which rows
// they are.
func (o *overview) View() string {
	var following, away int
	for _, a := range o.rows {
		switch {
		case a.Following:
			following++
		case a.Away:
			away++
		}
	}
	summary := fmt.Sprintf("Who's here: %d %s", len(o.rows), plural(len(o.rows), "attendee", "attendees"))
	if following+away > 0 {
		summary += fmt.Sprintf(" · %d following · %d stepped away", following, away)
	}
	if len(o.rows) == 0 {
		return o.st.Title.Render(summary) + "\n\n" + wrap("No attendee is connected. Attendees appear here as they log in.", max(o.w, 1))
	}
	end := min(o.top+o.page(), len(o.rows))
	t := table.New().Border(lipgloss.RoundedBorder()).BorderStyle(o.st.Subtle).
		Headers("name", "status", "where", "quiz at that step").
		Wrap(false).
		StyleFunc(func(r, c int) lipgloss.Style {
			if r == table.HeaderRow {
				return o.st.Bold.Padding(0, 1)
			}
			return lipgloss.NewStyle().Padding(0, 1)
		})
	for _, a := range o.rows[o.top:end] {
		t.Row(a.Name, withInstructor(a.Presence), placeWords(a.Presence), quizWords(a.Presence))
	}
	// The columns take their content's width; only a table wider than the
	// screen is squeezed to it (lipgloss then cuts cells with "…").
	tbl := t.String()
	if lipgloss.Width(tbl) > o.w {
		tbl = t.Width(o.w).String()
	}
	shown := fmt.Sprintf("rows %d–%d of %d", o.top+1, end, len(o.rows))
	return clampBlock(o.st.Title.Render(summary)+"\n"+tbl+"\n"+o.st.Subtle.Render(shown), o.w, o.h)
}

// withInstructor is, in words, whether an attendee follows.
func withInstructor(p Presence) string {
	switch {
	case p.Following:
		return iconCurrent + " following"
	case p.Away:
		return "◇ stepped away"
	}
	return "· on their own (no lead)"
}

// placeWords is where an attendee is, in words.
func placeWords(p Presence) string {
	switch p.Place {
	case InLesson:
		return fmt.Sprintf("%s %d/%d", p.Scenario, p.Step, p.Steps)
	case InChallenge:
		return "challenge " + p.Scenario
	case InSandbox:
		return "sandbox"
	}
	return "picker"
}

// quizWords is whether an attendee answered the quiz of the step it shows.
func quizWords(p Presence) string {
	switch {
	case !p.Quiz:
		return "–"
	case p.Answered:
		return iconOK + " answered"
	}
	return iconQuiz + " not yet"
}
