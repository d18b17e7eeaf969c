package tui

// Room is the workshop a session plays in, as the root model sees it: the
// model reports to it and the room's news arrives back as messages
// (FollowMsg, ReleaseMsg, RoomChangedMsg) sent to the session's program.
// Each session gets its own Room value, so the room knows who is calling.
// The tui package defines it and knows nothing of SSH: package workshop
// implements it.
//
// Steps are numbered as the player's header shows them: 1 is the first
// step, 0 is before it.
type Room interface {
	// Answer records this session's answer (1-based option) to the quiz
	// of a lesson's step. The model calls it only for an answer given
	// while following the instructor: those are the room's predictions.
	// A later answer to the same step replaces it.
	Answer(scenario string, step, choice int)
	// Lead pushes every attendee to a lesson and step (instructor only).
	Lead(scenario string, step int)
	// Release lets the room explore alone (instructor only).
	Release()
	// Status is what the instructor's panel shows for a lesson's step.
	Status(scenario string, step int) RoomStatus
	// Who is where, by name (presence.go).
	PresenceRoom
}

// RoomStatus is the room at a glance, for the instructor.
type RoomStatus struct {
	Attendees int   // connected attendee sessions (the instructors not counted)
	Leading   bool  // the room follows an instructor
	Answers   []int // Answers[i] is how many attendees chose option i+1 while following, those since gone included
}

// FollowMsg moves a following attendee to a lesson's step.
type FollowMsg struct {
	Scenario string
	Step     int
}

// ReleaseMsg tells an attendee the room is no longer led: the instructor
// released it, or (LeaderLeft) the instructor who led it left.
type ReleaseMsg struct {
	LeaderLeft bool
}

// RoomChangedMsg tells an instructor that attendees came, went or
// answered: the panel asks the room again.
type RoomChangedMsg struct{}
