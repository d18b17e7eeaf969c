package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// roomState is what the root model knows of the workshop it plays in
// (Options.Room): for an attendee, whether the room is led and whether
// this session stepped away; for an instructor, what the room looks like
// (who leads is the room's to say: status, lead.go).
type roomState struct {
	// attendee
	led       bool         // an instructor leads the room
	away      bool         // this attendee stepped away
	target    FollowMsg    // where the instructor last was
	seen      FollowMsg    // the last target the screen followed (its Run and Reset)
	broadcast BroadcastMsg // the instructor's message, until the next step
	note      string       // the last thing the room said, until the next key

	// instructor
	pushed   FollowMsg // the last lesson, step and what-if pushed to the room
	pushedBy screen    // the player pushed: another one is a new run of the lesson
	status   RoomStatus
	counted  bool             // status was asked for at least once
	confirm  bool             // F asks whether to take the lead from another instructor
	ousted   bool             // another instructor took the lead from this one: said until the next key
	prompt   *textinput.Model // the message for the room, while typed (broadcast.go)
}

// following reports whether an attendee's screen is the instructor's.
func (r *roomState) following() bool { return r.led && !r.away }

// where is the lesson and step a session shows, and the answer given to
// its quiz; ok is false outside a lesson (the picker, the sandbox).
type where struct {
	scenario     string
	step, answer int
	whatIf       WhatIf // the what-if the lesson runs under
	ok           bool
}

func (m *Model) where() where {
	l, ok := m.player.(*lesson)
	if m.screen != screenPlayer || !ok {
		return where{}
	}
	t := &l.tl
	return where{scenario: t.id, step: t.cur + 1, answer: t.answered[t.cur], whatIf: l.applied.share(), ok: true}
}

// roomMsg handles the room's own messages and keys (follow.go is the
// workshop's half of the root model's Update). It reports whether msg was
// consumed.
func (m *Model) roomMsg(msg tea.Msg) bool {
	if m.room.prompt != nil && m.broadcastMsg(msg) {
		return true
	}
	switch msg := msg.(type) {
	case FollowMsg:
		if msg.Scenario != m.room.target.Scenario || msg.Step != m.room.target.Step || msg.Run != m.room.target.Run {
			m.room.broadcast = BroadcastMsg{} // shown until the next step
		}
		m.room.led, m.room.target = true, msg
		if m.room.away {
			m.room.note = fmt.Sprintf("the instructor is at %s, step %d", msg.Scenario, msg.Step)
		} else {
			m.room.note = ""
			m.follow(msg)
		}
		m.syncFollowing()
		return true
	case BroadcastMsg:
		if !m.opts.Instructor {
			m.room.broadcast = msg
		}
		return true
	case ReleaseMsg:
		// The release ends the leader's message too (Room's releaseLocked).
		m.room.led, m.room.away, m.room.broadcast = false, false, BroadcastMsg{}
		m.room.note = "the instructor released the room: explore on your own"
		if msg.LeaderLeft {
			m.room.note = "the instructor left: you explore alone"
		}
		m.syncFollowing()
		return true
	case RoomChangedMsg:
		m.refreshStatus()
		return true
	case tea.KeyPressMsg:
		if m.room.confirm {
			return m.confirmKey(msg)
		}
		// f follows again over an open menu too, closing it (follow).
		if !m.typing() || m.menuOnly() && key.Matches(msg, m.keys.Room.Rejoin) {
			if handled := m.roomKey(msg); handled {
				m.syncFollowing()
				return true
			}
		}
		m.room.note, m.room.ousted = "", false
	}
	return false
}

// roomAfter tells the room what a message changed, given where the session
// was before it: an attendee's quiz answer, the step of an instructor who
// leads.
func (m *Model) roomAfter(before where) {
	room := m.opts.Room
	after := m.where()
	switch {
	case m.opts.Instructor:
		m.push()
		if after.scenario != before.scenario || after.step != before.step || after.whatIf != before.whatIf || !m.room.counted {
			m.refreshStatus()
		}
	case m.room.following() && after.ok && after.scenario == before.scenario && after.step == before.step && before.answer == 0 && after.answer != 0:
		// Only a follower's answer is the room's: one who stepped away
		// may be anywhere, and answered alone (README, "Workshop over
		// SSH"). It says the policy and run it was given under: the room
		// counts it only under the instructor's.
		room.Answer(FollowMsg{Scenario: after.scenario, Step: after.step, WhatIf: after.whatIf, Run: m.room.target.Run}, after.answer)
	}
	m.syncFollowing()
}

