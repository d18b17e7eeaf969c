package workshop

import (
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// A reconnect by the same key while the older session still runs (its
// connection froze, unnoticed yet) ends the older one with its line and
// takes its world back; the log says so. The older is ended properly: the
// terminal restored, then the line.
func TestSSHKeyReconnectTakesOver(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	log := newSSHTestLog()
	key := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Logf: log.logf, Auth: Auth{AuthorizedKeys: []gossh.PublicKey{key.PublicKey()}}})
	old := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(key)), 100, 30)
	old.waitFor(ctx, "pick a lesson")
	old.press("\r")
	old.waitFor(ctx, "take the first step")
	old.press("l")
	old.waitFor(ctx, "1. Alice signs in at the auth server")

	back := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(key)), 100, 30)
	back.waitFor(ctx, "1. Alice signs in at the auth server")
	if err := old.wait(ctx); err != nil {
		t.Fatalf("the older session: %v", err)
	}
	sshTestEndsProperly(t, old.raw(), msgReplaced)
	log.waitFor(ctx, t, `^attendee "ada" from 127\.0\.0\.1:\d+: ended, the same key connected again from 127\.0\.0\.1:\d+$`)
	log.waitFor(ctx, t, `^attendee "ada" from .* left after .*: connected again from elsewhere$`)
	log.waitFor(ctx, t, `^attendee "ada" rejoined from .* by the same key, back where their older session was$`)
	if n := srv.Sessions(); n != 1 {
		t.Errorf("%d sessions run, want 1", n)
	}
}

// An instructor whose connection froze reconnects by key to a full room:
// the older session's slot is given back first, so they get in, and find
// their lesson.
func TestSSHInstructorKeyReconnectToAFullRoom(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	lead := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{MaxSessions: 2, InstructorSlots: 1,
		Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	ada := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", sshTestNoQuestions), 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	in := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	in.waitFor(ctx, "instructor · 1 attendee connected")
	in.press("\r")
	in.waitFor(ctx, "take the first step")
	in.press("F")
	in.waitFor(ctx, "leading the room")

	back := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	back.waitFor(ctx, "take the first step")
	if err := in.wait(ctx); err != nil {
		t.Fatalf("the older session: %v", err)
	}
	sshTestEndsProperly(t, in.raw(), msgReplaced)
	back.press("F")
	back.waitFor(ctx, "leading the room")
}

// A second session by a shared password does not end the first: the
// name is shared, so it starts afresh and both run.
func TestSSHPasswordReconnectDoesNotTakeOver(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	log := newSSHTestLog()
	srv, addr := sshTestServer(t, Config{Logf: log.logf, Auth: Auth{Password: "pw"}})
	first := sshTestOpen(t, sshTestDial(t, srv, addr, "bob", gossh.Password("pw")), 100, 30)
	first.waitFor(ctx, "pick a lesson")
	first.press("\r")
	first.waitFor(ctx, "take the first step")
	second := sshTestOpen(t, sshTestDial(t, srv, addr, "bob", gossh.Password("pw")), 100, 30)
	second.waitFor(ctx, "pick a lesson")
	log.waitFor(ctx, t, `^attendee "bob" joined from .*, a fresh world: a session of the same name and credential is still connected$`)
	first.press("l")
	first.waitFor(ctx, "1. Alice signs in at the auth server")
	if n := srv.Sessions(); n != 2 {
		t.Errorf("%d sessions run, want 2", n)
	}
}
