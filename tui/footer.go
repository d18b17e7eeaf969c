package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/tokensim/tokensim/internal/text"
)

// footerMemo is the last help footer and what it was drawn from. The
// footer is the same on almost every frame (a step changes the panels, not
// the keys), and rendering it styles every key and description again.
type footerMemo struct {
	showAll bool
	width   int
	st      *Styles
	dark    bool
	err     string
	keys    []footerKey // the bindings shown, in order; a zero one between groups
	out     string
}

// footerKey is what the help shows of a binding.
type footerKey struct {
	key, desc string
	enabled   bool
}

// footerKeys lists what the help view of km shows: the short help, or
// every group of the full help.
func footerKeys(dst []footerKey, km help.KeyMap, showAll bool) []footerKey {
	add := func(bs []key.Binding) {
		for _, b := range bs {
			h := b.Help()
			dst = append(dst, footerKey{h.Key, h.Desc, b.Enabled()})
		}
	}
	if !showAll {
		add(km.ShortHelp())
		return dst
	}
	for _, g := range km.FullHelp() {
		add(g)
		dst = append(dst, footerKey{})
	}
	return dst
}

// view is the footer of km: the one remembered if nothing it depends on
// changed, else render's, remembered.
func (f *footerMemo) view(h *help.Model, km help.KeyMap, st *Styles, err string, render func() string) string {
	keys := footerKeys(nil, km, h.ShowAll)
	if f.out != "" && f.showAll == h.ShowAll && f.width == h.Width() && f.st == st && f.dark == st.isDark && f.err == err && footerSame(f.keys, keys) {
		return f.out
	}
	*f = footerMemo{showAll: h.ShowAll, width: h.Width(), st: st, dark: st.isDark, err: err, keys: keys, out: render()}
	return f.out
}

func footerSame(a, b []footerKey) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// helpView is the help footer of km, w cells wide. Where bubbles' help cut
// what did not fit with "…" (the full help lost its right-hand columns at
// 80 columns), it keeps whole entries: the short help drops the hints
// that do not fit, keeping "? help" (which shows the rest) to the last;
// the full help sets its groups side by side and starts another band of
// them below when the next group would not fit.
func helpView(h *help.Model, km help.KeyMap, w int) string {
	if h.ShowAll {
		return fullHelp(h, km.FullHelp(), w)
	}
	return shortHelp(h, km.ShortHelp(), w)
}

// shortHelp is one line of "key desc" hints, as many whole ones as fit;
// the help key stays when another has to go.
func shortHelp(h *help.Model, bs []key.Binding, w int) string {
	type hint struct {
		s    string
		n    int
		keep bool
	}
	var hints []hint
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		hb := b.Help()
		s := h.Styles.ShortKey.Render(hb.Key) + " " + h.Styles.ShortDesc.Render(hb.Desc)
		hints = append(hints, hint{s, cellWidth(hb.Key + " " + hb.Desc), hb.Desc == "help"})
	}
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	sepN := cellWidth(h.ShortSeparator)
	total := func() int {
		n := 0
		for i, x := range hints {
			if i > 0 {
				n += sepN
			}
			n += x.n
		}
		return n
	}
	// Drop from the end, the help hint last of all.
	for total() > w && len(hints) > 0 {
		i := len(hints) - 1
		for i > 0 && hints[i].keep {
			i--
		}
		hints = append(hints[:i], hints[i+1:]...)
	}
	parts := make([]string, len(hints))
	for i, x := range hints {
		parts[i] = x.s
	}
	return strings.Join(parts, sep)
}

