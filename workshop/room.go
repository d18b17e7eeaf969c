package workshop

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/tui"
)

// Room is the workshop: every connected session, whether an instructor
// leads it and where to, and the attendees' quiz answers. Its news reaches
// a session's program as messages (tui.FollowMsg, tui.ReleaseMsg,
// tui.RoomChangedMsg) through that member's mailbox, never while the
// room's lock is held: a program busy calling the room must not wait for
// the room to deliver to it.
type Room struct {
	mu      sync.Mutex
	members map[*Member]struct{}
	leading bool
	leader  *Member // the instructor who leads, while leading
	target  tui.FollowMsg
	// A lesson's step → attendee → option. Only answers given while
	// following count (tui.Room.Answer), and they stay counted after the
	// attendee steps away or leaves: the tally is of the predictions the
	// room made at the instructor's step, and a dropped connection does
	// not take a prediction back.
	answers map[stepKey]map[*Member]int
	names   map[Who]string // display names (presence.go)
}

type stepKey struct {
	scenario string
	step     int
}

// NewRoom makes an empty room.
func NewRoom() *Room {
	return &Room{members: map[*Member]struct{}{}, answers: map[stepKey]map[*Member]int{}}
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
// instructor is now) and a "room changed" flag.
type Member struct {
	room       *Room
	who        Who
	instructor bool // who.Instructor

	presence tui.Presence // where the session stands, under the room's lock (presence.go)

	mu      sync.Mutex
	command tea.Msg // the latest FollowMsg or ReleaseMsg not yet delivered
	changed bool    // a RoomChangedMsg is owed
	wake    chan struct{}
}

var _ tui.Room = (*Member)(nil)

// Join adds a session. An attendee who joins a led room is sent where the
// instructor is.
func (r *Room) Join(who Who) *Member {
	m := &Member{room: r, who: who, instructor: who.Instructor, wake: make(chan struct{}, 1)}
	r.mu.Lock()
	r.members[m] = struct{}{}
	if !who.Instructor && r.leading {
		m.post(r.target)
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
	if r.leading && r.leader == m {
		r.releaseLocked(tui.ReleaseMsg{LeaderLeft: true})
	}
	r.changedLocked()
}

// Following reports whether the member is an attendee of a room an
// instructor leads who did not step away (its session's last report):
// the screen it shows is the instructor's to move.
func (m *Member) Following() bool {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.leading && !m.instructor && !m.presence.Away
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
		cmd, changed := m.command, m.changed
		m.command, m.changed = nil, false
		m.mu.Unlock()
		if cmd != nil {
			send(cmd)
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

// Answer implements tui.Room. Instructors' answers are not the room's,
// and neither are those that arrive when no one leads (the session
// learnt of the release after it answered).
func (m *Member) Answer(scenario string, step, choice int) {
	if m.instructor || choice < 1 {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[m]; !ok || !r.leading {
		return
	}
	k := stepKey{scenario, step}
	if r.answers[k] == nil {
		r.answers[k] = map[*Member]int{}
	}
	r.answers[k][m] = choice
	r.changedLocked()
}

// Lead implements tui.Room: every attendee is sent to the step.
func (m *Member) Lead(scenario string, step int) {
	if !m.instructor {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leading, r.leader, r.target = true, m, tui.FollowMsg{Scenario: scenario, Step: step}
	for a := range r.members {
		if !a.instructor {
			a.post(r.target)
		}
	}
	r.changedLocked()
}

// Release implements tui.Room.
func (m *Member) Release() {
	if !m.instructor {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.leading {
		return
	}
	r.releaseLocked(tui.ReleaseMsg{})
	r.changedLocked()
}

// releaseLocked ends the lead and tells every attendee why.
func (r *Room) releaseLocked(msg tui.ReleaseMsg) {
	r.leading, r.leader = false, nil
	for a := range r.members {
		if !a.instructor {
			a.post(msg)
		}
	}
}

// Status implements tui.Room.
func (m *Member) Status(scenario string, step int) tui.RoomStatus {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	st := tui.RoomStatus{Leading: r.leading}
	for a := range r.members {
		if !a.instructor {
			st.Attendees++
		}
	}
	for _, choice := range r.answers[stepKey{scenario, step}] {
		for len(st.Answers) < choice {
			st.Answers = append(st.Answers, 0)
		}
		st.Answers[choice-1]++
	}
	return st
}
