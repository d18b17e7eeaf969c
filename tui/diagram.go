package tui

import (
	"fmt"
	"net/url"
	"slices"
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

// lanes returns the actors shown and each lane's column.
func (d *diagram) lanes(t *timeline) ([]sim.Actor, map[sim.Actor]int) {
	// The occasional lanes are decided from the whole run, not from what
	// is shown so far: a lane that appeared at the attacker's first move
	// moved every other lane (issue 14). The sandbox reserves the
	// attacker's from the start: any key may bring it in.
	actors := []sim.Actor{sim.ActorUser, sim.ActorApp}
	if t.cast(sim.ActorService) {
		// A machine client's lane sits beside the app's: both call the
		// AS and the API. The user's and the app's lanes stay, empty in a
		// client credentials lesson: no user is part of it.
		actors = append(actors, sim.ActorService)
	}
	actors = append(actors, sim.ActorAS, sim.ActorAPI)
	if t.cast(sim.ActorBilling) {
		actors = append(actors, sim.ActorBilling)
	}
	if t.cast(sim.ActorAttacker) || t.world != "" {
		actors = append(actors, sim.ActorAttacker)
	}
	// The outer lanes sit far enough in for their names to fit whole,
	// centred on them; a marker column stays free on the left.
	half := func(a sim.Actor) int { return (len(t.actorTitle(a)) + 1) / 2 }
	left := max(3, 1+half(actors[0]))
	right := d.w - 1 - half(actors[len(actors)-1])
	col := map[sim.Actor]int{}
	gk := keyOf(t, d.st, right-left, len(actors))
	gk.cur, gk.shown = 0, 0 // the whole run, wherever the learner is
	if gk != d.gapsKey || d.gaps == nil {
		d.gapsKey, d.gaps = gk, d.gapWidths(t, actors, right-left)
	}
	gaps := d.gaps
	x := left
	for i, a := range actors {
		col[a] = x
		if i < len(gaps) {
			x += gaps[i]
		}
	}
	return actors, col
}

// gapWidths shares width out between the gaps of neighbouring lanes. A
// lesson's run is known whole, so its gaps are sized by the labels drawn
// in them: first each gap the names either side of it and its labels'
// longest word (so that a wrapped label breaks between words), then, as
// far as width allows, the gaps that need least get their labels whole on
// one line before wide ones get more (equal gaps wrapped
// "authorization_code" mid-word at 80 columns while other gaps stood
// empty). The sandbox and the live view, whose runs grow, keep equal
// gaps, so that no lane moves as steps come.
func (d *diagram) gapWidths(t *timeline, actors []sim.Actor, width int) []int {
	n := len(actors) - 1
	gaps := make([]int, n)
	for i := range gaps {
		gaps[i] = (i+1)*width/n - i*width/n
	}
	if t.world != "" || t.served || n < 2 {
		return gaps
	}
	idx := map[sim.Actor]int{}
	for i, a := range actors {
		idx[a] = i
	}
	floor := make([]int, n) // a cell either side, the names, the longest word
	need := make([]int, n)  // every label on one line
	for i := range n {
		floor[i] = (len(t.actorTitle(actors[i]))+1)/2 + (len(t.actorTitle(actors[i+1]))+1)/2 + 1
		need[i] = floor[i]
	}
	type span struct {
		lo, hi     int // lanes; a note's gap is lo, hi = lo+1
		n, longest int
	}
	var spans []span
	add := func(i, j int, label string) {
		longest := 0
		for _, w := range strings.Fields(label) {
			longest = max(longest, ansi.StringWidth(w))
		}
		spans = append(spans, span{min(i, j), max(i, j), ansi.StringWidth(label) + 3, longest + 3})
	}
	for _, s := range t.steps {
		for _, e := range s.Events {
			switch e.Kind {
			case sim.KindExchange, sim.KindStolen:
				i, ok1 := idx[e.From]
				j, ok2 := idx[e.To]
				if !ok1 || !ok2 || i == j {
					continue
				}
				label := iconSteal + " copies a token"
				if e.Kind == sim.KindExchange {
					label = tabbed(e, exchangeLabel(e))
				}
				add(i, j, label)
			default:
				// A note goes in the gap right of its lane (left of the
				// last one): noteRows and notePlace.
				at, text, ok := noteAt(e)
				i, in := idx[at]
				if !ok || !in {
					continue
				}
				if i == n {
					i--
				}
				add(i, i+1, text)
			}
		}
	}
	// Arrows between neighbours and notes; an arrow across lanes has the
	// gaps of its span to write its label over.
	for _, sp := range spans {
		if sp.hi-sp.lo == 1 {
			need[sp.lo] = max(need[sp.lo], sp.n)
			floor[sp.lo] = max(floor[sp.lo], sp.longest)
		}
	}

	sum := func(level int) int {
		t := 0
		for i := range n {
			t += min(need[i], max(floor[i], level))
		}
		return t
	}
	if sum(0) > width {
		return gaps // not even the floors fit: equal gaps, labels wrapped
	}
	level := 0
	for level < width && sum(level+1) <= width {
		level++
	}
	total := sum(level)
	for i := range n {
		gaps[i] = min(need[i], max(floor[i], level)) + (i+1)*(width-total)/n - i*(width-total)/n
	}
	return gaps
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
	case sim.KindClock, sim.KindPolicy:
		// A gap in time, or the rules changing between exchanges: across
		// the lanes, which run on dotted.
		r := blank(step)
		for i, c := range r.cells {
			if c == '│' {
				r.cells[i] = '┊'
			}
		}
		what := iconTime + " " + e.Summary
		if e.Kind == sim.KindPolicy {
			what = policyWords(e.Summary)
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