// syncFollowing tells the player whether its screen is the instructor's,
// for the narration's opening words (followIntro).
func (m *Model) syncFollowing() {
	if m.player != nil {
		s := m.player.steps()
		s.insp.following = ""
		if m.room.following() {
			s.insp.following = m.keys.Room.StepAway.Help().Key
		}
	}
}

// followIntro is the narration before the first step for an attendee who
// follows: the instructor takes the steps, so it must not say "press →",
// a key that is refused while following.
func followIntro(t *timeline, st *Styles, w int, note, stepAway string) string {
	var b strings.Builder
	if note != "" {
		b.WriteString(st.Changed.Render(iconChanged+" "+note) + "\n\n")
	}
	return b.String() + st.Title.Render(t.title) + "\n\n" +
		wrap("The instructor takes the steps: your screen follows theirs. Every step says why it matters; quizzes ask you to predict before they reveal. Press "+stepAway+" to step away and move on your own.", w)
}

// typing reports whether keys are text or a menu's, not commands.
func (m *Model) typing() bool {
	if m.room.prompt != nil || m.room.confirm {
		return true
	}
	if m.screen == screenPicker {
		return m.picker.filtering()
	}
	return m.player != nil && m.player.steps().modal != nil
}

// menuOnly reports whether the screen's modal is a menu, whose keys are
// digits and arrows: letters are not text there.
func (m *Model) menuOnly() bool {
	if m.screen != screenPlayer || m.player == nil || m.opts.Instructor {
		return false
	}
	md := m.player.steps().modal
	return md != nil && !md.text()
}

// roomKey handles the workshop's keys, and refuses the keys that would
// move an attendee who follows the instructor. It reports whether the key
// was consumed.
func (m *Model) roomKey(msg tea.KeyPressMsg) bool {
	k, r := m.keys, &m.room
	if m.opts.Instructor {
		return m.leadKey(msg) // lead.go
	}
	switch {
	case key.Matches(msg, k.Room.StepAway):
		if r.following() {
			r.away, r.note = true, ""
			m.backFromPull() // pull.go: what the room took, if it took anything
		} else if !m.backFromPull() {
			r.note = "no instructor is leading the room"
		}
		return true
	case key.Matches(msg, k.Room.Rejoin):
		switch {
		case r.following():
			r.note = "you already follow the instructor"
		case r.led:
			r.away, r.note = false, ""
			m.follow(r.target)
		default:
			r.note = "no instructor is leading the room"
		}
		return true
	case r.following() && key.Matches(msg, k.Player.Next, k.Player.Prev, k.Player.First, k.Player.Last, k.Player.Autoplay, k.Back, k.Picker.Open, k.Picker.Sandbox, k.Player.WhatIf, k.Player.Export):
		// what-if and export would change or leave the instructor's
		// screen as surely as a step does.
		r.note = "you follow the instructor: the steps are theirs"
		return true
	}
	return false
}

// follow shows the instructor's lesson, step and what-if: what a pull (the
// instructor's F, every step) and f (follow again) bring. An open menu and
// the full help close (the instructor's screen has neither), the
// follower's own what-if gives way to the instructor's, and answers the
// room no longer counts (a new run, a reset count) are cleared here too,
// so that they can be given again.
func (m *Model) follow(t FollowMsg) {
	m.jump(t)
	l, ok := m.player.(*lesson)
	if m.screen != screenPlayer || !ok || l.tl.id != t.Scenario {
		return // jump said why
	}
	l.modal = nil
	m.help.ShowAll = false
	l.followWhatIf(t.WhatIf) // roomwhatif.go
	// seen survives a reconnect (Model.Rejoin): a reconnect into the
	// run the world followed keeps its answers, into another clears them.
	switch seen := m.room.seen; {
	case t.Run != seen.Run || t.WhatIf != seen.WhatIf:
		// A new run, or the instructor's what-if changed: the room
		// predicts afresh, and answers count under the policy shown
		// (Room.Answer), so the follower may answer again.
		clear(l.tl.answered)
	case t.Reset != seen.Reset && t.Step >= 1:
		delete(l.tl.answered, t.Step-1)
	}
	m.room.seen = t
	m.layout()
}

