package workshop

import (
	"slices"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/tui"
)

// sshTestOwed reports whether a RoomChangedMsg is owed to m, and clears it.
func sshTestOwed(m *Member) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	owed := m.changed
	m.changed = false
	return owed
}

// A session's presence is kept by the room; the instructors are told when
// it changes, not when it is said again; the overview lists attendees
// only, by name, and only to an instructor.
func TestRoomPresence(t *testing.T) {
	r := NewRoom()
	in := r.Join(Who{User: "teacher", Instructor: true})
	a, b := r.Join(Who{User: "ann"}), r.Join(Who{User: "bob"})
	sshTestOwed(in)
	at := tui.Presence{Place: tui.InLesson, Scenario: "login", Step: 2, Steps: 9, Quiz: true, Answered: true, Following: true}
	a.Report(at)
	if !sshTestOwed(in) {
		t.Fatal("a new presence: the instructor was not told")
	}
	a.Report(at)
	if sshTestOwed(in) {
		t.Fatal("the same presence again: the instructor was told")
	}
	in.Report(tui.Presence{Place: tui.InLesson, Scenario: "login", Step: 2})
	if sshTestOwed(in) {
		t.Fatal("an instructor's own presence told the instructors")
	}
	got := in.Attendees()
	slices.SortFunc(got, func(x, y tui.Attendee) int { return strings.Compare(x.Name, y.Name) })
	want := []tui.Attendee{{Name: "ann", Presence: at}, {Name: "bob"}}
	if !slices.Equal(got, want) {
		t.Fatalf("attendees %+v, want %+v", got, want)
	}
	if a.Attendees() != nil {
		t.Fatal("an attendee got the room's list")
	}
	b.Leave()
	b.Report(at) // a late report from a session that left
	if n := len(in.Attendees()); n != 1 {
		t.Fatalf("after a leave and its late report: %d attendees, want 1", n)
	}
}

// An attendee who stepped away is not following (the idle rule's
// question); one who follows again is.
func TestRoomFollowingAway(t *testing.T) {
	r := NewRoom()
	in := r.Join(Who{User: "teacher", Instructor: true})
	a := r.Join(Who{User: "ann"})
	if a.Following() {
		t.Fatal("following an unled room")
	}
	in.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
	if !a.Following() || in.Following() {
		t.Fatalf("led: attendee following %v, instructor following %v", a.Following(), in.Following())
	}
	a.Report(tui.Presence{Place: tui.InSandbox, Away: true})
	if a.Following() {
		t.Fatal("an attendee who stepped away counts as following")
	}
	a.Report(tui.Presence{Place: tui.InLesson, Scenario: "login", Step: 1, Following: true})
	if !a.Following() {
		t.Fatal("following again, not following")
	}
}

// A display name is kept by who set it: a reconnect with the same
// credential shows it, another credential under the same user name does
// not; it is sanitised by the room too; "" reverts to the user name.
func TestRoomDisplayName(t *testing.T) {
	r := NewRoom()
	in := r.Join(Who{User: "teacher", Instructor: true})
	a := r.Join(Who{User: "ann", Credential: "key SHA256:ann"})
	sshTestOwed(in)
	if got := a.SetName("  Ann \x1b[2J\x1b]0;pwned\a B.  "); got != "Ann B." {
		t.Fatalf("SetName gave %q", got)
	}
	if !sshTestOwed(in) {
		t.Fatal("a new name: the instructor was not told")
	}
	a.Leave()
	if other := r.Join(Who{User: "ann", Credential: "password"}); other.Name() != "ann" {
		t.Fatalf("another credential under the same user name shows %q", other.Name())
	} else {
		other.Leave()
	}
	again := r.Join(Who{User: "ann", Credential: "key SHA256:ann"})
	if got := again.Name(); got != "Ann B." {
		t.Fatalf("after a reconnect the name is %q", got)
	}
	if l := in.Attendees(); len(l) != 1 || l[0].Name != "Ann B." {
		t.Fatalf("the overview lists %+v", l)
	}
	if got := again.SetName(" \t "); got != "ann" {
		t.Fatalf("an empty name gave %q, want the user name", got)
	}
	odd := r.Join(Who{User: "\x1b[31m"})
	if got := odd.Name(); got != "an attendee" { // nothing printable is left
		t.Fatalf("a user name with an escape shows as %q", got)
	}
}
