package tui

// How one event is drawn in the diagram: an exchange as a label and an
// arrow (nested ones as request, inner calls, response), a state change as
// a note by its lane, and the words of each label.

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/sim"
)

// eventRows draws one event: an exchange as a label and an arrow, a clock
// jump as a gap, a state change as a note by the lane it happened at.
func (d *diagram) eventRows(e sim.Event, step int, col map[sim.Actor]int, blank func(int) drow, put func(*drow, int, string), st *Styles, current bool) []drow {
	if e.Kind == sim.KindExchange {
		return d.arrowRows(e.From, e.To, tabbed(e, exchangeLabel(e)), e.Status >= 400, step, col, blank, put, st, current)
	}
	return d.noteRows(e, step, col, blank, put, st)
}

// nestsExchange reports whether another exchange happened while e was
// being handled (between its request and its response: sim.Event.End).
func nestsExchange(e sim.Event, after []sim.Event) bool {
	for _, n := range after {
		if n.Seq > e.End {
			return false
		}
		if n.Kind == sim.KindExchange {
			return true
		}
	}
	return false
}

// responseRows draws the response of an exchange that nested others: an
// arrow back from the server, labelled with the result.
func (d *diagram) responseRows(e sim.Event, step int, col map[sim.Actor]int, blank func(int) drow, put func(*drow, int, string), st *Styles, current bool) []drow {
	return d.arrowRows(e.To, e.From, tabbed(e, resultLabel(e)), e.Status >= 400, step, col, blank, put, st, current)
}

// tabbed marks the label of an exchange one tab of a race sent with the
// tab (sim.Event.Tab): two tabs' requests otherwise look the same.
func tabbed(e sim.Event, label string) string {
	if e.Tab > 0 {
		return fmt.Sprintf("tab %d: %s", e.Tab, label)
	}
	return label
}

// arrowRows draws a label and an arrow from one lane to another.
func (d *diagram) arrowRows(fromA, toA sim.Actor, label string, bad bool, step int, col map[sim.Actor]int, blank func(int) drow, put func(*drow, int, string), st *Styles, current bool) []drow {
	style := st.OK
	if bad {
		style = st.Bad
	}
	return d.arrow(col[fromA], col[toA], label, style, '─', step, blank, put, st, current)
}

// arrow draws a label, wrapped to the room its lanes leave, and an arrow
// of line cells from column from to column to.
func (d *diagram) arrow(from, to int, label string, style lipgloss.Style, line rune, step int, blank func(int) drow, put func(*drow, int, string), st *Styles, current bool) []drow {
	lo, hi := min(from, to), max(from, to)
	if current {
		style = style.Bold(true)
	}
	rows := d.labelRows(d.arrowPlace(from, to, label), label, step, style, blank, put)
	ar := blank(step)
	for c := lo + 1; c < hi; c++ {
		ar.cells[c] = line
	}
	if from < to {
		ar.cells[hi-1] = '▶'
	} else {
		ar.cells[lo+1] = '◀'
	}
	if current {
		ar.plain, ar.style = false, st.Current
		ar.spanOf(lo+1, hi-lo-1)
	}
	return append(rows, ar)
}

// place is where a label goes: lines of at most width cells from column
// x, right-aligned to x+width when right is set.
type place struct {
	x, width int
	right    bool
	across   bool // over the lanes inside the span of its arrow
}

// arrowPlace is where an arrow's label goes. Labels never write over a
// lane their arrow does not cross (issue 14: at 60 columns they ran over
// three): in the gap next to the arrow's origin if it fits there whole,
// else in the first gap of the arrow's span it fits, else across the
// span, wrapped to it.
func (d *diagram) arrowPlace(from, to int, label string) place {
	lo, hi := min(from, to), max(from, to)
	n := ansi.StringWidth(label)
	var inner []int // the lanes from lo to hi, origin first
	for _, c := range d.cols {
		if c >= lo && c <= hi {
			inner = append(inner, c)
		}
	}
	if from > to {
		slices.Reverse(inner)
	}
	for i := 0; i+1 < len(inner); i++ {
		a, b := min(inner[i], inner[i+1]), max(inner[i], inner[i+1])
		if p := (place{x: a + 2, width: max(b-a-3, 1)}); p.width >= n {
			return p
		}
	}
	// Across the lanes the arrow itself crosses, as a sequence diagram
	// writes a long arrow's label over the lifelines under it.
	return place{x: lo + 2, width: max(hi-lo-3, 1), across: len(inner) > 2}
}

// notePlace is where a note by the lane at column at goes: in the gap to
// its right (to the panel's edge for the last lane) if it fits there,
// else ending in the gap to its left, else in the wider of the two,
// wrapped. Either way it writes over no lane.
func (d *diagram) notePlace(at int, note string) place {
	n := ansi.StringWidth(note)
	right, left := d.w-1, 0
	for _, c := range d.cols {
		if c > at && c < right {
			right = c
		}
		if c < at && c > left {
			left = c
		}
	}
	r := place{x: at + 2, width: max(right-at-3, 0)}
	if right == d.w-1 {
		r.width = max(d.w-at-3, 0)
	}
	l := place{x: left + 2, width: max(at-left-3, 0), right: true}
	if left == 0 && !slices.Contains(d.cols, 0) {
		l = place{x: 1, width: max(at-2, 0), right: true}
	}
	switch {
	case r.width >= n:
		return r
	case l.width >= n:
		return l
	case l.width > r.width:
		return l
	}
	return r
}

