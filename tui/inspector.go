package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/text"
)

// Inspector tabs, in the order of the 1–5 keys.
const (
	tabNarration = iota
	tabHTTP
	tabTokens
	tabServer
	tabAttacker
	tabCount
)

var tabNames = [tabCount]string{"Narration", "HTTP", "Tokens", "Server", "Attacker"}

// inspector shows one tab of detail about the current step in a
// scrollable viewport.
type inspector struct {
	keys *KeyMap
	t    *timeline // the stepper's
	st   *Styles
	note string // the what-if in force, in words, for the Narration tab
	tab  int
	w, h int
	vp   viewport.Model
	// key identifies what the viewport holds, so that scrolling survives
	// redraws and resets when the step or the tab changes.
	key string
	// body is the content the viewport holds, bodyKey what it was made
	// from, frame the last frame drawn and frameKey what it showed: text
	// is wrapped once per step and tab, not once per frame.
	bodyKey, frameKey viewKey
	body, frame       string
	lines             []string // body's lines, as the viewport holds them
	carries           bool     // a style runs on from one of them to the next, or a \r splits one
	barFor            [2]int   // the tab (1-based) and theme barText shows
	barText           string
	// following is, while an attendee follows the instructor (tokensim
	// ssh), the key that steps away; "" otherwise.
	following string
	// hop is the Seq of the exchange selected with ] and [ (hop.go), 0
	// for none; hopN of hopOf is its place among the step's exchanges.
	hop, hopN, hopOf int
	tok              int // the token selected on the Tokens tab, 1-based; 0 for none
	// quiz is where the Narration tab's quiz is; reanchor asks the next
	// frame to scroll to it (layout.go: quizOffset), once the layout has
	// sized the viewport for the new step.
	quiz     quizLines
	reanchor bool
}

func newInspector(k *KeyMap) inspector {
	return inspector{keys: k, vp: viewport.New()}
}

// Update handles the inspector's keys: the next and previous tab, and
// scrolling. (The digits that pick a tab are the stepper's: while a quiz
// waits they answer it.)
func (in *inspector) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	k := in.keys.Player
	switch {
	case key.Matches(km, k.NextTab):
		in.setTab(in.tab + 1)
	case key.Matches(km, k.PrevTab):
		in.setTab(in.tab - 1)
	case key.Matches(km, k.ScrollUp):
		in.scroll(-3)
	case key.Matches(km, k.ScrollDown):
		in.scroll(3)
	}
	return nil
}

// ShortHelp is the inspector's keys.
func (in *inspector) ShortHelp() []key.Binding {
	k := in.keys.Player
	return []key.Binding{k.NextTab, k.PrevTab, k.Tab1, k.ScrollUp, k.ScrollDown}
}

// FullHelp is the inspector's keys.
func (in *inspector) FullHelp() [][]key.Binding { return [][]key.Binding{in.ShortHelp()} }

// SetSize sets the inspector's size in cells, tab bar included.
func (in *inspector) SetSize(w, h int) {
	in.w, in.h = max(w, 0), max(h, 0)
	in.vp.SetWidth(in.w)
	in.vp.SetHeight(max(in.h-2, 0))
}

func (in *inspector) setTab(t int) { in.tab = (t + tabCount) % tabCount }

func (in *inspector) scroll(lines int) {
	if lines < 0 {
		in.vp.ScrollUp(-lines)
	} else {
		in.vp.ScrollDown(lines)
	}
}

// View renders the tab bar and the current tab's content.
func (in *inspector) View() string { return in.render(in.t, in.st, in.note) }

func (in *inspector) render(t *timeline, st *Styles, note string) string {
	if in.w < 10 || in.h < 3 {
		return ""
	}
	in.content(t, st, note)
	if in.reanchor {
		in.reanchor = false
		in.vp.SetYOffset(quizOffset(in.quiz, in.vp.Height()))
	}
	fk := in.bodyKey
	fk.w, fk.h, fk.offset = in.w, in.h, in.vp.YOffset()
	if fk != in.frameKey || in.frame == "" {
		in.frameKey = fk
		in.frame = clampBlock(in.bar(st), in.w, 1) + "\n" + in.rule(st) + "\n" + in.visible()
	}
	return in.frame
}

// content makes the current tab's body, if what it shows changed, and
// reports how many lines it has.
func (in *inspector) content(t *timeline, st *Styles, note string) int {
	width := in.w - 1
	bk := keyOf(t, st, width, 0)
	bk.tab, bk.note, bk.following, bk.hop, bk.token = in.tab, note, in.following, in.hop, in.tok
	if t.cur >= 0 {
		bk.answer = t.answered[t.cur]
	}
	if bk != in.bodyKey || in.body == "" {
		var body string
		in.quiz = quizLines{}
		switch in.tab {
		case tabNarration:
			body = narrationQuiz(t, st, width, note, &in.quiz)
			if in.following != "" && t.cur < 0 && t.world == "" {
				body = followIntro(t, st, width, note, in.following)
			}
		case tabHTTP:
			body = httpTab(t, st, width)
			if in.hop != 0 {
				body = hopTab(t, st, width, in.hop, in.hopN, in.hopOf, in.keys)
			}
		case tabTokens:
			body = tokensTab(t, st, width, in.tok)
		case tabServer:
			body = serverTab(t, st, width)
		case tabAttacker:
			body = attackerTab(t, st, width)
		}
		in.bodyKey = bk
		in.setBody(strings.TrimRight(body, "\n")) // no blank line to scroll to
		key := fmt.Sprintf("%d/%d/%d/%d/%d", in.tab, t.cur, bk.answer, in.hop, in.tok)
		if key != in.key {
			in.key = key
			in.vp.GotoTop()
			if in.tab == tabTokens && in.tok > 0 {
				in.vp.SetYOffset(markedLine(in.lines)) // the token y copies, in sight
			}
			in.reanchor = in.quiz.ok
		}
	}
	return len(in.lines)
}

