package workshop

import (
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Over SSH: an attendee sets a display name at the picker, another is
// pulled out of the sandbox; the instructor's overview (W) lists both by
// name with their step and whether they answered, and updates live when
// the second steps away, back to the sandbox the pull kept.
func TestSSHOverviewAndNames(t *testing.T) {
	ctx := sshTestCtx(t, 90*time.Second)
	lead := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	ada := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(sshTestKey(t))), 100, 30)
	bob := sshTestOpen(t, sshTestDial(t, srv, addr, "bob", gossh.PublicKeys(sshTestKey(t))), 100, 30)
	for _, a := range []*sshTestTerm{ada, bob} {
		a.waitFor(ctx, "pick a lesson")
	}
	ada.press("N")
	ada.waitFor(ctx, "Your name in the room")
	ada.press("Ada L.\r") // typing replaces the user name the prompt shows
	ada.waitFor(ctx, "the room shows you as Ada L.")
	bob.press("s")
	bob.waitFor(ctx, "sandbox")
	bob.press("i")
	bob.waitFor(ctx, "step 1/1")

	in := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 100, 30)
	in.waitFor(ctx, "2 attendees connected")
	in.press("\r") // the login lesson
	in.waitFor(ctx, "take the first step")
	in.press("F")
	in.press("l")
	for _, a := range []*sshTestTerm{ada, bob} {
		a.waitFor(ctx, "press 1–3 to answer")
	}
	bob.waitFor(ctx, "x back to your sandbox") // the help says so while the sandbox is kept
	ada.press("2")
	in.waitFor(ctx, "(1 answered)")
	in.press("W")
	in.waitFor(ctx, "Who's here: 2 attendees · 2 following · 0 stepped away")
	in.waitFor(ctx, "│ Ada L. │ ▶ following │ login 1/")
	in.waitFor(ctx, "│ ✓ answered │")
	in.waitFor(ctx, "│ bob │ ▶ following │ login 1/")
	in.waitFor(ctx, "│ ? not yet │")

	bob.press("x")
	bob.waitFor(ctx, "back to what you were doing")
	bob.waitFor(ctx, "step 1/1")
	in.waitFor(ctx, "│ bob │ ◇ stepped away │ sandbox │ – │")
	in.waitFor(ctx, "1 following · 1 stepped away")
}
