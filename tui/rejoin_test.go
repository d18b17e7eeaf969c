package tui

import (
	"strings"
	"testing"
)

// A reconnecting attendee gets the same world under the new session's
// room: the lesson, its step and answers are the same values, and the top
// line no longer says "following" until the new room sends them where
// the instructor is.
func TestRejoinAttendee(t *testing.T) {
	a, old := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: sshTestQuizStep})
	a.press("2") // answers the quiz, counted by the old room
	before := a.lesson()
	fresh := &sshTestRoom{status: RoomStatus{Attendees: 4}}
	a.m = a.root().Rejoin(fresh)
	if a.lesson() != before || a.pl().tl.cur != sshTestQuizStep-1 || a.pl().tl.answered[sshTestQuizStep-1] != 2 {
		t.Fatalf("rejoined: lesson %q index %d answer %d, want the same lesson at index %d answered 2",
			a.pl().tl.id, a.pl().tl.cur, a.pl().tl.answered[a.pl().tl.cur], sshTestQuizStep-1)
	}
	if h := a.header(); strings.Contains(h, "following") {
		t.Fatalf("rejoined before the new room spoke, the top line is stale: %q", h)
	}
	a.press("h") // not led: the attendee moves alone
	if a.pl().tl.cur != sshTestQuizStep-2 {
		t.Fatalf("rejoined an unled room, h: index %d, want %d", a.pl().tl.cur, sshTestQuizStep-2)
	}
	a.send(FollowMsg{Scenario: "login", Step: 2}) // the new room's Join
	if a.pl().tl.cur != 1 || !strings.Contains(a.header(), "following the instructor") {
		t.Fatalf("the new room's follow: index %d, header %q", a.pl().tl.cur, a.header())
	}
	a.press("x")
	if len(old.answers) != 1 || len(fresh.answers) != 0 {
		t.Fatalf("answers: old room %v, new room %v", old.answers, fresh.answers)
	}
}

// A reconnecting instructor who led finds "not leading" and the new
// room's status; steps are not pushed until F takes the lead again, and
// then to the new room only.
func TestRejoinInstructor(t *testing.T) {
	a, old := sshTestApp(t, true, "login")
	a.press("F", "l")
	if len(old.leads) != 2 {
		t.Fatalf("leading, pushed %v", old.leads)
	}
	fresh := &sshTestRoom{status: RoomStatus{Attendees: 5}}
	a.m = a.root().Rejoin(fresh)
	if h := a.header(); !strings.Contains(h, "instructor · 5 attendees connected · not leading") {
		t.Fatalf("rejoined, the instructor's line: %q", h)
	}
	if a.pl().tl.cur != 0 {
		t.Fatalf("rejoined at index %d, want 0", a.pl().tl.cur)
	}
	a.press("1", "l") // the quiz answered, the next step
	if a.pl().tl.cur != 1 {
		t.Fatalf("1, l: index %d, want 1", a.pl().tl.cur)
	}
	if len(fresh.leads) != 0 {
		t.Fatalf("not leading, a step was pushed: %v", fresh.leads)
	}
	a.press("F")
	if want := (FollowMsg{Scenario: "login", Step: 2}); len(fresh.leads) != 1 || fresh.leads[0] != want || len(old.leads) != 2 {
		t.Fatalf("F after rejoining: new room %v (want [%v]), old room %v", fresh.leads, want, old.leads)
	}
	if !strings.Contains(a.header(), "leading the room") || strings.Contains(a.header(), "not leading") {
		t.Fatalf("F after rejoining: %q", a.header())
	}
}

// The sandbox is the same world after a reconnect: the same steps.
func TestRejoinSandbox(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.press("s")
	a.press("i", "r")
	sb, steps := a.sb(), len(a.sb().tl.steps)
	a.m = a.root().Rejoin(&sshTestRoom{})
	if a.sb() != sb || len(a.sb().tl.steps) != steps || steps != 2 {
		t.Fatalf("rejoined: sandbox %p (was %p), %d steps (was %d, want 2)", a.sb(), sb, len(a.sb().tl.steps), steps)
	}
}

// An attendee who had stepped away and moved on alone keeps their step
// on reconnecting to a room still led: the new room's Join tells them
// where the instructor is, and f follows again. Once the room is no
// longer led, a reconnect is not away from anything: the next lead moves
// them.
func TestRejoinAwayKeepsStep(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	at := FollowMsg{Scenario: "login", Step: sshTestQuizStep}
	a.send(at)
	a.press("x", "2", "l") // away: answers, then takes the next step alone
	if a.pl().tl.cur != sshTestQuizStep {
		t.Fatalf("away, l: index %d, want %d", a.pl().tl.cur, sshTestQuizStep)
	}
	a.m = a.root().Rejoin(&sshTestRoom{status: RoomStatus{Leading: true}})
	a.send(at) // the new room's Join
	if a.pl().tl.cur != sshTestQuizStep || !strings.Contains(a.header(), "stepped away") {
		t.Fatalf("rejoined a led room: index %d, header %q; want their own step, stepped away", a.pl().tl.cur, a.header())
	}
	a.press("f")
	if a.pl().tl.cur != sshTestQuizStep-1 {
		t.Fatalf("f: index %d, want the instructor's", a.pl().tl.cur)
	}

	b, _ := sshTestApp(t, false, "")
	b.send(at)
	b.press("x")
	b.m = b.root().Rejoin(&sshTestRoom{}) // the room is no longer led
	b.send(FollowMsg{Scenario: "login", Step: 2})
	if b.pl().tl.cur != 1 || !strings.Contains(b.header(), "following the instructor") {
		t.Fatalf("rejoined an unled room, then led: index %d, header %q", b.pl().tl.cur, b.header())
	}
}

// The instructor who reconnects and leads again (F) with the lesson they
// pushed still open continues its run, as after a release: the room is
// where they left it, counts included. A lesson opened anew starts one.
func TestRejoinInstructorContinuesTheRun(t *testing.T) {
	a, _ := sshTestApp(t, true, "login")
	a.press("F", "l")
	fresh := &sshTestRoom{}
	a.m = a.root().Rejoin(fresh)
	a.press("F")
	if len(fresh.runs) != 1 || fresh.runs[0] {
		t.Fatalf("F after a reconnect: runs %v, want one lead continuing the run", fresh.runs)
	}
	a.press("esc", "enter") // the lesson anew
	if len(fresh.runs) != 2 || !fresh.runs[1] {
		t.Fatalf("the lesson opened anew: runs %v, want a new run", fresh.runs)
	}
}
