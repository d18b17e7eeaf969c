package tui

// Rejoin is the same world under a new session's room: the model a
// reconnecting session gets back (the server keeps worlds by who logged
// in). Everything the learner made stays: the screen in front, the
// picker, the lesson and its step, the quiz answers, the sandbox, a
// challenge, a what-if. What the model knew of the old session's room
// goes: the room went on without it, and a top line that said "leading"
// or "following" would be stale. An instructor finds "not leading" and the
// room as it is now (one key, F, takes the lead again). An attendee who
// followed is sent where the instructor is by r's Join, as any attendee
// who joins; one who had stepped away from a room that is still led stays
// away, at their own lesson and step (the room's step only named on the
// top line), as they would have had the connection held; a room no longer
// led is found unled.
func (m Model) Rejoin(r Room) Model {
	lines := m.roomLines()
	before := m.room
	m.opts.Room = r
	// An attendee who had stepped away from a room still led stays away:
	// their place is their own step, not the instructor's (tried over
	// ssh: a reconnect pulled them back to the instructor's step). Once
	// the room is no longer led there is nothing to be away from.
	away := m.room.away && r != nil && !m.opts.Instructor && r.Status(FollowMsg{}).Leading
	// What the world last followed stays: the runs are numbered for the
	// server's life, which the world does not outlive, so a push of
	// another run clears the answers of the earlier one (follow), and a
	// push of the same run keeps them.
	m.room = roomState{away: away, seen: m.room.seen}
	if m.opts.Instructor {
		// The instructor's place in the room's runs stays too: F with the
		// lesson they pushed still open continues its run (its counts),
		// as after a release; a lesson opened anew starts one. The room
		// starts one anyway if it has moved to another lesson meanwhile
		// (Member.Lead).
		m.room.pushed, m.room.pushedBy = before.pushed, before.pushedBy
	}
	m.quitArmed = false // a q pressed in the dropped session is not this one's
	m.syncFollowing()
	if r != nil && m.opts.Instructor {
		m.refreshStatus()
		if m.ws.overview != nil {
			m.ws.overview.set(r.Attendees())
		}
	}
	m.ws.reported = false // the new room has heard nothing from this session
	return m.relayout(lines).report()
}
