package tui

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/paginator"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// item is one lesson in the picker: its place on the path and the
// learner's progress in it.
type item struct {
	sc  *scenarios.Scenario
	n   int             // 1-based place on the path
	rec progress.Record // the learner's progress
	ok  bool            // whether there is a record
	// kept is whether progress is kept at all: without it (--no-progress)
	// no lesson is marked, rather than all "not started".
	kept bool
}

func (i item) Title() string { return i.sc.Title }

// Description is the lesson's place on the path, its level and its mark,
// in words after a symbol (progress.Mark): never told by colour alone.
// Without progress kept, the lesson's id takes the mark's place.
func (i item) Description() string {
	if !i.kept {
		return fmt.Sprintf("%d · %s · %s", i.n, i.sc.Level, i.sc.ID)
	}
	return fmt.Sprintf("%d · %s · %s", i.n, i.sc.Level, progress.Mark(i.rec, i.ok))
}

// FilterValue is what the search reads: the title alone on the first
// line (the list highlights matched runes by their index in it), then the
// id and the tags, then every text the lesson shows (scenarios.Texts:
// summary, goals, narration, quizzes). The search matches words, so prose
// does not make every few letters match, as a fuzzy match over it did.
func (i item) FilterValue() string {
	var b strings.Builder
	b.WriteString(i.sc.Title + "\n" + i.sc.ID + " " + strings.Join(i.sc.Tags, " ") + "\n")
	for _, t := range i.sc.Texts()[1:] {
		b.WriteString(t + "\n")
	}
	return b.String()
}

// lessonFilter is the picker's search, by words: every word typed must
// begin a word of the lesson (so "rotat" finds rotation, "jku" the
// lesson tagged jku, and "xss" never "expiry", whose letters a fuzzy
// match found in order). A word found in the title ranks above one in the
// id or tags, which ranks above one in the lesson's text; a whole word
// above a word's beginning. Matched indexes are runes of the title, which
// is what the list highlights. There is no fuzzy fallback: a search that
// finds nothing shows nothing.
func lessonFilter(term string, targets []string) []list.Rank {
	qr := []rune(lowerRunes(term))
	var query [][]rune
	for _, w := range words(qr) {
		query = append(query, qr[w[0]:w[1]])
	}
	if len(query) == 0 {
		out := make([]list.Rank, len(targets))
		for i := range targets {
			out[i] = list.Rank{Index: i}
		}
		return out
	}
	type ranked struct {
		list.Rank
		score int
	}
	var found []ranked
	for i, t := range targets {
		rs := []rune(lowerRunes(t))
		// The sections of the filter value: title, then id and tags, then
		// text.
		titleEnd := slices.Index(rs, '\n')
		if titleEnd < 0 {
			titleEnd = len(rs)
		}
		tagsEnd := titleEnd + 1
		if j := slices.Index(rs[min(titleEnd+1, len(rs)):], '\n'); j >= 0 {
			tagsEnd = titleEnd + 1 + j
		} else {
			tagsEnd = len(rs)
		}
		ws := words(rs)
		score, ok := 0, true
		var matched []int
		for _, q := range query {
			best, bestScore := -1, 0
			for _, w := range ws {
				word := rs[w[0]:w[1]]
				if !hasPrefix(word, q) {
					continue
				}
				s := 0
				switch {
				case w[0] >= tagsEnd:
					s = 4
				case w[0] > titleEnd:
					s = 2
				}
				if len(word) != len(q) {
					s++ // a word's beginning, not the whole word
				}
				if best < 0 || s < bestScore {
					best, bestScore = w[0], s
				}
			}
			if best < 0 {
				ok = false
				break
			}
			score += bestScore
			if best < titleEnd {
				for k := range len(q) {
					matched = append(matched, best+k)
				}
			}
		}
		if ok {
			slices.Sort(matched)
			found = append(found, ranked{list.Rank{Index: i, MatchedIndexes: slices.Compact(matched)}, score})
		}
	}
	slices.SortStableFunc(found, func(a, b ranked) int { return a.score - b.score })
	out := make([]list.Rank, len(found))
	for i, f := range found {
		out[i] = f.Rank
	}
	return out
}

// lowerRunes lowers s rune by rune, so that rune i of the result is rune i
// of s (strings.ToLower may change the number of runes, as for "İ").
func lowerRunes(s string) string {
	return strings.Map(unicode.ToLower, s)
}

// words are the [start, end) rune spans of rs's words: runs of letters
// and digits ("alg-none" is two words, as typing it is).
func words(rs []rune) [][2]int {
	var out [][2]int
	start := -1
	for i, r := range rs {
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, [2]int{start, len(rs)})
	}
	return out
}

// hasPrefix reports whether word begins with q.
func hasPrefix(word []rune, q []rune) bool {
	return len(word) >= len(q) && slices.Equal(word[:len(q)], q)
}

// previewRows is the preview's height below the list on narrow screens:
// enough for the summary and the goals; on short ones (under
// shortPicker rows) the title, facts, mark and summary, so that the list
// keeps room for four lessons of the path at 80×24, not two.
const (
	previewRows      = 10
	previewRowsShort = 8
	shortPicker      = 30
)

// previewHeight is the preview's height under the list at height h.
func previewHeight(h int) int {
	if h < shortPicker {
		return previewRowsShort
	}
	return previewRows
}

