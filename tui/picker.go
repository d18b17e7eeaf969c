package tui

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
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

// FilterValue is what the filter matches: the lesson's title, id, theme
// and level, which the list shows. Not the summary: over a paragraph of
// prose almost any few letters match, so "rotat" matched all sixteen
// lessons and ranked an unrelated one first. The title comes first, alone
// on its line, because the list highlights the matched runes in the title
// by their index in this string (with the id first, it highlighted the
// wrong letters).
func (i item) FilterValue() string {
	return i.sc.Title + "\n" + i.sc.ID + " " + i.sc.Theme + " " + i.sc.Level
}

// lessonFilter is the picker's filter. Lessons that contain every word
// typed (in any case) come first and alone: typing a word of a title finds
// that lesson, and only the lessons that have the word. Title matches rank
// above id, theme and level matches, a word's start above its middle. Only
// when no lesson contains the words does it fall back to the list's fuzzy
// match, for abbreviations ("rfrsh"). Matched indexes are runes of the
// title, which is what the list highlights.
func lessonFilter(term string, targets []string) []list.Rank {
	words := strings.Fields(strings.ToLower(term))
	if len(words) == 0 {
		return list.DefaultFilter(term, targets)
	}
	type ranked struct {
		list.Rank
		score int
	}
	var found []ranked
	for i, t := range targets {
		// Every index is into lower (ToLower keeps the runes, not always
		// the bytes, of the string).
		lower := strings.ToLower(t)
		title, _, _ := strings.Cut(lower, "\n")
		score, ok := 0, true
		var matched []int
		for _, w := range words {
			at := strings.Index(lower, w)
			if at < 0 {
				ok = false
				break
			}
			// Prefer an occurrence at the start of a word.
			for j := at; !wordStart(lower, at); {
				next := strings.Index(lower[j+1:], w)
				if next < 0 {
					break
				}
				j += 1 + next
				if wordStart(lower, j) {
					at = j
				}
			}
			if !wordStart(lower, at) {
				score++ // mid-word
			}
			if at >= len(title) {
				score += 2 // not in the title
				continue
			}
			start := utf8.RuneCountInString(lower[:at])
			for k := range utf8.RuneCountInString(w) {
				matched = append(matched, start+k)
			}
		}
		if ok {
			slices.Sort(matched)
			found = append(found, ranked{list.Rank{Index: i, MatchedIndexes: slices.Compact(matched)}, score})
		}
	}
	if len(found) == 0 {
		ranks := list.DefaultFilter(term, targets)
		for i, r := range ranks {
			ranks[i].MatchedIndexes = titleRunes(targets[r.Index], r.MatchedIndexes)
		}
		return ranks
	}
	slices.SortStableFunc(found, func(a, b ranked) int { return a.score - b.score })
	out := make([]list.Rank, len(found))
	for i, f := range found {
		out[i] = f.Rank
	}
	return out
}

// titleRunes turns the fuzzy matcher's byte indexes into rune indexes of
// the title (the first line of the filter value), dropping the rest.
func titleRunes(target string, bytesAt []int) []int {
	title, _, _ := strings.Cut(target, "\n")
	var out []int
	for _, b := range bytesAt {
		if b < len(title) {
			out = append(out, utf8.RuneCountInString(title[:b]))
		}
	}
	return out
}

// wordStart reports whether s[at:] starts a word.
func wordStart(s string, at int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:at])
	return at == 0 || !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// previewRows is the preview's height below the list on narrow screens:
// enough for the summary and the goals.
const previewRows = 10

// picker lists the catalogue grouped by theme, with a preview of the
// selected lesson's summary and goals.
type picker struct {
	list list.Model
	keys *KeyMap
	st   *Styles
	w, h int
	// noCommand hides the "tokensim play <id>" hint (Options.NoCommandHints).
	noCommand bool
}

func newPicker(cat []*scenarios.Scenario, k *KeyMap, st *Styles) picker {
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
	l.Filter = lessonFilter
	p := picker{list: l, keys: k, st: st}
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

// ShortHelp is the picker's keys, or the filter's while one is typed.
func (p *picker) ShortHelp() []key.Binding { return p.helpKeys().ShortHelp() }

// FullHelp is the picker's keys, or the filter's while one is typed.
func (p *picker) FullHelp() [][]key.Binding { return p.helpKeys().FullHelp() }

func (p *picker) helpKeys() help.KeyMap {
	if p.filtering() {
		return filterHelp{p.keys}
	}
	return pickerHelp{p.keys}
}

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
		facts := fmt.Sprintf("%s · %s · %d steps", sc.Theme, sc.Level, len(sc.Steps))
		if !p.noCommand {
			facts += " · tokensim play " + sc.ID
		}
		b.WriteString(p.st.Subtle.Render(facts) + "\n\n")
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
