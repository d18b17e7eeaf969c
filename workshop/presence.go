package workshop

import (
	"github.com/tokensim/tokensim/tui"
)

// Presence: each session reports where it stands (tui.Presence), an
// attendee may set the name the room shows, and an instructor lists the
// attendees (the overview, tui's W). Names are kept by Who, the user name
// with the credential that proved it, as a reconnect's world is: the
// same user reconnecting shows the same name, and someone else who logs
// in under that user name with another credential does not inherit it.

// Report implements tui.Room: the member's presence is kept, and the
// instructors told when it changed (their overview is live).
func (m *Member) Report(p tui.Presence) {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[m]; !ok || m.presence == p {
		return
	}
	m.presence = p
	if !m.instructor {
		r.changedLocked()
	}
}

// SetName implements tui.Room. The name is sanitised here too
// (tui.DisplayName): it is shown on the instructor's terminal, and the
// room must not trust a session to have cleaned it.
func (m *Member) SetName(name string) string {
	name = tui.DisplayName(name)
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" || name == m.who.User {
		r.names.remove(m.who)
	} else {
		r.names.set(m.who, name)
	}
	r.changedLocked()
	return r.nameLocked(m)
}

// keepNames bounds the display names the room remembers for its life
// (Config.KeptWorlds on a server): the users who set one longest ago are
// forgotten first. ≤ 0: no bound.
func (r *Room) keepNames(max int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names.max = max
}

// Name implements tui.Room.
func (m *Member) Name() string {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nameLocked(m)
}

// nameLocked is the name the room shows for a member: the display name
// its user set, or the SSH user name (RFC 4252 §5), itself made safe to
// print on another terminal.
func (r *Room) nameLocked(m *Member) string {
	if n, ok := r.names.get(m.who); ok {
		return n
	}
	if n := tui.DisplayName(m.who.User); n != "" {
		return n
	}
	if m.instructor {
		return "an instructor"
	}
	return "an attendee"
}

// Attendees implements tui.Room: the attendee sessions, for an instructor
// only (an attendee's screen has no use for who else is here).
func (m *Member) Attendees() []tui.Attendee {
	if !m.instructor {
		return nil
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]tui.Attendee, 0, len(r.members))
	for a := range r.members {
		if !a.instructor {
			out = append(out, tui.Attendee{Name: r.nameLocked(a), Presence: a.presence})
		}
	}
	return out
}