// labelRows are the rows of a label at p, one per line it wraps to.
func (d *diagram) labelRows(p place, label string, step int, style lipgloss.Style, blank func(int) drow, put func(*drow, int, string)) []drow {
	lines := []string{label}
	if ansi.StringWidth(label) > p.width {
		// The request on its lines, then the result on its own: a break
		// after "→" left the arrow pointing at nothing.
		lines = nil
		rest := label
		if req, res, ok := strings.Cut(label, " → "); ok {
			lines = strings.Split(ansi.Wrap(req, max(p.width, 1), ""), "\n")
			rest = "→ " + res
		}
		lines = append(lines, strings.Split(ansi.Wrap(rest, max(p.width, 1), ""), "\n")...)
	}
	widest := 0
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
		widest = max(widest, len([]rune(lines[i])))
	}
	rows := make([]drow, 0, len(lines))
	for _, l := range lines {
		n := len([]rune(l))
		x := p.x
		if p.right {
			x = p.x + p.width - widest // the block right-aligned, its lines left
		}
		r := blank(step)
		put(&r, x, l)
		r.plain, r.style = false, style
		r.spanOf(x, n)
		r.across = p.across
		rows = append(rows, r)
	}
	return rows
}

// noteRows draws a clock jump as a gap and a state change as a note by the
// lane it happened at.
func (d *diagram) noteRows(e sim.Event, step int, col map[sim.Actor]int, blank func(int) drow, put func(*drow, int, string), st *Styles) []drow {
	switch e.Kind {
	case sim.KindClock, sim.KindPolicy, sim.KindKeys, sim.KindFault:
		// A gap in time, the rules or the keys changing, or a fault the
		// operator injected between exchanges: across the lanes, which
		// run on dotted.
		r := blank(step)
		for i, c := range r.cells {
			if c == '│' {
				r.cells[i] = '┊'
			}
		}
		what := iconTime + " " + e.Summary
		switch e.Kind {
		case sim.KindPolicy:
			what = policyWords(e.Summary)
		case sim.KindKeys: // not a gap in time: words, not the clock's icon
			what = "keys: " + e.Summary
		case sim.KindFault:
			what = "fault: " + e.Summary
		}
		put(&r, 2, " "+ansi.Truncate(what, max(d.w-5, 1), "…")+" ")
		r.plain, r.style = false, st.Subtle
		return []drow{r}
	case sim.KindStolen:
		// Drawn as the Mermaid export draws it (render.writeMermaid): a
		// dashed arrow from the actor the token was copied from to the
		// attacker.
		return d.arrow(col[e.To], col[e.From], iconSteal+" copies a token", st.Warn, '╌', step, blank, put, st, false)
	}
	if at, text, ok := noteAt(e); ok {
		return d.labelRows(d.notePlace(col[at], text), text, step, st.Warn, blank, put)
	}
	return nil
}

// noteAt is the note a state change is drawn as, and the lane it is drawn
// by; ok is false for events drawn otherwise or not at all.
func noteAt(e sim.Event) (at sim.Actor, text string, ok bool) {
	switch e.Kind {
	case sim.KindReuse:
		return sim.ActorAS, "! reuse detected", true
	case sim.KindFamilyRevoked:
		return sim.ActorAS, "! family " + e.Family + " revoked", true
	case sim.KindStealFailed:
		return sim.ActorAttacker, iconBad + " the attacker cannot reach that token", true
	case sim.KindSessionEnded:
		return sim.ActorApp, "! the app's session ended: log in again", true
	case sim.KindDenylisted:
		return sim.ActorAPI, "! jti denylisted at the API", true
	case sim.KindASSessionEnded:
		return sim.ActorAS, "! the AS session ended: the next login shows the form", true
	case sim.KindAccount:
		return sim.ActorAS, "! account changed at the AS", true
	}
	return "", "", false
}

// exchangeLabel reads "POST /token refresh_token → 400 invalid_grant":
// method, path, the grant for token requests, then the result.
func exchangeLabel(e sim.Event) string { return requestLabel(e) + " → " + resultLabel(e) }

// requestLabel is the request part: method, path, and the grant for token
// requests.
func requestLabel(e sim.Event) string {
	s := e.Method + " " + e.Path
	if e.Path == "/token" && e.Exchange != nil {
		if v, err := url.ParseQuery(e.Exchange.Request.Body); err == nil && v.Get("grant_type") != "" {
			s += " " + v.Get("grant_type")
		}
	}
	return s
}

// resultLabel is the response part: status and error code.
func resultLabel(e sim.Event) string {
	res := fmt.Sprint(e.Status)
	if e.Error != "" {
		res += " " + e.Error
	}
	return res
}

// stepTitle is the step's title, or its action when it has none.
func stepTitle(title, action string) string {
	if title != "" {
		return title
	}
	return action
}

// policyWords says a policy change ("rotation = false", as sim.World.Set
// reports it) in words: knobPhrase's "refresh-token rotation off".
func policyWords(summary string) string {
	knob, value, ok := strings.Cut(summary, " = ")
	if !ok {
		return "policy: " + summary
	}
	return "policy: " + knobPhrase(knob, value)
}
