package workshop

import (
	"github.com/tokensim/tokensim/tui"
)

// The room's lead (one instructor at a time), its quiz counts and its
// broadcast: the tui.Room methods besides membership (room.go).

// name is how other sessions name the member (presence.go's nameLocked);
// the room's lock is held.
func (m *Member) name() string { return m.room.nameLocked(m) }

// Lead implements tui.Room: the member leads from now on, whoever led
// before (every instructor's panel is told: changedLocked), and the room
// is pushed to to. A take-over from another instructor who leads at to's
// lesson continues their run (run is ignored): the room's answers so far
// are the same lesson's. Otherwise run (the session opened the lesson
// anew since its last push) starts a new one, even at the lesson the room
// was last at, and so does a lead at another lesson than the room's;
// run false at the room's lesson (the instructor leads again after a
// release or a reconnect, the lesson still open) continues it. An empty to (the
// instructor is at the picker: the lesson opened next is pushed) clears
// the room's target: no one is sent, or counted as following, a step no
// instructor is at.
func (m *Member) Lead(to tui.FollowMsg, run bool) {
	if !m.instructor {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[m]; !ok {
		return
	}
	takeOver := r.leader != nil && r.leader != m && r.target.Scenario == to.Scenario
	r.leader = m
	if to.Scenario == "" {
		r.target = tui.FollowMsg{}
	} else {
		// A lead elsewhere than the room's lesson is a new run of it,
		// whatever the session last pushed (an instructor back from a
		// reconnect, another instructor having moved the room since).
		r.pushLocked(to, run && !takeOver || to.Scenario != r.target.Scenario)
	}
	r.changedLocked()
}

// Push implements tui.Room: only the instructor who leads moves the room.
// One whose lead was taken may not have heard of it yet; its step must not
// take the room back.
func (m *Member) Push(to tui.FollowMsg, run bool) {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.leader != m || to.Scenario == "" {
		return
	}
	r.pushLocked(to, run)
	r.changedLocked()
}

// pushLocked sends every attendee to to. A new run (the instructor
// opened the lesson anew) starts the quiz counts from zero. A new step
// ends the broadcast.
func (r *Room) pushLocked(to tui.FollowMsg, run bool) {
	if run {
		r.run++
	}
	to.Run, to.Reset = r.run, r.reset
	stepped := to.Scenario != r.target.Scenario || to.Step != r.target.Step || to.Run != r.target.Run
	r.target = to
	if stepped {
		r.broadcast = tui.BroadcastMsg{}
	}
	for a := range r.members {
		if !a.instructor {
			if stepped {
				a.dropBroadcast()
			}
			a.post(r.target)
		}
	}
}

// Release implements tui.Room: the instructor who leads lets the room go.
func (m *Member) Release() {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.leader != m {
		return
	}
	r.releaseLocked(tui.ReleaseMsg{})
	r.changedLocked()
}

// releaseLocked ends the lead and tells every attendee why. It ends the
// broadcast too: a message such as "break" was the instructor's who led,
// and a newcomer to an unled room must not read it beside "you explore
// alone".
func (r *Room) releaseLocked(msg tui.ReleaseMsg) {
	r.leader = nil
	r.broadcast = tui.BroadcastMsg{}
	for a := range r.members {
		if !a.instructor {
			a.dropBroadcast()
			a.post(msg)
		}
	}
}

// Answer implements tui.Room. Instructors' answers are not the room's,
// and neither are those that arrive when no one leads (the session
// learnt of the release after it answered), those given under another
// what-if than the one the room was last pushed (the follower had not
// yet replayed the lesson under the instructor's), and those of an
// earlier run.
func (m *Member) Answer(at tui.FollowMsg, choice int) {
	if m.instructor || choice < 1 {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[m]; !ok || r.leader == nil {
		return
	}
	if r.target.Scenario == "" || at.Run != r.run || at.WhatIf != r.target.WhatIf {
		return
	}
	k := stepKey{run: r.run, scenario: at.Scenario, step: at.Step, whatIf: at.WhatIf}
	if r.answers[k] == nil {
		r.answers[k] = map[string]int{}
	}
	r.answers[k][m.who.User] = choice
	r.changedLocked()
}

// ResetAnswers implements tui.Room: the step's answers in this run, under
// every what-if, are forgotten; followers at the step are sent it again
// with a new Reset, which clears their answer so that they may answer
// again.
func (m *Member) ResetAnswers(scenario string, step int) {
	if !m.instructor {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.answers {
		if k.run == r.run && k.scenario == scenario && k.step == step {
			delete(r.answers, k)
		}
	}
	r.reset++
	if r.leader != nil && r.target.Scenario == scenario && r.target.Step == step {
		r.target.Reset = r.reset
		for a := range r.members {
			if !a.instructor {
				a.post(r.target)
			}
		}
	}
	r.changedLocked()
}

// Broadcast implements tui.Room: text, cleaned (tui.CleanBroadcast), goes
// to every attendee's top line, and to those who join before the next
// step.
func (m *Member) Broadcast(text string) {
	if !m.instructor {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	r.broadcast = tui.BroadcastMsg{From: m.name(), Text: tui.CleanBroadcast(text)}
	if r.broadcast.Text == "" {
		r.broadcast.From = ""
	}
	for a := range r.members {
		if !a.instructor {
			a.postBroadcast(&r.broadcast)
		}
	}
	r.changedLocked()
}

// Status implements tui.Room.
func (m *Member) Status(at tui.FollowMsg) tui.RoomStatus {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	st := tui.RoomStatus{Leading: r.leader != nil, Broadcast: r.broadcast.Text}
	if l := r.leader; l != nil {
		st.Leader, st.You = l.name(), l == m
		st.Namesake = !st.You && l.who.User == m.who.User
	}
	for a := range r.members {
		if !a.instructor {
			st.Attendees++
		}
	}
	for _, choice := range r.answers[stepKey{run: r.run, scenario: at.Scenario, step: at.Step, whatIf: at.WhatIf}] {
		for len(st.Answers) < choice {
			st.Answers = append(st.Answers, 0)
		}
		st.Answers[choice-1]++
	}
	return st
}