// jump shows the lesson and step the instructor is at, opening the lesson
// if this session shows another one.
func (m *Model) jump(t FollowMsg) {
	m.keepForPull(t) // pull.go: nothing of the attendee's own is lost
	if w := m.where(); !w.ok || w.scenario != t.Scenario {
		var found bool
		for _, sc := range m.opts.Catalogue {
			if sc.ID != t.Scenario {
				continue
			}
			p, err := newLesson(m.keys, m.styles, sc, m.opts.Run, m.opts.ExportDir)
			if err != nil {
				m.err = err.Error()
				return
			}
			m.joinCourse(p, false) // the instructor leads: no resume offer
			m.player, m.screen, found = p, screenPlayer, true
			break
		}
		if !found {
			m.room.note = fmt.Sprintf("the instructor opened %q, which this server does not have", t.Scenario)
			return
		}
	}
	m.player.steps().goTo(t.Step)
	m.followedNow()
	m.layout()
}

// relayout re-lays the screen out when the room line came or went.
func (m Model) relayout(before int) Model {
	if m.roomLines() != before {
		m.layout()
	}
	return m
}

// roomLines is the height of the room line above the screen: 0 or 1.
func (m *Model) roomLines() int {
	if m.roomLine() == "" {
		return 0
	}
	return 1
}

// roomLine says, in words, where the session stands in the room: an
// attendee follows the instructor or stepped away; an instructor sees the
// room's size, whether it leads, and how the room answered this step's
// quiz.
func (m *Model) roomLine() string {
	if m.opts.Room == nil {
		return ""
	}
	if m.opts.Instructor {
		// The keys to lead and release are in the help line below.
		return clampBlock(m.styles.Status.Render(m.instructorLine()), m.w, 1)
	}
	r, k := &m.room, m.keys
	var parts []string
	if b := r.broadcast; b.Text != "" {
		// First: it is what the instructor wants read now.
		parts = append(parts, "message from "+b.From+": "+b.Text)
	}
	switch {
	case r.following():
		parts = append(parts, iconCurrent+" following the instructor · "+k.Room.StepAway.Help().Key+" step away")
		if w := m.where(); w.ok && w.whatIf != (WhatIf{}) {
			parts = append(parts, "what-if: "+describe(w.whatIf.local()))
		}
	case r.led:
		parts = append(parts, "stepped away from the instructor · "+k.Room.Rejoin.Help().Key+" follow again")
	}
	if r.note != "" {
		parts = append(parts, r.note)
	}
	if len(parts) == 0 {
		return ""
	}
	return clampBlock(m.styles.Status.Render(strings.Join(parts, " · ")), m.w, 1)
}

// quizCounts is how the room answered the quiz of the instructor's step,
// per option, and which option is right, and how many answered; ok is
// false where the step has no quiz.
func (m *Model) quizCounts() (counts string, total int, ok bool) {
	w := m.where()
	if !w.ok || w.step < 1 {
		return "", 0, false
	}
	q := m.player.steps().tl.steps[w.step-1].Text.Quiz
	if q == nil {
		return "", 0, false
	}
	var b strings.Builder
	for i := range q.Options {
		n := 0
		if i < len(m.room.status.Answers) {
			n = m.room.status.Answers[i]
		}
		total += n
		if i > 0 {
			b.WriteString("  ")
		}
		mark := ""
		if i+1 == q.Answer {
			mark = iconOK // the right option, marked by a glyph, not by colour
		}
		fmt.Fprintf(&b, "%d)%s %d", i+1, mark, n)
	}
	return b.String(), total, true
}
