package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The instructor's half of the room: one instructor leads at a time. The
// model never keeps its own idea of who leads: the room's status says (a
// RoomChangedMsg refreshes it whenever the lead changes), so the top line
// cannot say "leading" after another instructor took over.

// leadKey handles an instructor's room keys. It reports whether the key
// was consumed.
func (m *Model) leadKey(msg tea.KeyPressMsg) bool {
	k, r := m.keys, &m.room
	switch {
	case key.Matches(msg, k.Room.Lead):
		if r.status.Leading && !r.status.You {
			// Another instructor leads: ask before taking it from them.
			r.confirm, r.note = true, ""
			return true
		}
		m.lead()
		return true
	case key.Matches(msg, k.Room.Release):
		if !r.status.You {
			r.note = "you do not lead the room"
			return true
		}
		m.opts.Room.Release()
		m.refreshStatus()
		return true
	case key.Matches(msg, k.Room.ResetCount):
		w := m.where()
		if !w.ok || w.step < 1 || m.player.steps().tl.steps[w.step-1].Text.Quiz == nil {
			r.note = "no quiz at this step: no count to reset"
			return true
		}
		m.opts.Room.ResetAnswers(w.scenario, w.step)
		// Only the leader's step is sent again (with the reset, which
		// clears a follower's answer): another instructor's step is not
		// the room's.
		r.note = "count reset for this step"
		if r.status.You {
			r.note = "count reset: followers may answer again"
		}
		m.refreshStatus()
		return true
	case key.Matches(msg, k.Room.Broadcast):
		m.openBroadcast()
		return true
	}
	return false
}

// confirmKey answers F's question "take over the lead?": y takes it, n or
// esc leaves it; other keys wait for the answer (ctrl+c still quits). It
// reports whether the key was consumed.
func (m *Model) confirmKey(msg tea.KeyPressMsg) bool {
	k, r := m.keys, &m.room
	switch {
	case key.Matches(msg, k.Filter.Quit):
		return false
	case key.Matches(msg, k.Room.TakeOver):
		r.confirm = false
		m.lead()
	case key.Matches(msg, k.Room.KeepOff):
		r.confirm, r.note = false, "the lead stays where it is"
	}
	return true
}

// lead takes the lead and pushes the room where this session is. At the
// picker nothing is pushed yet: the lesson opened next is.
func (m *Model) lead() {
	r := &m.room
	to := FollowMsg{}
	run := false
	if w := m.where(); w.ok {
		to = FollowMsg{Scenario: w.scenario, Step: w.step, WhatIf: w.whatIf}
		run = m.player != r.pushedBy
		r.pushedBy = m.player
	}
	r.pushed = to
	m.opts.Room.Lead(to, run)
	m.refreshStatus()
}

// push tells the room where the instructor who leads now is: a step, a
// what-if, or a lesson opened anew (a new run).
func (m *Model) push() {
	r := &m.room
	w := m.where()
	if !r.status.You || !w.ok {
		return
	}
	to := FollowMsg{Scenario: w.scenario, Step: w.step, WhatIf: w.whatIf}
	run := m.player != r.pushedBy
	if !run && to == r.pushed {
		return
	}
	r.pushed, r.pushedBy = to, m.player
	m.opts.Room.Push(to, run)
}

// refreshStatus asks the room how it stands, for the instructor's line;
// an instructor who led and no longer does because another took over is
// told so.
func (m *Model) refreshStatus() {
	w := m.where()
	before := m.room.status
	st := m.opts.Room.Status(FollowMsg{Scenario: w.scenario, Step: w.step, WhatIf: w.whatIf})
	m.room.status = st
	if m.room.counted && before.You && !st.You && st.Leader != "" {
		// "… took over the lead", until the next key; the answer to this
		// session's last key may no longer hold.
		m.room.ousted, m.room.note = true, ""
	}
	m.room.counted = true
}

// leaderName names the instructor who leads, as another instructor reads
// it: two sessions may share one user name.
func leaderName(st RoomStatus) string {
	if st.Namesake {
		return st.Leader + " (another session)"
	}
	return st.Leader
}

