package tui

// Where the diagram's lanes stand: which actors get one, decided once for
// the whole run so that no lane moves when an actor first acts, and how
// wide each gap is, sized by the labels drawn in it.

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/sim"
)

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
