package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// At 80 columns the instructor's line keeps what answers the last key
// (the note) and the count's total: the line is cut at the terminal's
// width, and they come before the words that only label. A wide terminal
// keeps the whole line as it was.
func TestRoomInstructorLineAt80(t *testing.T) {
	a, room := sshTestApp(t, true, "login")
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.press("F", "l")
	room.status.Attendees, room.status.Answers = 2, []int{1, 1, 0}
	a.send(RoomChangedMsg{})
	a.press("Z")
	h := a.header()
	for _, want := range []string{"leading the room", "count reset: followers may answer again", "(2 answered)"} {
		if !strings.Contains(h, want) {
			t.Errorf("at 80 columns after Z the line lacks %q: %q", want, h)
		}
	}
	a.press("B")
	ldTestType(a, "5-minute break")
	a.press("enter")
	h = a.header()
	for _, want := range []string{"sent: on screens until your next step", "(2 answered)"} {
		if !strings.Contains(h, want) {
			t.Errorf("at 80 columns after B the line lacks %q: %q", want, h)
		}
	}
	a.send(tea.WindowSizeMsg{Width: 200, Height: 30})
	if h := a.header(); !strings.Contains(h, "instructor · 2 attendees connected · leading the room · quiz: 1) 1  2)✓ 1  3) 0 (2 answered)") {
		t.Errorf("the wide line: %q", h)
	}
}

// Z and B from an instructor who does not lead say only what holds: a
// reset is sent to followers only at the leader's step, and a message
// ends at the leader's next step, not this instructor's.
func TestRoomNotesOfANonLeader(t *testing.T) {
	a, room := sshTestApp(t, true, "login")
	room.status = RoomStatus{Attendees: 2, Leading: true, Leader: "bob"}
	a.send(RoomChangedMsg{})
	a.press("l", "Z")
	if n := a.root().room.note; n != "count reset for this step" {
		t.Errorf("Z from a non-leader: note %q", n)
	}
	a.press("B")
	ldTestType(a, "break")
	a.press("enter")
	if n := a.root().room.note; n != "sent: on screens until bob's next step" {
		t.Errorf("B while bob leads: note %q", n)
	}
	room.status.Leading, room.status.Leader = false, ""
	a.send(RoomChangedMsg{})
	a.press("B", "enter")
	if n := a.root().room.note; n != "sent: on screens until the room's next step" {
		t.Errorf("B while no one leads: note %q", n)
	}
}

// A release ends the leader's message on the attendee's line too.
func TestRoomReleaseEndsTheMessage(t *testing.T) {
	f, _ := sshTestApp(t, false, "")
	f.send(FollowMsg{Scenario: "login", Step: 1})
	f.send(BroadcastMsg{From: "ann", Text: "5-minute break"})
	f.send(ReleaseMsg{LeaderLeft: true})
	if h := f.header(); strings.Contains(h, "break") || !strings.Contains(h, "the instructor left") {
		t.Fatalf("after the leader left: %q", h)
	}
}
