package workshop

import (
	"testing"

	"github.com/tokensim/tokensim/tui"
)

// Issue 16's room, as the Room itself keeps it: one lead at a time, what
// the room counts, and the broadcast.

// rmTestDrain empties m's mailbox without a program: what Deliver would
// send now, in order.
func rmTestDrain(m *Member) (out []any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.command != nil {
		out = append(out, m.command)
	}
	if m.broadcast != nil {
		out = append(out, *m.broadcast)
	}
	if m.changed {
		out = append(out, tui.RoomChangedMsg{})
	}
	m.command, m.broadcast, m.changed = nil, nil, false
	return out
}

// One instructor leads at a time: a second one sees who, takes the lead
// with Lead, and the first one's steps no longer move the room. Every
// instructor is told of each change.
func TestRoomOneLead(t *testing.T) {
	r := NewRoom()
	ann, bob := r.Join(Who{User: "ann", Instructor: true}), r.Join(Who{User: "bob", Instructor: true})
	a := r.Join(Who{User: "cy"})
	rmTestDrain(ann)
	rmTestDrain(bob)
	ann.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
	for _, in := range []*Member{ann, bob} {
		if got := rmTestDrain(in); len(got) != 1 || got[0] != (tui.RoomChangedMsg{}) {
			t.Fatalf("%s was not told of the lead: %v", in.who.User, got)
		}
	}
	if st := bob.Status(tui.FollowMsg{}); !st.Leading || st.Leader != "ann" || st.You {
		t.Fatalf("bob's status %+v, want ann leads", st)
	}
	if st := ann.Status(tui.FollowMsg{}); !st.You || st.Leader != "ann" {
		t.Fatalf("ann's status %+v, want ann (you) leads", st)
	}
	bob.Push(tui.FollowMsg{Scenario: "login", Step: 3}, false) // bob does not lead
	bob.Release()
	if got := rmTestDrain(a); len(got) != 1 || got[0].(tui.FollowMsg).Step != 1 {
		t.Fatalf("the attendee got %v, want only ann's step 1", got)
	}
	bob.Lead(tui.FollowMsg{Scenario: "login", Step: 2}, true) // the take-over (after the tui asked)
	if st := ann.Status(tui.FollowMsg{}); st.You || st.Leader != "bob" {
		t.Fatalf("ann's status after the take-over %+v", st)
	}
	if got := rmTestDrain(ann); len(got) != 1 {
		t.Fatalf("ann was not told of the take-over: %v", got)
	}
	ann.Push(tui.FollowMsg{Scenario: "login", Step: 4}, false) // ann has not heard yet
	got := rmTestDrain(a)
	if len(got) != 1 || got[0] != (tui.FollowMsg{Scenario: "login", Step: 2, Run: 1}) {
		t.Fatalf("the attendee got %v, want bob's step 2 in run 1 (a take-over continues the run)", got)
	}
	ann.Leave() // not the leader: nothing is released
	if !a.Following() {
		t.Fatal("another instructor's leaving released the room")
	}
	// Namesakes: two sessions of one instructor account.
	i1, i2 := r.Join(Who{User: "instructor", Instructor: true}), r.Join(Who{User: "instructor", Instructor: true})
	i1.Lead(tui.FollowMsg{}, false)
	if st := i2.Status(tui.FollowMsg{}); !st.Namesake || st.You || st.Leader != "instructor" {
		t.Fatalf("a namesake's status %+v", st)
	}
	// A user name is shown to others only as printable text.
	evil := r.Join(Who{User: "\x1b]0;pwn\x07eve\x1b[2J", Instructor: true})
	evil.Lead(tui.FollowMsg{}, false)
	if st := bob.Status(tui.FollowMsg{}); st.Leader != "eve" {
		t.Fatalf("the leader's name %q, want the printable part", st.Leader)
	}
}