// fullHelp is every group of bindings as a column ("key  desc" aligned),
// the columns side by side, in bands as wide as w allows.
func fullHelp(h *help.Model, groups [][]key.Binding, w int) string {
	type column struct {
		lines []string
		n     int
	}
	var cols []column
	for _, g := range groups {
		var ks, ds []string
		kw := 0
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			hb := b.Help()
			ks, ds = append(ks, hb.Key), append(ds, hb.Desc)
			kw = max(kw, cellWidth(hb.Key))
		}
		if len(ks) == 0 {
			continue
		}
		c := column{}
		for i := range ks {
			line := h.Styles.FullKey.Render(ks[i]) + strings.Repeat(" ", kw-cellWidth(ks[i])+1) + h.Styles.FullDesc.Render(ds[i])
			c.n = max(c.n, kw+1+cellWidth(ds[i]))
			c.lines = append(c.lines, line)
		}
		cols = append(cols, c)
	}
	sep := h.FullSeparator
	var bands []string
	for len(cols) > 0 {
		// As many columns as fit (at least one, wrapped if even it is wider).
		n, width := 1, cols[0].n
		for n < len(cols) && width+cellWidth(sep)+cols[n].n <= w {
			width += cellWidth(sep) + cols[n].n
			n++
		}
		band := cols[:n]
		cols = cols[n:]
		rows := 0
		for _, c := range band {
			rows = max(rows, len(c.lines))
		}
		lines := make([]string, rows)
		for i := range rows {
			var b strings.Builder
			for j, c := range band {
				if j > 0 {
					b.WriteString(h.Styles.FullSeparator.Render(sep))
				}
				cell, n := "", 0
				if i < len(c.lines) {
					cell = c.lines[i]
					n = cellWidth(cell)
				}
				b.WriteString(cell)
				if j < len(band)-1 {
					b.WriteString(strings.Repeat(" ", c.n-n))
				}
			}
			lines[i] = b.String()
		}
		bands = append(bands, strings.Join(lines, "\n"))
	}
	return strings.Join(bands, "\n")
}

// helpScreen reports whether the footer leaves fewer than 8 of h rows to
// the screen above it (the full help on a small terminal), which then
// gives the help the whole screen instead of a sliver of the player.
func helpScreen(footer string, h int) bool {
	return strings.Count(footer, "\n")+1 > h-8
}

// stepHelp is a screen's help as the stepper's state makes it: while a
// quiz waits, the keys that answer it stand where "→ next step" stood
// (which refuses until then), and autoplay says its speed.
type stepHelp struct {
	own help.KeyMap
	s   *stepper
}

// answerKeys is the binding of the digits that answer the quiz waiting at
// the current step, 1 to its number of options; ok is false when no quiz
// waits.
func (h stepHelp) answerKeys() (key.Binding, bool) {
	t := &h.s.tl
	if !t.hidden(t.cur) {
		return key.Binding{}, false
	}
	n := len(t.steps[t.cur].Text.Quiz.Options)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = string(rune('1' + i))
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(fmt.Sprintf("1–%d", n), "answer the quiz")), true
}

// swap replaces the next-step and autoplay bindings in bs.
func (h stepHelp) swap(bs []key.Binding) []key.Binding {
	k := h.s.keys.Player
	answer, quiz := h.answerKeys()
	out := make([]key.Binding, 0, len(bs))
	for _, b := range bs {
		switch {
		case quiz && sameKeys(b, k.Next):
			out = append(out, answer)
			continue
		case sameKeys(b, k.Autoplay):
			hb := b.Help()
			b = key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(hb.Key, fmt.Sprintf("%s, %s a step", hb.Desc, text.FormatDuration(speeds[h.s.speed]))))
		}
		out = append(out, b)
	}
	return out
}

func sameKeys(a, b key.Binding) bool { return slices.Equal(a.Keys(), b.Keys()) }

// ShortHelp is the screen's, swapped.
func (h stepHelp) ShortHelp() []key.Binding { return h.swap(h.own.ShortHelp()) }

// FullHelp is the screen's, swapped.
func (h stepHelp) FullHelp() [][]key.Binding {
	groups := h.own.FullHelp()
	out := make([][]key.Binding, len(groups))
	for i, g := range groups {
		out[i] = h.swap(g)
	}
	return out
}
