package sim

import (
	"sync"
	"time"
)

// EventKind classifies an Event. The values are part of the JSON export's
// schema: add kinds, never rename them.
type EventKind string

// The kinds of event, as the JSON export names them.
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
	// The AS's own sign-in session (as_session.go), the layer between the
	// app's state and the tokens.
	KindASSession      EventKind = "as_session.started" // the AS set its session cookie at sign-in
	KindASSessionUsed  EventKind = "as_session.used"    // /authorize answered from the session, without the form
	KindASSessionEnded EventKind = "as_session.ended"   // the session ended: logout at the AS, or a lifetime

	// KindAccount is an event at the AS about a user's account
	// (as_account.go): an administrator disabled it, the password changed,
	// or the user withdrew an app's consent. The AS acts on it at its
	// checkpoints (sign-in, refresh, introspection), not by reaching into
	// the APIs.
	KindAccount EventKind = "account.changed"

	// KindKeys is a change to the AS's signing keys: a new key published
	// and signing, or old keys retired from the JWKS (as_keys.go).
	KindKeys EventKind = "keys.changed"
	// KindFault is a fault an operator injected into a served world
	// (fault*.go): what it does and what a client must do about it.
	KindFault EventKind = "fault.injected"
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
	// Tab is, for an exchange one tab of a race sent (RaceRefresh), that
	// tab's number from 1; 0 for every other event.
	Tab int `json:"tab,omitempty"`
}

// Log is the world's append-only event log.
type Log struct {
	mu     sync.Mutex
	clock  *Clock
	events []Event
	// limit, when positive, bounds what the log keeps to about the last
	// limit events (a hosted world, which runs for hours: see keepLast);
	// dropped counts the events let go, so sequence numbers never repeat.
	limit, dropped int
}

func newLog(c *Clock) *Log { return &Log{clock: c} }

// emit appends e, stamping its sequence number and virtual time.
func (l *Log) emit(e Event) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = l.dropped + len(l.events) + 1
	e.Time = l.clock.Now()
	l.events = append(l.events, e)
	if l.limit > 0 && len(l.events) >= l.limit+l.limit/4 {
		// Drop the oldest quarter at once, so that trimming costs O(1)
		// per event, amortized.
		n := len(l.events) - l.limit
		l.events = append([]Event(nil), l.events[n:]...)
		l.dropped += n
	}
	return e.Seq
}

// update edits the event with sequence number seq. An exchange's event is
// emitted when its request leaves, so that it sorts before the state changes
// the request causes, and completed when the response returns.
func (l *Log) update(seq int, f func(*Event)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i := seq - 1 - l.dropped; i >= 0 && i < len(l.events) {
		f(&l.events[i]) // an event already let go (keepLast) is not updated
	}
}

// at returns a copy of the event with sequence number seq.
func (l *Log) at(seq int) (Event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := seq - 1 - l.dropped
	if i < 0 || i >= len(l.events) {
		return Event{}, false
	}
	return l.events[i], true
}

// Len returns the number of events so far; a step boundary is a Len.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped + len(l.events)
}

// Events returns a copy of every event.
func (l *Log) Events() []Event { return l.Since(0) }

// Since returns a copy of the events after the first n.
func (l *Log) Since(n int) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := n - l.dropped
	switch {
	case n < 0 || i > len(l.events):
		i = len(l.events)
	case i < 0:
		i = 0 // the events asked for were let go: the oldest kept come first
	}
	return append([]Event(nil), l.events[i:]...)
}

// keepLast bounds the log to about the last n events (n > 0). Sequence
// numbers and Len keep counting every event ever emitted.
func (l *Log) keepLast(n int) {
	l.mu.Lock()
	l.limit = n
	l.mu.Unlock()
}
