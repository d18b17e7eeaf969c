package tui

import (
	"fmt"
	"net/url"
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

	// up is how many rows the learner scrolled up from where the current
	// step is kept in view ([ and ]); upAt is the step it was scrolled at:
	// another step shows it in view again.
	up, upAt int
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
}

// spanOf marks n cells from x as the styled part of r.
func (r *drow) spanOf(x, n int) {
	r.span = [2]int{max(x, 0), min(x+n, len(r.cells))}
}

// lanes returns the actors shown and each lane's column.
func (d *diagram) lanes(t *timeline) ([]sim.Actor, map[sim.Actor]int) {
	actors := []sim.Actor{sim.ActorUser, sim.ActorApp, sim.ActorAS, sim.ActorAPI}
	if t.involves(sim.ActorBilling) {
		actors = append(actors, sim.ActorBilling)
	}
	if t.hasAttacker() {
		actors = append(actors, sim.ActorAttacker)
	}
	// The outer lanes sit far enough in for their names to fit whole,
	// centred on them; a marker column stays free on the left.
	half := func(a sim.Actor) int { return (len(a.Title()) + 1) / 2 }
	left := max(3, 1+half(actors[0]))
	right := d.w - 1 - half(actors[len(actors)-1])
	col := map[sim.Actor]int{}
	for i, a := range actors {
		col[a] = left + i*(right-left)/(len(actors)-1)
	}
	return actors, col
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
	k.offset = d.up
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
	shown := rows[start:min(len(rows), start+room)]
	above, below := start, len(rows)-start-len(shown)
	out := make([]string, 0, d.h)
	out = append(out, render(head))
	for _, r := range shown {
		out = append(out, render(r))
	}
	for len(out) < d.h {
		out = append(out, render(blank(-3))) // the lanes run on below the last row
	}
	// Rows out of view are said, with the keys that scroll: hidden rows
	// must not look like the whole diagram.
	if (above > 0 || below > 0) && d.h >= 4 {
		var hint string
		switch {
		case above > 0 && below > 0:
			hint = fmt.Sprintf(" ↑ %d · ↓ %d more rows: [ ] ", above, below)
		case above > 0:
			hint = fmt.Sprintf(" ↑ %d more %s: [ ", above, plural(above, "row", "rows"))
		default:
			hint = fmt.Sprintf(" ↓ %d more %s: ] ", below, plural(below, "row", "rows"))
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
	spacing := d.w
	if len(actors) > 1 {
		spacing = col[actors[1]] - col[actors[0]]
	}
	for _, a := range actors {
		name := a.Title()
		if len([]rune(name)) > spacing-1 {
			name = string([]rune(name)[:max(spacing-1, 1)])
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
					rows = append(rows, d.responseRows(e, i, col, blank, put, st, i == t.cur)...)
				}
			}
		}
		for k, e := range s.Events {
			answered, _ := nest.Next(e)
			respond(answered)
			if e.Kind == sim.KindExchange && nestsExchange(e, s.Events[k+1:]) {
				split[e.Seq] = true
				rows = append(rows, d.arrowRows(e.From, e.To, requestLabel(e), e.Status >= 400, i, col, blank, put, st, i == t.cur)...)
				continue
			}
			rows = append(rows, d.eventRows(e, i, col, blank, put, st, i == t.cur)...)
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
		return d.arrowRows(e.From, e.To, exchangeLabel(e), e.Status >= 400, step, col, blank, put, st, current)
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
	return d.arrowRows(e.To, e.From, resultLabel(e), e.Status >= 400, step, col, blank, put, st, current)
}

// arrowRows draws a label and an arrow from one lane to another.
func (d *diagram) arrowRows(fromA, toA sim.Actor, label string, bad bool, step int, col map[sim.Actor]int, blank func(int) drow, put func(*drow, int, string), st *Styles, current bool) []drow {
	from, to := col[fromA], col[toA]
	lr := blank(step)
	lo, hi := min(from, to), max(from, to)
	x := d.place(lo+2, hi-1, len([]rune(label)))
	put(&lr, x, label)
	lr.plain = false
	lr.spanOf(x, len([]rune(label)))
	lr.style = st.OK
	if bad {
		lr.style = st.Bad
	}
	ar := blank(step)
	for c := lo + 1; c < hi; c++ {
		ar.cells[c] = '─'
	}
	if from < to {
		ar.cells[hi-1] = '▶'
	} else {
		ar.cells[lo+1] = '◀'
	}
	if current {
		lr.style = lr.style.Bold(true)
		ar.plain, ar.style = false, st.Current
		ar.spanOf(lo+1, hi-lo-1)
	}
	return []drow{lr, ar}
}

// noteRows draws a clock jump as a gap and a state change as a note by the
// lane it happened at.
func (d *diagram) noteRows(e sim.Event, step int, col map[sim.Actor]int, blank func(int) drow, put func(*drow, int, string), st *Styles) []drow {
	switch e.Kind {
	case sim.KindClock:
		r := blank(step)
		for i, c := range r.cells {
			if c == '│' {
				r.cells[i] = '┊'
			}
		}
		put(&r, 2, " "+iconTime+" "+e.Summary+" ")
		r.plain, r.style = false, st.Subtle
		return []drow{r}
	case sim.KindReuse, sim.KindFamilyRevoked, sim.KindStolen, sim.KindStealFailed, sim.KindSessionEnded, sim.KindDenylisted, sim.KindASSessionEnded:
		r := blank(step)
		at := col[sim.ActorAS]
		text := map[sim.EventKind]string{
			sim.KindReuse:          "! reuse detected",
			sim.KindFamilyRevoked:  "! family " + e.Family + " revoked",
			sim.KindStolen:         iconSteal + " attacker copies a token",
			sim.KindStealFailed:    iconBad + " the attacker cannot reach that token",
			sim.KindSessionEnded:   "! the app's session ended: log in again",
			sim.KindDenylisted:     "! jti denylisted at the API",
			sim.KindASSessionEnded: "! the AS session ended: the next login shows the form",
		}[e.Kind]
		switch e.Kind {
		case sim.KindStolen, sim.KindStealFailed:
			at = col[sim.ActorAttacker]
		case sim.KindSessionEnded:
			at = col[sim.ActorApp]
		case sim.KindDenylisted:
			at = col[sim.ActorAPI]
		}
		x := d.place(at+2, at-1, len([]rune(text)))
		put(&r, x, text)
		r.plain, r.style = false, st.Warn
		r.spanOf(x, len([]rune(text)))
		return []drow{r}
	}
	return nil
}

// place is where a text n cells wide starts: at from, left-aligned, when
// it fits the panel with a cell to spare; otherwise ending before the
// column end (the lane it belongs to stays visible); otherwise as far
// right as the panel allows.
func (d *diagram) place(from, end, n int) int {
	switch {
	case from+n < d.w:
		return from
	case end-n >= 1:
		return end - n
	}
	return max(1, d.w-n)
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
