package tui

import "fmt"

// Nothing is lost on pull (issue 16 §1.9). When the room moves an
// attendee (the instructor's lead or a later step, or f) out of something
// of its own (the sandbox, a challenge, a lesson it opened or moved in
// alone), the model keeps that screen whole (the player value: its world,
// step, tab, what-if and any open menu) and shows the room's lesson in a
// screen of its own. x (step away) brings the kept screen back exactly as
// it was; f later goes back to the room's lesson, keeping the attendee's
// screen again.

// keepForPull is called before the room moves this session to t: if the
// screen in front is the attendee's own, it is kept and the room's lesson
// (the one it moved before, if it is t's) comes in front.
func (m *Model) keepForPull(t FollowMsg) {
	if m.opts.Instructor || m.screen != screenPlayer || m.player == nil {
		return
	}
	// The room's own lesson is the attendee's too once they moved in it
	// alone (released, or stepped away): another step, their own what-if.
	moved := false
	if w := m.where(); m.player == m.ws.followed {
		moved = w.ok && (w.scenario != m.room.seen.Scenario || w.step != m.room.seen.Step || w.whatIf != m.room.seen.WhatIf)
		if !moved {
			return
		}
	}
	if !m.inCatalogue(t.Scenario) {
		return // jump says the server lacks it, and nothing moves
	}
	// The newest screen of the attendee's own is what x returns to (one
	// kept by an earlier pull was left behind when they moved on alone).
	m.ws.kept = m.player
	m.room.note = fmt.Sprintf("your %s is kept: %s returns to it", keptName(m.player), m.keys.Room.StepAway.Help().Key)
	m.keptHelp()
	if l, ok := m.ws.followed.(*lesson); ok && !moved && l.tl.id == t.Scenario {
		m.player = l
		m.layout()
		return
	}
	// jump opens t's lesson afresh (cheap: runs are shared through
	// scenarios.RunCache).
	m.player, m.screen, m.ws.followed = nil, screenPicker, nil
}

// followedNow records the screen the room just moved (jump's last word).
func (m *Model) followedNow() {
	if m.screen == screenPlayer {
		m.ws.followed = m.player
	}
}

// backFromPull brings the kept screen back, if a pull kept one, and
// reports whether it did.
func (m *Model) backFromPull() bool {
	if m.ws.kept == nil {
		return false
	}
	m.player, m.screen, m.ws.kept = m.ws.kept, screenPlayer, nil
	m.room.note = "back to what you were doing"
	m.keptHelp()
	m.syncFollowing()
	m.layout()
	return true
}

// keptHelp makes x's help say where it returns while a screen is kept
// (the note that said so lasts only until the instructor's next step).
// The key map is the session's own (New), so no other session's help
// changes.
func (m *Model) keptHelp() {
	b := &m.keys.Room.StepAway
	if m.ws.stepAway == "" {
		m.ws.stepAway = b.Help().Desc
	}
	desc := m.ws.stepAway
	if m.ws.kept != nil {
		desc = "back to your " + keptName(m.ws.kept)
	}
	b.SetHelp(b.Help().Key, desc)
}

func (m *Model) inCatalogue(id string) bool {
	for _, sc := range m.opts.Catalogue {
		if sc.ID == id {
			return true
		}
	}
	return false
}

// keptName names a kept screen in words.
func keptName(s screen) string {
	switch s.(type) {
	case *challenge:
		return "challenge"
	case *sandbox:
		return "sandbox"
	}
	return "lesson"
}
