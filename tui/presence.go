package tui

// Presence is where a session stands, as the instructor's overview
// (overview.go) lists it. The root model reports it to the room after a
// message changed it (Model.report); the room keeps the latest per session.
type Presence struct {
	Place    Place
	Scenario string // the lesson's or the challenge's id; "" at the picker and in the sandbox
	Step     int    // the lesson's step as its header numbers it: 0 before the first
	Steps    int    // how many steps the lesson has
	Quiz     bool   // the step shown asks a quiz
	Answered bool   // … and this session answered it
	// Following: the session's screen is the instructor's (the room is
	// led and the attendee did not step away). Away: the room is led and
	// the attendee stepped away. Neither: no one leads, everyone explores.
	Following, Away bool
}

// Place is the kind of screen a session shows.
type Place int

// The places a session can be.
const (
	AtPicker Place = iota
	InLesson
	InSandbox
	InChallenge
)

// Attendee is one attendee session as the room lists it for the overview:
// its name (the SSH user name, or the display name the attendee set) and
// where it stands.
type Attendee struct {
	Name string
	Presence
}

// PresenceRoom is the part of Room that knows who is where: each session
// reports its presence, an attendee may name itself, and the instructor's
// overview lists the attendees.
type PresenceRoom interface {
	// Report tells the room where this session stands now. The model
	// calls it only when that changed: a room has many sessions.
	Report(Presence)
	// SetName sets the name this session's user shows in the room (a
	// display name, sanitised again by the room with DisplayName; ""
	// reverts to the user name) and returns the name now shown. The room
	// keeps it for this user and credential, so it survives a reconnect.
	SetName(name string) string
	// Name is the name this session's user shows in the room.
	Name() string
	// Attendees lists the room's attendee sessions (instructors only; an
	// attendee gets nil).
	Attendees() []Attendee
}

// presence is where this session stands now.
func (m *Model) presence() Presence {
	p := Presence{Following: m.room.following(), Away: m.room.led && m.room.away}
	if m.screen != screenPlayer || m.player == nil {
		return p
	}
	switch pl := m.player.(type) {
	case *lesson:
		t := &pl.tl
		p.Place, p.Scenario, p.Step, p.Steps = InLesson, t.id, t.cur+1, len(t.steps)
		if t.cur >= 0 && t.cur < len(t.steps) && t.steps[t.cur].Text.Quiz != nil {
			p.Quiz, p.Answered = true, t.answered[t.cur] != 0
		}
	case *challenge:
		p.Place, p.Scenario = InChallenge, pl.ch.ID
	case *sandbox:
		p.Place = InSandbox
	}
	return p
}

// report tells the room where the session stands, if that changed since
// it last said.
func (m Model) report() Model {
	if m.opts.Room == nil {
		return m
	}
	if p := m.presence(); !m.ws.reported || p != m.ws.last {
		m.ws.last, m.ws.reported = p, true
		m.opts.Room.Report(p)
	}
	return m
}

// workshopState is the rest of the model's workshop state (room.go and
// follow.go hold the room's own): what it last reported, the instructor's
// overview, the display name prompt, and what a pull kept.
type workshopState struct {
	last     Presence // the presence last reported
	reported bool     // last was reported to this session's room

	overview *overview   // the instructor's overview, while open (overview.go)
	naming   *namePrompt // the display name prompt, while open (name.go)

	kept     screen // what the attendee was doing when the room took its screen (pull.go)
	followed screen // the lesson the room moves, once it moved one (pull.go)
	stepAway string // x's own help, while keptHelp names the kept screen instead
}