// markedLine is the first of lines that starts with the selection's mark
// (iconHop, clipboard.go), 0 if none does.
func markedLine(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(ansi.Strip(l), iconHop) {
			return i
		}
	}
	return 0
}

// setBody puts body in the viewport, and its lines where visible finds
// them.
func (in *inspector) setBody(body string) {
	in.body = body
	in.vp.SetContent(body)
	in.lines = strings.Split(body, "\n")
	// The viewport splits a line at "\r\n" too: with a \r its lines are
	// not these.
	in.carries = strings.ContainsRune(body, '\r') || slices.ContainsFunc(in.lines, styleRunsOn)
}

// visible is what in.vp.View() draws, without its two lipgloss passes
// (word wrap and alignment measured every cell again, on every step):
// the lines from the viewport's offset, each padded to its width, and
// blank lines to its height. The viewport has no style, gutter, soft wrap
// or horizontal scroll here; a line wider than the viewport, or with a tab
// or a carriage return, and a style that runs on to the next line (which
// lipgloss closes at the line's end and opens again on the next) are left
// to the viewport. TestInspectorVisibleIsViewportView checks it against
// the viewport.
func (in *inspector) visible() string {
	w, h := in.vp.Width(), in.vp.Height()
	if w <= 0 || h <= 0 || in.carries {
		return in.vp.View()
	}
	lines := in.lines
	if len(lines) == 1 && cellWidth(lines[0]) == 0 {
		lines = nil // the viewport holds no line for empty content
	}
	lines = lines[min(in.vp.YOffset(), len(lines)):]
	lines = lines[:min(h, len(lines))]
	var b strings.Builder
	b.Grow(h * (w + 1))
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		n := 0
		if i < len(lines) {
			l := lines[i]
			if n = cellWidth(l); n > w || strings.ContainsRune(l, '\t') {
				return in.vp.View()
			}
			b.WriteString(l)
		}
		b.WriteString(strings.Repeat(" ", w-n))
	}
	return b.String()
}

// bar is the tab bar, the current tab marked by a glyph as well as colour.
func (in *inspector) bar(st *Styles) string {
	if in.barFor == [2]int{in.tab + 1, boolInt(st.isDark)} {
		return in.barText
	}
	in.barFor = [2]int{in.tab + 1, boolInt(st.isDark)}
	in.barText = lipgloss.JoinHorizontal(lipgloss.Top, in.barLabels(st)...)
	return in.barText
}

// barLabels are the tab bar's labels, in order, as drawn: the mouse finds
// a clicked tab by their widths (mouse.go).
func (in *inspector) barLabels(st *Styles) []string {
	var tabs []string
	for i, n := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, n)
		if i == in.tab {
			tabs = append(tabs, st.TabActive.Render(iconCurrent+label))
		} else {
			tabs = append(tabs, st.Tab.Render(label))
		}
	}
	return tabs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rule is the line under the tab bar. When the tab holds more than fits it
// says so, and which key scrolls: hidden text must not look like the end.
func (in *inspector) rule(st *Styles) string {
	below := in.vp.TotalLineCount() - in.vp.YOffset() - in.vp.Height()
	above := in.vp.YOffset()
	var hint string
	switch {
	case below > 0 && above > 0:
		hint = fmt.Sprintf(" ↑ k · ↓ %d more %s: j ", below, plural(below, "line", "lines"))
	case below > 0:
		hint = fmt.Sprintf(" ↓ %d more %s: j ", below, plural(below, "line", "lines"))
	case above > 0:
		hint = " ↑ more above: k "
	}
	n := lipgloss.Width(hint)
	if hint == "" || n+4 > in.w {
		return strings.Repeat("─", in.w)
	}
	return strings.Repeat("─", in.w-n-2) + st.Status.Render(hint) + "──"
}

func plural(n int, one, many string) string { return text.Plural(n, one, many) }

// styleRunsOn reports whether a line ends inside a style: its last SGR
// sequence is not a reset, or it has an OSC sequence (a hyperlink) at all.
func styleRunsOn(line string) bool {
	open := false
	for i := strings.IndexByte(line, 0x1b); i >= 0 && i+1 < len(line); {
		if line[i+1] == ']' {
			return true
		}
		j := text.SkipEscape(line, i)
		if j < 0 {
			return true // not a sequence cellWidth knows: leave it to lipgloss
		}
		if line[i+1] == '[' && line[j-1] == 'm' {
			params := line[i+2 : j-1]
			open = params != "" && params != "0"
		}
		next := strings.IndexByte(line[j:], 0x1b)
		if next < 0 {
			break
		}
		i = j + next
	}
	return open
}
