package workshop

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A scripted room over real SSH: two instructors sharing the account
// "instructor" and three attendee sessions (ada twice, bob). One leads;
// the what-if goes with the step; answers count once per user name and
// the count resets; a broadcast shows until the next step; the second
// instructor takes over only after saying yes, and the first is told.
func TestSSHRoomLeadWhatIfCountsBroadcast(t *testing.T) {
	ctx := sshTestCtx(t, 120*time.Second)
	srv, addr := sshTestServer(t, Config{Auth: Auth{InstructorPassword: "lead"}})
	open := func(user string, auth ...gossh.AuthMethod) *sshTestTerm {
		return sshTestOpen(t, sshTestDial(t, srv, addr, user, auth...), 120, 30)
	}
	anyPassword := gossh.Password("whatever") // an open room: any password is an attendee's
	ada1, ada2, bob := open("ada", anyPassword), open("ada", anyPassword), open("bob", anyPassword)
	attendees := []*sshTestTerm{ada1, ada2, bob}
	for _, a := range attendees {
		a.waitFor(ctx, "pick a lesson")
	}
	i1 := open(InstructorUser, gossh.Password("lead"))
	i1.waitFor(ctx, "3 attendees connected · not leading")
	i1.press("\r") // the login lesson
	i1.waitFor(ctx, "take the first step")
	i1.press("F")
	i1.waitFor(ctx, "leading the room")
	for _, a := range attendees {
		a.waitFor(ctx, "following the instructor")
	}

	// The second instructor sees who leads, never "leading" or "not leading".
	i2 := open(InstructorUser, gossh.Password("lead"))
	i2.waitFor(ctx, "instructor (another session) leads the room")

	// The what-if goes with the step.
	i1.press("w")
	i1.waitFor(ctx, "What if")
	i1.press("1")
	i1.waitFor(ctx, "refresh-token rotation")
	i1.press("2") // off
	i1.press("l")
	for _, a := range attendees {
		a.waitFor(ctx, "what-if: refresh-token rotation off")
		a.waitFor(ctx, "press 1–3 to answer")
	}

	// One answer per user name: ada's second session replaces her first.
	ada1.press("2")
	i1.waitFor(ctx, "quiz: 1) 0 2)✓ 1 3) 0 (1 answered)")
	ada2.press("1")
	i1.waitFor(ctx, "quiz: 1) 1 2)✓ 0 3) 0 (1 answered)")
	bob.press("2")
	i1.waitFor(ctx, "quiz: 1) 1 2)✓ 1 3) 0 (2 answered)")

	// Z resets the count; the followers may answer again. The note
	// makes the line too long for 120 columns: it comes first, and the
	// count's total before the counts.
	i1.press("Z")
	i1.waitFor(ctx, "count reset: followers may answer again · quiz (0 answered): 1) 0 2)✓ 0 3) 0")
	bob.waitFor(ctx, "press 1–3 to answer")
	bob.press("3")
	i1.waitFor(ctx, "quiz (1 answered): 1) 0 2)✓ 0 3) 1")

	// A broadcast. The escape sequence typed in it never reaches the
	// other screens: the program's input reader takes it for a key (the
	// room's own cleaning, CleanBroadcast, is tested in TestRoomBroadcast).
	i1.press("B")
	i1.waitFor(ctx, "message the room:")
	i1.press("5-minute\x1b[2J break\r")
	for _, a := range attendees {
		a.waitFor(ctx, "message from instructor: 5-minute break")
	}
	late := open("cy", anyPassword)
	late.waitFor(ctx, "message from instructor: 5-minute break")

	// The second instructor, in the lesson too, asks, says no, then
	// takes over.
	i2.press("\r")
	// Progress is kept by Who: the same user name, the same credential
	// (the shared password) and role, so i1's place is offered.
	i2.waitFor(ctx, "You left this lesson at step 1")
	i2.press("2") // start over
	i2.waitFor(ctx, "take the first step")
	i2.press("F")
	i2.waitFor(ctx, "take the lead from instructor (another session)? y yes · n/esc no")
	i2.press("n")
	i2.waitFor(ctx, "the lead stays where it is")
	i2.press("F")
	i2.waitFor(ctx, "take the lead from")
	i2.press("y")
	i2.waitFor(ctx, "leading the room")
	i1.waitFor(ctx, "instructor (another session) took over the lead")
	// The room now runs under the new leader's policy (no what-if), at
	// the new leader's step; the next step ends the broadcast.
	i2.press("l")
	i2.waitFor(ctx, "press 1–3 to answer")
	i2.press("2") // the instructor answers too, to move on (not counted)
	i2.press("l")
	for _, a := range attendees {
		a.waitFor(ctx, "2. The app uses the access token")
		if s := a.screen(); strings.Contains(s, "5-minute break") || strings.Contains(s, "what-if: refresh-token") {
			t.Errorf("after the new leader's step the attendee still shows the message or the old what-if:\n%s", s)
		}
	}
}
