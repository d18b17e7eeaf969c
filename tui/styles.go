package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Glyphs. State is never conveyed by colour alone: every coloured thing
// also carries one of these, or a word.
const (
	iconOK      = "✓"
	iconBad     = "✗"
	iconCurrent = "▶"
	iconChanged = "◆"
	iconQuiz    = "?"
	iconTime    = "⏱"
	iconSteal   = "☠"
)

// Styles is every style of the TUI, built for a light or dark background.
type Styles struct {
	isDark bool

	Title, Subtle, Bold lipgloss.Style
	Header              lipgloss.Style
	OK, Bad, Warn       lipgloss.Style
	Current, Changed    lipgloss.Style
	Tab, TabActive      lipgloss.Style
	Panel               lipgloss.Style
	PanelTitle          lipgloss.Style
	Quiz                lipgloss.Style
	Selected            lipgloss.Style
	Status              lipgloss.Style
	BarFull, BarEmpty   lipgloss.Style
}

// NewStyles builds the styles for a dark or light terminal background.
func NewStyles(isDark bool) *Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B4A2FF"))
	subtle := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	green := ld(lipgloss.Color("#1E7B34"), lipgloss.Color("#5FD787"))
	red := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF6B6B"))
	amber := ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#FFC857"))
	border := ld(lipgloss.Color("#B8B8B8"), lipgloss.Color("#4A4A4A"))
	// The empty part of a life bar carries meaning (how much is used up), so
	// it needs 3:1 against the background, which a border's grey lacks.
	empty := ld(lipgloss.Color("#8C8C8C"), lipgloss.Color("#6E6E6E"))
	return &Styles{
		isDark:     isDark,
		Title:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtle:     lipgloss.NewStyle().Foreground(subtle),
		Bold:       lipgloss.NewStyle().Bold(true),
		Header:     lipgloss.NewStyle().Bold(true),
		OK:         lipgloss.NewStyle().Foreground(green),
		Bad:        lipgloss.NewStyle().Foreground(red),
		Warn:       lipgloss.NewStyle().Foreground(amber),
		Current:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		Changed:    lipgloss.NewStyle().Bold(true).Foreground(amber),
		Tab:        lipgloss.NewStyle().Foreground(subtle).Padding(0, 1),
		TabActive:  lipgloss.NewStyle().Bold(true).Foreground(accent).Underline(true).Padding(0, 1),
		Panel:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border),
		PanelTitle: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Quiz:       lipgloss.NewStyle().Bold(true).Foreground(amber),
		Selected:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		Status:     lipgloss.NewStyle().Foreground(subtle).Italic(true),
		BarFull:    lipgloss.NewStyle().Foreground(green),
		BarEmpty:   lipgloss.NewStyle().Foreground(empty),
	}
}

// inline renders one line of text in st, which must set only colours and
// text attributes (no padding, width, border or underline): it wraps s in
// the sequences st.Render gives a single cell, which is what Render would
// produce, without measuring and aligning s, so that a diagram row costs
// a copy rather than a layout.
func inline(st lipgloss.Style, s string) string {
	r := st.Render("X")
	i := strings.IndexByte(r, 'X')
	if i < 0 || strings.Contains(s, "\n") {
		return st.Render(s)
	}
	return r[:i] + s + r[i+1:]
}

// helpStyles styles the help footer from the palette, instead of bubbles'
// defaults, whose light greys are hard to read on white.
func (st *Styles) helpStyles() help.Styles {
	h := help.DefaultStyles(st.isDark)
	h.ShortKey, h.FullKey = st.Bold, st.Bold
	h.ShortDesc, h.FullDesc = st.Subtle, st.Subtle
	h.ShortSeparator, h.FullSeparator, h.Ellipsis = st.Subtle, st.Subtle, st.Subtle
	return h
}
