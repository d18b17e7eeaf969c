package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// Exchange by exchange (issue 14 §2): ] and [ move through the HTTP
// exchanges of the current step one at a time. The one selected is
// marked in the diagram and is the only one the HTTP tab shows, with its
// request and response, so that a login's redirect dance (authorize,
// the login form, the redirect back with a code, the token request) can
// be followed hop by hop. It is also the exchange y copies (clipboard.go).

// iconHop marks the selected exchange's rows in the diagram: a glyph, so
// that the mark does not rest on colour alone.
const iconHop = "»"

// exchanges are the HTTP exchanges of a step's events, in the order their
// requests were sent.
func exchanges(evs []sim.Event) []sim.Event {
	var out []sim.Event
	for _, e := range evs {
		if e.Kind == sim.KindExchange && e.Exchange != nil {
			out = append(out, e)
		}
	}
	return out
}

// hopSel is the exchange selected with ] and [: its number (1-based) among
// the exchanges of step, or 0 for none. A selection made at another step
// is none: stepping drops it without every step key knowing of it.
type hopSel struct{ step, n int }

// selectedExchange is the exchange selected at the current step, its
// number and how many the step has; ok is false when none is selected.
func (s *stepper) selectedExchange() (e sim.Event, n, of int, ok bool) {
	if s.hop.n == 0 || s.hop.step != s.tl.cur { // every frame asks: the cheap test first
		return sim.Event{}, 0, 0, false
	}
	st, found := s.tl.current()
	if !found || s.tl.hidden(s.tl.cur) {
		return sim.Event{}, 0, 0, false
	}
	xs := exchanges(st.Events)
	if s.hop.n > len(xs) {
		return sim.Event{}, 0, 0, false
	}
	return xs[s.hop.n-1], s.hop.n, len(xs), true
}

// moveHop selects the next (by +1) or previous (-1) exchange of the
// current step and shows it on the HTTP tab. Before the first selected,
// [ selects nothing: the tab shows the whole step again.
func (s *stepper) moveHop(by int) {
	st, ok := s.tl.current()
	switch {
	case !ok:
		s.status = "no step yet: " + s.keys.Player.Next.Help().Key + " for the first"
		return
	case s.tl.hidden(s.tl.cur):
		s.status = predictFirst // the exchanges would give the answer away
		return
	}
	xs := exchanges(st.Events)
	if len(xs) == 0 {
		s.status = "this step sent no HTTP request"
		return
	}
	n := 0
	if s.hop.step == s.tl.cur {
		n = s.hop.n
	}
	n += by
	switch {
	case n > len(xs):
		s.status = fmt.Sprintf("that was the last of %d exchanges: %s for the next step", len(xs), s.keys.Player.Next.Help().Key)
		return
	case n < 0:
		s.status = "no exchange before the first"
		return
	}
	s.hop = hopSel{s.tl.cur, n}
	s.insp.setTab(tabHTTP)
	s.syncHop()
}

// syncHop hands the selection to the panels that show it.
func (s *stepper) syncHop() {
	e, n, of, ok := s.selectedExchange()
	s.dia.hop, s.insp.hop, s.insp.hopN, s.insp.hopOf = 0, 0, 0, 0
	if ok {
		s.dia.hop, s.insp.hop, s.insp.hopN, s.insp.hopOf = e.Seq, e.Seq, n, of
	}
}

// hopTab is the HTTP tab while an exchange is selected: which one of how
// many, the keys that move, then that exchange as httpTab shows every
// exchange of the step.
func hopTab(t *timeline, st *Styles, w int, seq, n, of int, keys *KeyMap) string {
	s, ok := t.current()
	if !ok {
		return ""
	}
	i := slices.IndexFunc(s.Events, func(e sim.Event) bool { return e.Seq == seq })
	if i < 0 {
		return ""
	}
	one := *t
	one.steps = slices.Clone(t.steps)
	one.steps[t.cur].Events = s.Events[i : i+1]
	head := st.Status.Render(fmt.Sprintf("exchange %d of %d · %s next · %s previous", n, of,
		keys.Player.NextHop.Help().Key, keys.Player.PrevHop.Help().Key))
	return head + "\n\n" + strings.TrimLeft(httpTab(&one, st, w), "\n")
}

// hopRows marks rows drawn for event e when e is the selected exchange:
// a glyph in the free first column and the selected style on the label and
// the arrow.
func (d *diagram) hopRows(e sim.Event, rows []drow, st *Styles) []drow {
	if d.hop == 0 || e.Seq != d.hop || e.Kind != sim.KindExchange {
		return rows
	}
	for i := range rows {
		r := &rows[i]
		if len(r.cells) > 0 {
			r.cells[0] = []rune(iconHop)[0]
		}
		r.plain, r.style = false, st.Selected.Reverse(true)
	}
	return rows
}

// hopInView moves a window of room rows starting at start so that the
// selected exchange's rows (hopRows marks them) are in it.
func hopInView(rows []drow, start, room int) int {
	first, last := -1, -1
	for j, r := range rows {
		if len(r.cells) > 0 && r.cells[0] == []rune(iconHop)[0] {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	if first < 0 {
		return start
	}
	if last >= start+room {
		start = last - room + 1
	}
	return max(min(start, first), 0)
}