// Answers count once per user name and step: two sessions of one
// attendee, or a reconnect, replace each other. Only answers under the
// room's what-if, in its run, count; a reset empties the step's count and
// tells the followers; a lesson opened anew starts from zero.
func TestRoomCounts(t *testing.T) {
	r := NewRoom()
	in := r.Join(Who{User: "teacher", Instructor: true})
	a1, a2, b := r.Join(Who{User: "ada"}), r.Join(Who{User: "ada"}), r.Join(Who{User: "bob"})
	rot := tui.WhatIf{Set: "rotation=false"}
	in.Lead(tui.FollowMsg{Scenario: "login", Step: 1, WhatIf: rot}, true)
	at := tui.FollowMsg{Scenario: "login", Step: 1, WhatIf: rot, Run: 1}
	a1.Answer(at, 1)
	a2.Answer(at, 2) // ada again, in another session: replaces
	b.Answer(at, 2)
	b.Answer(tui.FollowMsg{Scenario: "login", Step: 1, Run: 1}, 3)      // under the lesson's own policy: not counted
	b.Answer(tui.FollowMsg{Scenario: "login", Step: 1, WhatIf: rot}, 3) // an earlier run: not counted
	count := func() []int { return in.Status(tui.FollowMsg{Scenario: "login", Step: 1, WhatIf: rot}).Answers }
	if got := count(); len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Fatalf("counts %v, want [0 2]: ada once, bob once", got)
	}
	if got := in.Status(tui.FollowMsg{Scenario: "login", Step: 1}).Answers; len(got) != 0 {
		t.Fatalf("an answer under the lesson's own policy counted: %v", got)
	}
	a1.Leave()
	a3 := r.Join(Who{User: "ada"}) // ada reconnects and answers again
	a3.Answer(at, 1)
	if got := count(); got[0] != 1 || got[1] != 1 {
		t.Fatalf("after ada's reconnect: %v, want [1 1]", got)
	}
	rmTestDrain(b)
	in.ResetAnswers("login", 1)
	if got := count(); len(got) != 0 {
		t.Fatalf("after a reset: %v", got)
	}
	if got := rmTestDrain(b); len(got) != 1 || got[0] != (tui.FollowMsg{Scenario: "login", Step: 1, WhatIf: rot, Run: 1, Reset: 1}) {
		t.Fatalf("the follower got %v, want the step again with Reset 1", got)
	}
	b.Answer(at, 3)
	if got := count(); len(got) != 3 || got[2] != 1 {
		t.Fatalf("an answer after the reset: %v", got)
	}
	in.Push(tui.FollowMsg{Scenario: "login", Step: 1, WhatIf: rot}, true) // opened anew
	if got := count(); len(got) != 0 {
		t.Fatalf("a new run starts with counts %v", got)
	}
	b.Answer(at, 3) // given in run 1
	if got := count(); len(got) != 0 {
		t.Fatalf("an answer of the earlier run counted: %v", got)
	}
}

// A broadcast reaches every attendee (not the instructors' mailboxes),
// cleaned; a late joiner gets it; the next step ends it, and a broadcast
// still waiting in a mailbox is not delivered after the step.
func TestRoomBroadcast(t *testing.T) {
	r := NewRoom()
	in := r.Join(Who{User: "teacher", Instructor: true})
	a := r.Join(Who{User: "ada"})
	in.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
	rmTestDrain(a)
	in.Broadcast("\x1b[31m5-minute\x1b[0m\tbreak\x07")
	want := tui.BroadcastMsg{From: "teacher", Text: "5-minute break"}
	if got := rmTestDrain(a); len(got) != 1 || got[0] != want {
		t.Fatalf("the attendee got %v, want %v", got, want)
	}
	if st := in.Status(tui.FollowMsg{}); st.Broadcast != "5-minute break" {
		t.Fatalf("the instructor's status: %+v", st)
	}
	late := r.Join(Who{User: "bob"})
	if got := rmTestDrain(late); len(got) != 2 || got[1] != want {
		t.Fatalf("a late joiner got %v, want the step and the message", got)
	}
	a.Broadcast("attendees cannot") // ignored
	in.Broadcast("look at the Attacker tab")
	in.Push(tui.FollowMsg{Scenario: "login", Step: 2}, false)
	if got := rmTestDrain(a); len(got) != 1 || got[0].(tui.FollowMsg).Step != 2 {
		t.Fatalf("after a step the attendee got %v, want only the step", got)
	}
	if st := in.Status(tui.FollowMsg{}); st.Broadcast != "" {
		t.Fatalf("the broadcast outlived the step: %+v", st)
	}
	if got := rmTestDrain(r.Join(Who{User: "cy"})); len(got) != 1 {
		t.Fatalf("a joiner after the step got %v", got)
	}
}

