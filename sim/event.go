package sim

import (
	"sync"
	"time"
)

// EventKind classifies an Event. The values are part of the JSON export's
// schema: add kinds, never rename them.
type EventKind string

const (
	KindExchange      EventKind = "exchange"       // one HTTP request and its response
	KindClock         EventKind = "clock.advanced" // the virtual clock moved
	KindPolicy        EventKind = "policy.changed" // a policy knob changed
	KindLogin         EventKind = "user.authenticated"
	KindIssued        EventKind = "token.issued"
	KindRotated       EventKind = "token.rotated"
	KindReuse         EventKind = "reuse.detected"
	KindFamilyRevoked EventKind = "family.revoked"
	KindRevoked       EventKind = "token.revoked"
	KindDenylisted    EventKind = "token.denylisted"
	KindStolen        EventKind = "token.stolen"
	KindStealFailed   EventKind = "steal.failed"
	KindForged        EventKind = "token.forged" // the attacker made a token without the AS's key
	KindForgeFailed   EventKind = "forge.failed"
	KindClientNote    EventKind = "client.decision" // what the app decided and why (refresh now, give up, …)
	KindSessionEnded  EventKind = "session.ended"   // the app lost its tokens: the user must log in again
)

// Event is one thing that happened in the world, at a virtual time.
// Exchanges carry the full HTTP messages; state changes name the token and
// family concerned. Every denial carries Reason, a causal explanation in
// words, besides the protocol's Error code.
type Event struct {
	Seq      int       `json:"seq"`
	Time     time.Time `json:"time"`
	Kind     EventKind `json:"kind"`
	From     Actor     `json:"from,omitempty"`
	To       Actor     `json:"to,omitempty"`
	Method   string    `json:"method,omitempty"`
	Path     string    `json:"path,omitempty"`
	Status   int       `json:"status,omitempty"`
	Error    string    `json:"error,omitempty"`  // OAuth / RFC 6750 error code
	Reason   string    `json:"reason,omitempty"` // why, in words
	Token    string    `json:"token,omitempty"`  // label of the token concerned: at-2, rt-3, code-1
	Family   string    `json:"family,omitempty"` // label of the refresh-token family: f-1
	Summary  string    `json:"summary,omitempty"`
	Exchange *Exchange `json:"exchange,omitempty"`
	// End is, for an exchange, the sequence number of the last event
	// emitted before its response: the events in between happened while the
	// request was being handled (the API fetching keys during a call), so
	// a diagram draws the response after them.
	End int `json:"end,omitempty"`
}

// Log is the world's append-only event log.
type Log struct {
	mu     sync.Mutex
	clock  *Clock
	events []Event
}

func newLog(c *Clock) *Log { return &Log{clock: c} }

// emit appends e, stamping its sequence number and virtual time.
func (l *Log) emit(e Event) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = len(l.events) + 1
	e.Time = l.clock.Now()
	l.events = append(l.events, e)
	return e.Seq
}

// update edits the event with sequence number seq. An exchange's event is
// emitted when its request leaves, so that it sorts before the state changes
// the request causes, and completed when the response returns.
func (l *Log) update(seq int, f func(*Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.events[seq-1])
}

// at returns a copy of the event with sequence number seq.
func (l *Log) at(seq int) (Event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq < 1 || seq > len(l.events) {
		return Event{}, false
	}
	return l.events[seq-1], true
}

// Len returns the number of events so far; a step boundary is a Len.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}

// Events returns a copy of every event.
func (l *Log) Events() []Event { return l.Since(0) }

// Since returns a copy of the events after the first n.
func (l *Log) Since(n int) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n < 0 || n > len(l.events) {
		n = len(l.events)
	}
	return append([]Event(nil), l.events[n:]...)
}
