package render

import "github.com/tokensim/tokensim/sim"

// Nesting walks a step's events in order and says which exchanges were
// still being answered when each event happened (Event.End), so that a
// sequence diagram can draw a response after what its request caused: the
// API's key fetch inside the call that needed it. The Mermaid and text
// exporters and the player's diagram share it.
type Nesting struct{ open []sim.Event }

// Next takes the next event. It returns the exchanges answered before e,
// innermost first, and e's depth: how many exchanges were still being
// answered when it happened.
func (n *Nesting) Next(e sim.Event) (answered []sim.Event, depth int) {
	for len(n.open) > 0 && e.Seq > n.open[len(n.open)-1].End {
		answered = append(answered, n.open[len(n.open)-1])
		n.open = n.open[:len(n.open)-1]
	}
	depth = len(n.open)
	if e.Kind == sim.KindExchange {
		n.open = append(n.open, e)
	}
	return answered, depth
}

// Rest returns the exchanges not answered before the last event, innermost
// first: their responses come at the end of the step.
func (n *Nesting) Rest() []sim.Event {
	out := make([]sim.Event, 0, len(n.open))
	for i := len(n.open) - 1; i >= 0; i-- {
		out = append(out, n.open[i])
	}
	n.open = nil
	return out
}
