package workshop

import (
	"errors"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The scripted room of issue 16's "Done when", over real SSH, in the
// order a workshop runs: one instructor (teacher), a second one (ines),
// three attendees (ada, bob, cy; ada also on a second terminal), each
// with a key of their own.
//
//  1. A full room: the attendees fill the attendee places, one more
//     attendee (dan) is refused with the room-full line, and the
//     instructors still get in.
//  2. One lead at a time: teacher leads; ines sees who leads, asks before
//     taking over, and teacher's top line says so; the lead goes back.
//  3. The what-if goes with the step; followers' answers under it are
//     counted on the instructor's line, once per user name; Z resets.
//  4. A broadcast shows on every attendee's top line until the next step.
//  5. The overview (W) lists the three attendees, one by the display
//     name set at the picker (N), with their step and answer.
//  6. An attendee who stepped away and moved on drops the connection and
//     reconnects: same lesson, step and answer, still away.
//
// Two instructor slots are kept: both instructors are in while the
// attendee places are full (with one kept, the second instructor is
// refused a full room: TestSSHInstructorGetsIntoAFullRoom).
func TestSSHScriptedRoom(t *testing.T) {
	ctx := sshTestCtx(t, 90*time.Second)
	log := newSSHTestLog()
	adaKey, adaKey2, bobKey, cyKey, danKey := sshTestKey(t), sshTestKey(t), sshTestKey(t), sshTestKey(t), sshTestKey(t)
	teacherKey, inesKey := sshTestKey(t), sshTestKey(t)
	srv, addr := sshTestServer(t, Config{MaxSessions: 6, InstructorSlots: 2, Logf: log.logf, Auth: Auth{
		AuthorizedKeys: []gossh.PublicKey{adaKey.PublicKey(), adaKey2.PublicKey(), bobKey.PublicKey(), cyKey.PublicKey(), danKey.PublicKey()},
		InstructorKeys: []gossh.PublicKey{teacherKey.PublicKey(), inesKey.PublicKey()},
	}})
	dial := func(user string, key gossh.Signer) *gossh.Client {
		return sshTestDial(t, srv, addr, user, gossh.PublicKeys(key))
	}
	const instructorWidth = 180 // the instructor's line holds the counts and the message

	// 1. The attendee places fill; the next attendee is refused and
	// logged; the instructors get in.
	ada := sshTestOpen(t, dial("ada", adaKey), 100, 30)
	// Her second terminal, with her other key: a second session by the
	// same key would take the first one's place (takeover.go).
	ada2 := sshTestOpen(t, dial("ada", adaKey2), 100, 30)
	bobConn := dial("bob", bobKey)
	bob := sshTestOpen(t, bobConn, 100, 30)
	cy := sshTestOpen(t, dial("cy", cyKey), 100, 30)
	for _, a := range []*sshTestTerm{ada, ada2, bob, cy} {
		a.waitFor(ctx, "pick a lesson")
	}
	cy.press("N")
	cy.waitFor(ctx, "Your name in the room")
	cy.press("Cy Young\r") // typing replaces the user name the prompt shows
	cy.waitFor(ctx, "the room shows you as Cy Young")

	dan := sshTestOpen(t, dial("dan", danKey), 100, 30)
	dan.waitFor(ctx, "tokensim: the room is full (4 attendees): try again in a moment.")
	var exit *gossh.ExitError
	if err := dan.wait(ctx); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("the attendee over the limit ended with %v, want exit status 1", err)
	}
	log.waitFor(ctx, t, `^refused attendee "dan" from .*: the room is full \(4 attendees; 2 places kept for instructors\)$`)

	teacher := sshTestOpen(t, dial("teacher", teacherKey), instructorWidth, 30)
	teacher.waitFor(ctx, "instructor · 4 attendees connected · not leading")
	teacher.press("\r") // the login lesson
	teacher.waitFor(ctx, "take the first step")
	teacher.press("F")
	teacher.waitFor(ctx, "leading the room")
	attendees := []*sshTestTerm{ada, ada2, bob, cy}
	for _, a := range attendees {
		a.waitFor(ctx, "following the instructor")
	}

	// 2. The second instructor sees who leads, is asked before taking
	// over, and the first is told; then the first takes the lead back.
	ines := sshTestOpen(t, dial("ines", inesKey), instructorWidth, 30)
	ines.waitFor(ctx, "instructor · 4 attendees connected · teacher leads the room")
	ines.press("\r")
	ines.waitFor(ctx, "take the first step")
	ines.press("F")
	ines.waitFor(ctx, "take the lead from teacher? y yes · n/esc no")
	ines.press("y")
	ines.waitFor(ctx, "leading the room")
	teacher.waitFor(ctx, "ines took over the lead")
	teacher.press("F")
	teacher.waitFor(ctx, "take the lead from ines?")
	teacher.press("y")
	teacher.waitFor(ctx, "leading the room")
	ines.waitFor(ctx, "teacher took over the lead")

	// 3. The instructor's what-if goes with the step; answers under it
	// count once per user name (ada's second terminal replaces her
	// first's answer); Z resets the count to zero.
	teacher.press("w")
	teacher.waitFor(ctx, "What if")
	teacher.press("1")
	teacher.waitFor(ctx, "refresh-token rotation")
	teacher.press("2") // off
	teacher.press("l")
	for _, a := range attendees {
		a.waitFor(ctx, "what-if: refresh-token rotation off")
		a.waitFor(ctx, "press 1–3 to answer")
	}
	ada.press("2")
	teacher.waitFor(ctx, "quiz: 1) 0 2)✓ 1 3) 0 (1 answered)")
	ada2.press("1")
	teacher.waitFor(ctx, "quiz: 1) 1 2)✓ 0 3) 0 (1 answered)")
	bob.press("3")
	teacher.waitFor(ctx, "quiz: 1) 1 2)✓ 0 3) 1 (2 answered)")
	teacher.press("Z")
	teacher.waitFor(ctx, "quiz: 1) 0 2)✓ 0 3) 0 (0 answered)")
	for _, a := range []*sshTestTerm{ada, bob} {
		a.waitFor(ctx, "press 1–3 to answer")
		a.press("2")
	}
	teacher.waitFor(ctx, "quiz: 1) 0 2)✓ 2 3) 0 (2 answered)")
	ada2.press("\x03") // ada closes her second terminal: ctrl+c quits at once
	if err := ada2.wait(ctx); err != nil {
		t.Fatalf("ada's second session ended with %v after ctrl+c", err)
	}
	teacher.waitFor(ctx, "3 attendees connected")
	attendees = []*sshTestTerm{ada, bob, cy}

	// 4. A broadcast, on every attendee's top line.
	teacher.press("B")
	teacher.waitFor(ctx, "message the room:")
	teacher.press("5-minute break\r")
	for _, a := range attendees {
		a.waitFor(ctx, "message from teacher: 5-minute break")
	}
	teacher.waitFor(ctx, "message on screens: 5-minute break")

	// 5. The overview: the three attendees, cy by her display name, at
	// the instructor's step, with their answers.
	teacher.press("W")
	teacher.waitFor(ctx, "Who's here: 3 attendees · 3 following · 0 stepped away")
	teacher.waitFor(ctx, "│ ada │ ▶ following │ login 1/2 │ ✓ answered │")
	teacher.waitFor(ctx, "│ bob │ ▶ following │ login 1/2 │ ✓ answered │")
	teacher.waitFor(ctx, "│ Cy Young │ ▶ following │ login 1/2 │ ? not yet │")
	teacher.press("W")
	teacher.waitFor(ctx, "quiz: 1) 0 2)✓ 2 3) 0 (2 answered)")

	// The next step ends the broadcast. The instructor answers first (not
	// counted: an instructor's answer is not the room's) to move on.
	teacher.press("2")
	teacher.press("l")
	for _, a := range attendees {
		a.waitFor(ctx, "step 2/2")
		if s := a.screen(); strings.Contains(s, "5-minute break") {
			t.Errorf("the broadcast outlived the next step:\n%s", s)
		}
	}

	// 6. bob steps away, goes back to the quiz he answered, and loses
	// the connection; reconnecting with his key brings back the same
	// lesson, step and answer, still stepped away.
	bob.press("x")
	bob.waitFor(ctx, "stepped away from the instructor")
	bob.press("h")
	bob.waitFor(ctx, "step 1/2")
	bob.waitFor(ctx, "✓ Right.")
	bobConn.Close()
	log.waitFor(ctx, t, `^attendee "bob" from .* left after .*: connection lost$`)
	back := sshTestOpen(t, dial("bob", bobKey), 100, 30)
	back.waitFor(ctx, "stepped away from the instructor")
	back.waitFor(ctx, "step 1/2")
	back.waitFor(ctx, "✓ Right.")
	log.waitFor(ctx, t, `^attendee "bob" rejoined from .*, back where they left$`)
	teacher.press("W")
	teacher.waitFor(ctx, "│ bob │ ◇ stepped away │ login 1/2 │")
}
