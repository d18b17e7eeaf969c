package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// diagram is the sequence diagram: a lane per actor, an arrow per
// exchange labelled with method, path and result, gaps in time, notes for
// state changes, the current step highlighted and kept in view.
type diagram struct {
	t    *timeline // the stepper's
	st   *Styles
	w, h int

	// The last frame and what it was drawn from: redrawing an unchanged
	// diagram on every frame would be most of the cost of a frame. rows
	// and rowsKey are the same for the rows, which do not depend on the
	// height: the layout asks for them to size the panel (need).
	key     viewKey
	frame   string
	rowsKey viewKey
	head    drow
	rows    []drow

	// cols are the lanes' columns, left to right, as the rows were built.
	cols []int
	// gaps are the widths between lanes, worked out from the whole run
	// (gapWidths) once per run and width, not on every step.
	gapsKey viewKey
	gaps    []int

	// up is how many rows the learner scrolled up from where the current
	// step is kept in view ({ and }); upAt is the step it was scrolled at:
	// another step shows it in view again.
	up, upAt int

	hop   int   // the Seq of the exchange selected with ] and [, 0 for none (hop.go)
	steps []int // the step of each line of the last frame, -1 for none (mouse.go)
}

// viewKey is what a panel's frame depends on. A timeline's steps are
// identified by their run, their first element and their number: a what-if
// or a reset swaps the whole slice, the sandbox only appends to it, and a
// sandbox restarted with another app has a new run with no step yet. (The
// key holds the pointers, so the memory cannot be reused by another run
// while the frame is cached.)
type viewKey struct {
	w, h, cur, shown, steps int
	first                   *scenarios.StepResult
	run                     *scenarios.Run
	changed                 int  // how many steps a what-if changed
	dark                    bool // the styles, rebuilt in place for a new background
	tab, answer, offset     int  // the inspector's own
	note                    string
	following               string // the inspector's following
	hop, token              int    // the exchange and the token selected (hop.go, clipboard.go)
}

// keyOf is the part of a frame's key that comes from the timeline.
func keyOf(t *timeline, st *Styles, w, h int) viewKey {
	k := viewKey{w: w, h: h, cur: t.cur, shown: t.shownThrough(), steps: len(t.steps), changed: len(t.changed), dark: st.isDark, run: t.run}
	if len(t.steps) > 0 {
		k.first = &t.steps[0]
	}
	return k
}

// SetSize sets the diagram's size in cells.
func (d *diagram) SetSize(w, h int) { d.w, d.h = max(w, 0), max(h, 0) }

// drow is one rendered row and what it belongs to.
type drow struct {
	cells []rune
	step  int
	style lipgloss.Style
	plain bool // render without a style
	// span, when set, is the part of the row the style applies to (a label
	// or an arrow), so that the lanes it crosses keep their own look.
	span [2]int
	// across marks a label written over the lanes its arrow crosses.
	across bool
}

// spanOf marks n cells from x as the styled part of r.
func (r *drow) spanOf(x, n int) {
	r.span = [2]int{max(x, 0), min(x+n, len(r.cells))}
}

// View renders the diagram of its timeline.
func (d *diagram) View() string { return d.render(d.t, d.st) }

func (d *diagram) render(t *timeline, st *Styles) string {
	if d.w < 20 || d.h < 3 {
		return ""
	}
	if d.upAt != t.cur {
		d.up, d.upAt = 0, t.cur
	}
	k := keyOf(t, st, d.w, d.h)
	k.offset, k.hop = d.up, d.hop
	if k != d.key || d.frame == "" {
		d.key, d.frame = k, d.draw(t, st)
	}
	return d.frame
}