// A lead continues the room's run only when it takes the lead from
// another instructor who leads at that lesson: an instructor who leads
// again after a release, or after reconnecting, with the lesson opened
// anew starts a new run, counted from zero.
func TestRoomLeadAgainStartsANewRun(t *testing.T) {
	r := NewRoom()
	ann, bob := r.Join(Who{User: "ann", Instructor: true}), r.Join(Who{User: "bob", Instructor: true})
	a := r.Join(Who{User: "cy"})
	ann.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
	a.Answer(tui.FollowMsg{Scenario: "login", Step: 1, Run: 1}, 2)
	bob.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true) // takes over from ann: run 1 goes on
	if got := bob.Status(tui.FollowMsg{Scenario: "login", Step: 1}).Answers; len(got) != 2 {
		t.Fatalf("a take-over lost the run's counts: %v", got)
	}
	bob.Release()
	bob.Leave()
	again := r.Join(Who{User: "bob", Instructor: true}) // bob reconnects and leads the lesson anew
	rmTestDrain(a)
	again.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
	if got := again.Status(tui.FollowMsg{Scenario: "login", Step: 1}).Answers; len(got) != 0 {
		t.Fatalf("a new lead after a release kept the old run's counts: %v", got)
	}
	if got := rmTestDrain(a); len(got) != 1 || got[0].(tui.FollowMsg).Run != 2 {
		t.Fatalf("the attendee got %v, want the step in run 2", got)
	}
	ann.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true) // from a leader at the lesson: continues
	if got := rmTestDrain(a); len(got) != 1 || got[0].(tui.FollowMsg).Run != 2 {
		t.Fatalf("a take-over got %v, want run 2 continued", got)
	}
	ann.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true) // ann leads already: her lesson anew
	if got := rmTestDrain(a); len(got) != 1 || got[0].(tui.FollowMsg).Run != 3 {
		t.Fatalf("the leader's own lead got %v, want run 3", got)
	}
	again.Lead(tui.FollowMsg{Scenario: "token", Step: 1}, false) // continuing what bob pushed, but the room has moved on
	if got := rmTestDrain(a); len(got) != 1 || got[0].(tui.FollowMsg).Run != 4 {
		t.Fatalf("a lead at another lesson got %v, want run 4", got)
	}
}

// A lead from the picker pushes nothing, and leaves no step behind: a
// newcomer is not sent where no instructor is, and attendees do not count
// as following (exempt from the idle timeout) until a lesson is pushed.
func TestRoomLeadFromThePickerClearsTheTarget(t *testing.T) {
	r := NewRoom()
	ann, bob := r.Join(Who{User: "ann", Instructor: true}), r.Join(Who{User: "bob", Instructor: true})
	a := r.Join(Who{User: "cy"})
	ann.Lead(tui.FollowMsg{Scenario: "login", Step: 3}, true)
	if !a.Following() {
		t.Fatal("the attendee of a led lesson does not follow")
	}
	bob.Lead(tui.FollowMsg{}, false) // at the picker
	if a.Following() {
		t.Fatal("the attendee follows while the leader is at the picker")
	}
	late := r.Join(Who{User: "dee"})
	if got := rmTestDrain(late); len(got) != 0 {
		t.Fatalf("a newcomer got %v, want nothing: no instructor is at a step", got)
	}
	a.Answer(tui.FollowMsg{Scenario: "login", Step: 3, Run: 1}, 1)
	if got := bob.Status(tui.FollowMsg{Scenario: "login", Step: 3}).Answers; len(got) != 0 {
		t.Fatalf("an answer counted while nothing is pushed: %v", got)
	}
	bob.Push(tui.FollowMsg{Scenario: "token", Step: 1}, true)
	if !a.Following() || len(rmTestDrain(late)) != 1 {
		t.Fatal("the lesson opened next did not lead the room")
	}
}

// A release, or the leader leaving, ends the broadcast: a newcomer to the
// unled room does not read the leader's "break", and a message still in a
// mailbox is not delivered after the release.
func TestRoomReleaseEndsTheBroadcast(t *testing.T) {
	for _, leave := range []bool{false, true} {
		r := NewRoom()
		in := r.Join(Who{User: "teacher", Instructor: true})
		a := r.Join(Who{User: "ada"})
		in.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
		rmTestDrain(a)
		in.Broadcast("break")
		if leave {
			in.Leave()
		} else {
			in.Release()
		}
		if got := rmTestDrain(a); len(got) != 1 {
			t.Fatalf("leave %v: the attendee got %v, want only the release", leave, got)
		}
		if got := rmTestDrain(r.Join(Who{User: "bob"})); len(got) != 0 {
			t.Fatalf("leave %v: a newcomer got %v", leave, got)
		}
	}
}
