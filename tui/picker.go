package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/tokensim/tokensim/scenarios"
)

// item is one lesson in the picker.
type item struct{ sc *scenarios.Scenario }

func (i item) Title() string { return i.sc.Title }
func (i item) Description() string {
	return fmt.Sprintf("%s · %s · %s", i.sc.Theme, i.sc.Level, i.sc.ID)
}
func (i item) FilterValue() string {
	return i.sc.ID + " " + i.sc.Title + " " + i.sc.Theme + " " + i.sc.Level + " " + i.sc.Summary
}

// previewRows is the preview's height below the list on narrow screens:
// enough for the summary and the goals.
const previewRows = 10

// picker lists the catalogue grouped by theme, with a preview of the
// selected lesson's summary and goals.
type picker struct {
	list list.Model
	st   *Styles
	w, h int
}

func newPicker(cat []*scenarios.Scenario, st *Styles) picker {
	sorted := slices.Clone(cat)
	slices.SortStableFunc(sorted, func(a, b *scenarios.Scenario) int {
		return slices.Index(scenarios.Themes, a.Theme) - slices.Index(scenarios.Themes, b.Theme)
	})
	items := make([]list.Item, len(sorted))
	for i, sc := range sorted {
		items[i] = item{sc}
	}
	l := list.New(items, list.NewDefaultDelegate(), 0, 0)
	l.Title = "tokensim — pick a lesson"
	l.SetShowHelp(false) // the root renders one help line for every screen
	// The root owns quitting (q, ctrl+c). The list's own quit key ("v" in
	// bubbles v2.2.1's list.DefaultKeyMap) ended the program from the picker.
	l.DisableQuitKeybindings()
	l.SetStatusBarItemName("lesson", "lessons")
	p := picker{list: l, st: st}
	p.setStyles(st)
	return p
}

func (p *picker) setStyles(st *Styles) {
	p.st = st
	p.list.Styles = list.DefaultStyles(st.isDark)
	p.list.Styles.Title = st.Title
	d := list.NewDefaultDelegate()
	d.Styles = list.NewDefaultItemStyles(st.isDark)
	p.list.SetDelegate(d)
}

// SetSize gives the list the room the preview leaves.
func (p *picker) SetSize(w, h int) {
	p.w, p.h = w, h
	if w >= 100 {
		p.list.SetSize(w/2, h)
	} else {
		p.list.SetSize(w, max(h-previewRows, 3))
	}
	// The list gives its filter input its width less the prompt, but not
	// less the title bar's padding: while filtering, the list was two cells
	// wider than its column and every line of it was cut with "…".
	p.list.FilterInput.SetWidth(max(p.list.FilterInput.Width()-p.list.Styles.TitleBar.GetHorizontalFrameSize(), 1))
}

func (p *picker) selected() *scenarios.Scenario {
	if it, ok := p.list.SelectedItem().(item); ok {
		return it.sc
	}
	return nil
}

// filtering reports whether the user is typing a filter, when keys belong
// to the filter rather than to commands.
func (p *picker) filtering() bool { return p.list.SettingFilter() }

func (p *picker) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(msg)
	return cmd
}

func (p *picker) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	left := p.list.View()
	var prev string
	if sc := p.selected(); sc != nil {
		var b strings.Builder
		b.WriteString(p.st.Title.Render(sc.Title) + "\n")
		b.WriteString(p.st.Subtle.Render(fmt.Sprintf("%s · %s · %d steps · tokensim play %s", sc.Theme, sc.Level, len(sc.Steps), sc.ID)) + "\n\n")
		width := p.w - 4
		if p.w >= 100 {
			width = p.w/2 - 4
		}
		b.WriteString(wrap(sc.Summary, width) + "\n\n")
		b.WriteString(p.st.Bold.Render("You will learn") + "\n")
		for _, g := range sc.Goals {
			b.WriteString(wrap("• "+g, width) + "\n")
		}
		prev = b.String()
	}
	if p.w >= 100 {
		return lipgloss.JoinHorizontal(lipgloss.Top, clampBlock(left, p.w/2, p.h), "  ", clampBlock(prev, p.w-p.w/2-2, p.h))
	}
	return clampBlock(left, p.w, max(p.h-previewRows, 3)) + "\n" + clampBlock(prev, p.w, previewRows)
}