// picker lists the catalogue as a path, beginner to advanced
// (progress.Path), each lesson marked with the learner's progress, and
// previews the selected lesson's summary and goals.
type picker struct {
	list  list.Model
	keys  *KeyMap
	st    *Styles
	w, h  int
	sized bool // SetSize has laid the list out at w×h, as it now is
	// noCommand hides the "tokensim play <id>" hint (Options.NoCommandHints).
	noCommand bool
	// path is the catalogue in the course's order; store is the
	// learner's progress (nil: none kept).
	path  []*scenarios.Scenario
	store progress.Store
	// challenges are listed instead of the lessons while showChallenges
	// (C, picker_challenges.go).
	challenges     []*scenarios.Challenge
	showChallenges bool
	// loadChallenges brings the built-ins when challenges is nil (the
	// first frame does not wait for them: Model.Init).
	loadChallenges func() ([]*scenarios.Challenge, error)
}

func newPicker(cat []*scenarios.Scenario, k *KeyMap, st *Styles, store progress.Store) picker {
	l := list.New(nil, list.NewDefaultDelegate(), 0, 0)
	l.SetShowHelp(false) // the root renders one help line for every screen
	// The root owns quitting (q, ctrl+c). The list's own quit key ("v" in
	// bubbles v2.2.1's list.DefaultKeyMap) ended the program from the picker.
	l.DisableQuitKeybindings()
	l.SetStatusBarItemName("lesson", "lessons")
	l.Filter = lessonFilter
	p := picker{list: l, keys: k, st: st, path: progress.Path(cat), store: store}
	p.setStyles(st)
	p.refresh()
	return p
}

// refresh reads the learner's progress again (after a lesson) into the
// items and the title, keeping the selection.
func (p *picker) refresh() {
	if p.showChallenges {
		p.refreshChallenges()
		return
	}
	items := make([]list.Item, len(p.path))
	done := 0
	for i, sc := range p.path {
		it := item{sc: sc, n: i + 1, kept: p.store != nil}
		if p.store != nil {
			it.rec, it.ok = p.store.Load(sc.ID)
		}
		if it.ok && it.rec.Done {
			done++
		}
		items[i] = it
	}
	// A filter in force is run again over the new items at once: the
	// command SetItems returns for it would leave the list empty until it
	// ran.
	if cmd := p.list.SetItems(items); cmd != nil {
		p.list, _ = p.list.Update(cmd())
	}
	p.list.SetStatusBarItemName("lesson", "lessons")
	p.sized = false // the next SetSize measures the new title
	p.list.Title = "tokensim — pick a lesson"
	if p.store != nil {
		p.list.Title += fmt.Sprintf(" · %d of %d done", done, len(p.path))
		if n := p.solved(); n > 0 {
			p.list.Title += fmt.Sprintf(" · %d of %d challenges", n, len(p.challenges))
		}
	}
}

// selectID selects the lesson id, as it was left: in the filtered list if
// it is there, else in the whole path with the filter dropped.
func (p *picker) selectID(id string) {
	find := func(items []list.Item) int {
		return slices.IndexFunc(items, func(it list.Item) bool { return itemID(it) == id })
	}
	if i := find(p.list.VisibleItems()); i >= 0 {
		p.list.Select(i)
		return
	}
	if i := find(p.list.Items()); i >= 0 {
		p.list.ResetFilter()
		p.list.Select(i)
	}
}

func (p *picker) setStyles(st *Styles) {
	p.st = st
	p.sized = false // the next SetSize measures the new styles
	p.list.Styles = list.DefaultStyles(st.isDark)
	p.list.Styles.Title = st.Title
	p.setDelegate()
	// The page indicator in words: the list's dots told the current page
	// by colour alone, invisible under NO_COLOR (https://no-color.org).
	p.list.Paginator.Type = paginator.Arabic
	p.list.Paginator.ArabicFormat = "page %d of %d"
	p.list.Styles.ArabicPagination = st.Subtle
}

// setDelegate draws each lesson on two lines, with a blank line between
// lessons unless the screen is short.
func (p *picker) setDelegate() {
	d := list.NewDefaultDelegate()
	d.Styles = list.NewDefaultItemStyles(p.st.isDark)
	if p.h > 0 && p.h < shortPicker {
		d.SetSpacing(0)
	}
	p.list.SetDelegate(d)
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
	if it, ok := p.list.SelectedItem().(challengeItem); ok {
		prev = p.challengePreview(it)
	}
	if it, ok := p.list.SelectedItem().(item); ok {
		sc := it.sc
		var b strings.Builder
		b.WriteString(p.st.Title.Render(sc.Title) + "\n")
		facts := fmt.Sprintf("%s · %s · %d steps", sc.Theme, sc.Level, len(sc.Steps))
		if !p.noCommand {
			facts += " · tokensim play " + sc.ID
		}
		b.WriteString(p.st.Subtle.Render(facts) + "\n")
		if p.store != nil {
			mark := progress.Mark(it.rec, it.ok)
			if it.ok && it.rec.Started() && !it.rec.Done {
				mark += " · enter to resume or start over"
			}
			b.WriteString(mark + "\n")
		}
		b.WriteString("\n")
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
	ph := previewHeight(p.h)
	return clampBlock(left, p.w, max(p.h-ph, 3)) + "\n" + clampBlock(prev, p.w, ph)
}