// instructorLine is the instructor's room line: the room's size, who
// leads, how the room answered this step's quiz, the message on the
// attendees' screens, and the question or prompt open.
func (m *Model) instructorLine() string {
	r := &m.room
	if r.prompt != nil {
		return m.broadcastLine()
	}
	lead := "not leading"
	switch {
	case r.status.You:
		lead = "leading the room"
	case r.status.Leading && r.ousted:
		lead = leaderName(r.status) + " took over the lead"
	case r.status.Leading:
		lead = leaderName(r.status) + " leads the room"
	}
	n := "attendees"
	if r.status.Attendees == 1 {
		n = "attendee"
	}
	if r.confirm {
		// The question first: the line is cut at the terminal's width.
		q := "take the lead from " + leaderName(r.status) + "?"
		if !r.status.Leading {
			q = "no one leads now: take the lead?" // released or gone while asked
		}
		return fmt.Sprintf("%s %s yes · %s no · %s", q, m.keys.Room.TakeOver.Help().Key, m.keys.Room.KeepOff.Help().Key, lead)
	}
	counts, total, quiz := m.quizCounts()
	parts := []string{"instructor", fmt.Sprintf("%d %s connected", r.status.Attendees, n), lead}
	if quiz {
		parts = append(parts, fmt.Sprintf("quiz: %s (%d answered)", counts, total))
	}
	if r.note != "" {
		parts = append(parts, r.note)
	}
	if r.status.Broadcast != "" {
		parts = append(parts, "message on screens: "+r.status.Broadcast)
	}
	if line := strings.Join(parts, " · "); ansi.StringWidth(line) <= m.w {
		return line
	}
	// Too narrow (80 columns, with a quiz): the line is cut at the
	// terminal's width, so what answers the last key (the note) and the
	// count's total come first, and the words that only label go.
	parts = []string{lead}
	if r.note != "" {
		parts = append(parts, r.note)
	}
	if quiz {
		parts = append(parts, fmt.Sprintf("quiz (%d answered): %s", total, counts))
	}
	parts = append(parts, fmt.Sprintf("%d %s", r.status.Attendees, n))
	if r.status.Broadcast != "" {
		parts = append(parts, "on screens: "+r.status.Broadcast)
	}
	return strings.Join(parts, " · ")
}

// instructorHelp is the instructor's room keys for the footer: first, as
// a lesson's help line is cut short at common widths and these are the
// keys a workshop is run with.
func (m *Model) instructorHelp(km help.KeyMap) help.KeyMap {
	k := &m.keys.Room
	switch {
	case m.room.prompt != nil:
		return fixedHelp{k.Send, k.Cancel, m.keys.Filter.Quit}
	case m.room.confirm:
		return fixedHelp{k.TakeOver, k.KeepOff, m.keys.Filter.Quit}
	}
	keys := []key.Binding{k.Lead}
	if m.room.status.You {
		keys = []key.Binding{k.Release}
	}
	// Z only where a quiz is counted; W and B everywhere.
	if w := m.where(); w.ok && w.step >= 1 && m.player.steps().tl.steps[w.step-1].Text.Quiz != nil {
		keys = append(keys, k.ResetCount)
	}
	return instructorKeys{inner: km, lead: keys, overview: m.keys.Presence.Overview, broadcast: k.Broadcast}
}

// instructorKeys is an instructor's help. The short help is in the order
// an instructor at 80 columns needs it (the footer drops hints from the
// end): the room's lead key and Z, then the screen's first key (the next
// step, or the quiz's answers, which reveal it), then W and B, then the
// rest of the screen's.
type instructorKeys struct {
	inner               help.KeyMap
	lead                []key.Binding
	overview, broadcast key.Binding
}

func (h instructorKeys) ShortHelp() []key.Binding {
	own := h.inner.ShortHelp()
	n := min(1, len(own))
	out := append(slices.Clone(h.lead), own[:n]...)
	return append(append(out, h.overview, h.broadcast), own[n:]...)
}

// FullHelp: the room's keys join the screen's last group, W a column of
// its own, which the help sets beside them where the width allows (at
// 60×16 the sandbox's full help has no row to spare).
func (h instructorKeys) FullHelp() [][]key.Binding {
	room := roomHelp{h.inner, append(slices.Clone(h.lead), h.broadcast), true}
	return append(room.FullHelp(), []key.Binding{h.overview})
}