// need is how many rows the diagram needs to show the current step whole
// (its title, its rows and the lane names above them) and to show every
// step so far: the stacked layout gives it that much when it can.
func (d *diagram) need(t *timeline, st *Styles) (cur, all int) {
	if d.w < 20 {
		return 0, 0
	}
	rows := d.layoutRows(t, st)
	for _, r := range rows {
		if r.step == t.cur {
			cur++
		}
	}
	if cur < len(rows) {
		cur++ // the row that says what is out of view
	}
	return 1 + cur, 1 + len(rows)
}

// scroll moves the diagram n rows down (up when negative) from where the
// current step is kept in view; the top of the diagram is as far as it
// goes, and the current step's end as far down.
func (d *diagram) scroll(n int) {
	d.up = max(d.up-n, 0)
}

// layoutRows is the diagram's rows for the timeline at the panel's width,
// from a cache: they depend on the width, not the height.
func (d *diagram) layoutRows(t *timeline, st *Styles) []drow {
	k := keyOf(t, st, d.w, 0)
	k.hop = d.hop // the selected exchange's rows are marked
	if k != d.rowsKey || d.rows == nil {
		d.rowsKey = k
		d.head, d.rows = d.buildRows(t, st)
	}
	return d.rows
}

func (d *diagram) draw(t *timeline, st *Styles) string {
	rows := d.layoutRows(t, st)
	head := d.head
	actors, col := d.lanes(t)
	blank := func(step int) drow {
		r := drow{cells: []rune(strings.Repeat(" ", d.w)), step: step, plain: true}
		for _, a := range actors {
			r.cells[col[a]] = '│'
		}
		return r
	}

	// Keep the current step in view: its last row at the bottom, unless
	// that would push its title off the top. Scrolled up, as many rows
	// higher as the learner asked, down to the first.
	room := d.h - 1
	if len(rows) > room && d.h >= 4 {
		room-- // the last row says what is out of view
	}
	start, end := 0, len(rows)
	for j, r := range rows {
		if r.step == t.cur {
			end = j + 1
		}
	}
	if end > room {
		start = end - room
	}
	for j, r := range rows {
		if r.step == t.cur && j < start {
			start = j
			break
		}
	}
	d.up = min(d.up, start)
	start -= d.up
	start = hopInView(rows, start, room)
	shown := rows[start:min(len(rows), start+room)]
	above, below := start, len(rows)-start-len(shown)
	out := make([]string, 0, d.h)
	out = append(out, render(head))
	d.steps = append(d.steps[:0], -1)
	for _, r := range shown {
		out = append(out, render(r))
		d.steps = append(d.steps, r.step)
	}
	for len(out) < d.h {
		out = append(out, render(blank(-3))) // the lanes run on below the last row
		d.steps = append(d.steps, -1)
	}
	// Rows out of view are said, with the keys that scroll: hidden rows
	// must not look like the whole diagram.
	if (above > 0 || below > 0) && d.h >= 4 {
		var hint string
		switch {
		case above > 0 && below > 0:
			hint = fmt.Sprintf(" ↑ %d · ↓ %d more rows: { } ", above, below)
		case above > 0:
			hint = fmt.Sprintf(" ↑ %d more %s: { ", above, plural(above, "row", "rows"))
		default:
			hint = fmt.Sprintf(" ↓ %d more %s: } ", below, plural(below, "row", "rows"))
		}
		if n := ansi.StringWidth(hint); n+2 <= d.w {
			out[len(out)-1] = strings.Repeat(" ", d.w-n-1) + inline(st.Status, hint) + " "
		}
	}
	return strings.Join(out, "\n")
}

