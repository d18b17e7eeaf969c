package tui

// Room is the workshop a session plays in, as the root model sees it: the
// model reports to it and the room's news arrives back as messages
// (FollowMsg, ReleaseMsg, BroadcastMsg, RoomChangedMsg) sent to the
// session's program. Each session gets its own Room value, so the room
// knows who is calling. The tui package defines it and knows nothing of
// SSH: package workshop implements it.
//
// Steps are numbered as the player's header shows them: 1 is the first
// step, 0 is before it.
type Room interface {
	// Answer records this session's answer (1-based option) to the quiz
	// of a lesson's step, given under the what-if at.WhatIf in the run
	// at.Run. The model calls it only for an answer given while
	// following the instructor: those are the room's predictions. The
	// room counts one answer per attendee (by user name) per step: a
	// later answer replaces it. An answer given under another policy
	// than the instructor's, or in an earlier run, is not counted.
	Answer(at FollowMsg, choice int)
	// Lead makes this session the one that leads (instructor only),
	// taking the lead from another instructor if one leads, and pushes
	// every attendee to the lesson, step and what-if of to. run says the
	// instructor opened the lesson anew: its quiz counts start from zero
	// (a take-over at the lesson the room is at continues the run).
	Lead(to FollowMsg, run bool)
	// Push moves the room to to while this session leads; it does
	// nothing if another instructor took the lead meanwhile.
	Push(to FollowMsg, run bool)
	// Release lets the room explore alone (the instructor who leads).
	Release()
	// ResetAnswers forgets the answers to the quiz of a step in the
	// current run (instructor only); followers at that step may answer
	// again.
	ResetAnswers(scenario string, step int)
	// Broadcast shows text on every attendee's top line until the next
	// step the room is pushed to (instructor only); "" clears it. The
	// room keeps printable text only (CleanBroadcast).
	Broadcast(text string)
	// Status is what the instructor's panel shows for a lesson's step
	// under a what-if.
	Status(at FollowMsg) RoomStatus
	// Who is where, by name (presence.go).
	PresenceRoom
}

// RoomStatus is the room at a glance, for the instructor.
type RoomStatus struct {
	Attendees int  // connected attendee sessions (the instructors not counted)
	Leading   bool // the room follows an instructor
	// Leader names the instructor who leads ("" when no one does); You
	// says it is this session, and Namesake that it is another session
	// logged in under this session's user name (two instructors may share
	// one account).
	Leader   string
	You      bool
	Namesake bool
	// Answers[i] is how many attendees chose option i+1 while following,
	// in this run and under this what-if, those since gone included.
	Answers []int
	// Broadcast is the message on the attendees' top line, "" for none.
	Broadcast string
}

// FollowMsg moves a following attendee to a lesson's step, under the
// instructor's what-if. Every field is a value: one FollowMsg is sent to
// every session of the room.
type FollowMsg struct {
	Scenario string
	Step     int
	WhatIf   WhatIf
	// Run numbers the room's runs of lessons: a new run clears the
	// attendee's answers to the lesson. Reset numbers the instructor's
	// resets of quiz counts: a new one clears the answer to the step.
	Run, Reset int
}

// WhatIf is a what-if as the room passes it around: strings only, so that
// it is comparable and safe to share between sessions. The zero WhatIf is
// the lesson's own policy.
type WhatIf struct {
	Preset  string
	Storage string
	// Set is the knob settings in the order applied, "key=value" joined
	// by ",": the knobs' keys and values (knobChoices) hold neither.
	Set string
}

// ReleaseMsg tells an attendee the room is no longer led: the instructor
// released it, or (LeaderLeft) the instructor who led it left.
type ReleaseMsg struct {
	LeaderLeft bool
}

// BroadcastMsg is an instructor's message to the room, shown on an
// attendee's top line until the next step; Text "" clears it. From names
// the instructor. Both are printable text (CleanBroadcast).
type BroadcastMsg struct {
	From, Text string
}

// RoomChangedMsg tells an instructor that attendees came, went or
// answered, or that the lead changed: the panel asks the room again.
type RoomChangedMsg struct{}
