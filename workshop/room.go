package workshop

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/tui"
)

// Room is the workshop: every connected session, which instructor leads
// it (one at a time) and where to, and the attendees' quiz answers. Its
// news reaches a session's program as messages (tui.FollowMsg,
// tui.ReleaseMsg, tui.BroadcastMsg, tui.RoomChangedMsg) through that
// member's mailbox, never while the room's lock is held: a program busy
// calling the room must not wait for the room to deliver to it. The lead,
// the answers and the broadcast are in room_lead.go.
type Room struct {
	mu      sync.Mutex
	members map[*Member]struct{}
	leader  *Member       // the instructor who leads; nil when no one does
	target  tui.FollowMsg // where the room was last pushed (kept after a release); empty after a lead from the picker
	// run numbers the runs of lessons, reset the resets of quiz counts
	// (tui.FollowMsg.Run and Reset).
	run, reset int
	broadcast  tui.BroadcastMsg // on the attendees' top line until the next step
	// A run, lesson, step and what-if → attendee's user name → option.
	// Only answers given while following count (tui.Room.Answer), one per
	// user name (two sessions of one attendee, or a reconnect, count
	// once: the later answer replaces the earlier), and they stay counted
	// after the attendee steps away or leaves: the tally is of the
	// predictions the room made at the instructor's step, and a dropped
	// connection does not take a prediction back.
	answers map[stepKey]map[string]int
	names   keptBy[string] // display names, bounded (presence.go)
}

type stepKey struct {
	run      int
	scenario string
	step     int
	whatIf   tui.WhatIf
}

// NewRoom makes an empty room.
func NewRoom() *Room {
	return &Room{members: map[*Member]struct{}{}, answers: map[stepKey]map[string]int{}}
}

// Who is a session as the room knows it: the SSH user name it logged in
// with (RFC 4252 §5), the credential that proved it, and its role. The
// room counts answers per attendee by User (a reconnect is the same
// attendee), and a reconnect gets its world back only with the same User
// and Credential.
type Who struct {
	User string
	// Credential names the proof, never the secret: "key " and the
	// key's SHA256 fingerprint for a verified signature, "password" for
	// the room's or the instructor's password, "" in an open room.
	Credential string
	Instructor bool
}

// Member is one session in the room: the tui.Room the session's model
// talks to. Messages for its program wait in a mailbox that keeps only
// the latest command (a session that lags behind needs only where the
// instructor is now), the latest broadcast and a "room changed" flag.
type Member struct {
	room       *Room
	who        Who
	instructor bool // who.Instructor

	presence tui.Presence // where the session stands, under the room's lock (presence.go)

	mu        sync.Mutex
	command   tea.Msg           // the latest FollowMsg or ReleaseMsg not yet delivered
	broadcast *tui.BroadcastMsg // the latest broadcast not yet delivered
	changed   bool              // a RoomChangedMsg is owed
	wake      chan struct{}
}

var _ tui.Room = (*Member)(nil)

// Join adds a session. An attendee who joins a led room is sent where the
// instructor is.
func (r *Room) Join(who Who) *Member {
	m := &Member{room: r, who: who, instructor: who.Instructor, wake: make(chan struct{}, 1)}
	r.mu.Lock()
	r.members[m] = struct{}{}
	if !who.Instructor && r.leader != nil && r.target.Scenario != "" {
		m.post(r.target)
	}
	if !who.Instructor && r.broadcast.Text != "" {
		m.postBroadcast(&r.broadcast)
	}
	r.changedLocked()
	r.mu.Unlock()
	return m
}

// Leave removes a session; its quiz answers stay counted. When the
// instructor who leads leaves (a dropped connection, or q while leading),
// the room is released: attendees must not stay following a screen that
// is gone, with their step keys refused.
func (m *Member) Leave() {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.members, m)
	if r.leader == m {
		r.releaseLocked(tui.ReleaseMsg{LeaderLeft: true})
	}
	r.changedLocked()
}

// Following reports whether the member is an attendee of a room an
// instructor leads from a lesson (a lead taken at the picker pushes
// nothing yet) who did not step away (its session's last report): the
// screen it shows is the instructor's to move.
func (m *Member) Following() bool {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.leader != nil && r.target.Scenario != "" && !m.instructor && !m.presence.Away
}

// Deliver sends the member's messages to send (a program's Send) until
// ctx ends.
func (m *Member) Deliver(ctx context.Context, send func(tea.Msg)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		}
		m.mu.Lock()
		cmd, bc, changed := m.command, m.broadcast, m.changed
		m.command, m.broadcast, m.changed = nil, nil, false
		m.mu.Unlock()
		// The step first: a broadcast still waiting was sent after it
		// (a newer step drops the waiting one: dropBroadcast).
		if cmd != nil {
			send(cmd)
		}
		if bc != nil {
			send(*bc)
		}
		if changed {
			send(tui.RoomChangedMsg{})
		}
	}
}

// post queues a command, replacing any not yet delivered.
func (m *Member) post(cmd tea.Msg) {
	m.mu.Lock()
	m.command = cmd
	m.mu.Unlock()
	m.poke()
}

// postBroadcast queues a broadcast, replacing any not yet delivered.
func (m *Member) postBroadcast(b *tui.BroadcastMsg) {
	c := *b
	m.mu.Lock()
	m.broadcast = &c
	m.mu.Unlock()
	m.poke()
}

// dropBroadcast forgets a broadcast not yet delivered: the room moved to
// another step, which ends it.
func (m *Member) dropBroadcast() {
	m.mu.Lock()
	m.broadcast = nil
	m.mu.Unlock()
}

func (m *Member) poke() {
	select {
	case m.wake <- struct{}{}:
	default: // already awake: it will read the latest
	}
}

// changedLocked tells every instructor the room changed.
func (r *Room) changedLocked() {
	for m := range r.members {
		if m.instructor {
			m.mu.Lock()
			m.changed = true
			m.mu.Unlock()
			m.poke()
		}
	}
}