// buildRows draws every step so far as rows: the lane names, then each
// step's title and its exchanges and notes.
func (d *diagram) buildRows(t *timeline, st *Styles) (drow, []drow) {
	actors, col := d.lanes(t)
	d.cols = d.cols[:0]
	for _, a := range actors {
		d.cols = append(d.cols, col[a])
	}
	blank := func(step int) drow {
		r := drow{cells: []rune(strings.Repeat(" ", d.w)), step: step, plain: true}
		for _, a := range actors {
			r.cells[col[a]] = '│'
		}
		return r
	}
	put := func(r *drow, x int, s string) {
		for _, c := range s {
			if x >= 0 && x < len(r.cells) {
				r.cells[x] = c
			}
			x++
		}
	}

	// The lane names: centred on their lanes, cut to the room between them.
	head := drow{cells: []rune(strings.Repeat(" ", d.w)), step: -2}
	half := func(a sim.Actor) int { return (len([]rune(t.actorTitle(a))) + 1) / 2 }
	for i, a := range actors {
		// A name centred on its lane may reach as far as a cell short of
		// its neighbours' names, whole.
		spacing := d.w
		if i > 0 {
			spacing = 2 * (col[a] - col[actors[i-1]] - half(actors[i-1]) - 1)
		}
		if i+1 < len(actors) {
			spacing = min(spacing, 2*(col[actors[i+1]]-col[a]-half(actors[i+1])-1)+1)
		}
		name := t.actorTitle(a)
		if len([]rune(name)) > spacing {
			name = string([]rune(name)[:max(spacing, 1)])
		}
		put(&head, col[a]-len([]rune(name))/2, name)
	}
	head.style = st.Bold

	var rows []drow
	last := t.shownThrough()
	for i := 0; i <= t.cur && i < len(t.steps); i++ {
		s := t.steps[i]
		title := fmt.Sprintf(" %d. %s ", i+1, stepTitle(s.Step.Title, s.Step.Do))
		if ansi.StringWidth(title) > d.w-3 {
			title = ansi.Truncate(title, d.w-3, "… ") // cut with an ellipsis, not silently at the edge
		}
		h := drow{cells: []rune(strings.Repeat("─", d.w)), step: i}
		put(&h, 2, title)
		h.cells[0] = ' '
		switch {
		case i == t.cur:
			h.cells[0] = []rune(iconCurrent)[0]
			h.style = st.Current
		case t.differs(i):
			h.cells[0] = []rune(iconChanged)[0]
			h.style = st.Changed
		default:
			h.style = st.Subtle
		}
		rows = append(rows, h)
		if i > last {
			r := blank(i)
			q := iconQuiz + " predict first: answer the quiz to see what happens"
			put(&r, 2, q)
			r.plain, r.style = false, st.Quiz
			r.spanOf(2, len([]rune(q)))
			rows = append(rows, r)
			continue
		}
		// An exchange during which another one happened (the API fetching
		// keys while it answers) is drawn as its request, the nested
		// exchanges, then its response, as a sequence diagram should.
		var nest rendering.Nesting
		split := map[int]bool{} // exchanges drawn as request now, response later
		respond := func(evs []sim.Event) {
			for _, e := range evs {
				if split[e.Seq] {
					rows = append(rows, d.hopRows(e, d.responseRows(e, i, col, blank, put, st, i == t.cur), st)...)
				}
			}
		}
		for k, e := range s.Events {
			answered, _ := nest.Next(e)
			respond(answered)
			if e.Kind == sim.KindExchange && nestsExchange(e, s.Events[k+1:]) {
				split[e.Seq] = true
				rows = append(rows, d.hopRows(e, d.arrowRows(e.From, e.To, tabbed(e, requestLabel(e)), e.Status >= 400, i, col, blank, put, st, i == t.cur), st)...)
				continue
			}
			rows = append(rows, d.hopRows(e, d.eventRows(e, i, col, blank, put, st, i == t.cur), st)...)
		}
		respond(nest.Rest())
	}
	if rows == nil {
		rows = []drow{} // built, with no step yet
	}
	return head, rows
}

func render(r drow) string {
	s := string(r.cells)
	if r.plain {
		return s
	}
	if lo, hi := r.span[0], r.span[1]; hi > lo {
		return string(r.cells[:lo]) + inline(r.style, string(r.cells[lo:hi])) + string(r.cells[hi:])
	}
	return inline(r.style, s)
}
