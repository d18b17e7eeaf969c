package workshop

import (
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The store hands a departed world back to the same Who only, once; a
// Who already live gets none; at most max are kept, the oldest departure
// dropped first.
func TestWorlds(t *testing.T) {
	w := newWorlds[string](2)
	ada := Who{User: "ada", Credential: "key SHA256:a"}
	adaOtherKey := Who{User: "ada", Credential: "key SHA256:b"}
	adaInstructor := Who{User: "ada", Credential: "key SHA256:a", Instructor: true}

	if _, found, busy := w.join(ada); found || busy {
		t.Fatal("a world found in an empty store")
	}
	if dropped := w.leave(ada, "ada's lesson at step 2", true); dropped != 0 {
		t.Fatalf("dropped %d of 1 kept", dropped)
	}
	for _, other := range []Who{adaOtherKey, adaInstructor} {
		if world, found, _ := w.join(other); found {
			t.Fatalf("%+v got %q: another credential or role must not", other, world)
		}
		w.leave(other, "", false)
	}
	world, found, busy := w.join(ada)
	if !found || busy || world != "ada's lesson at step 2" {
		t.Fatalf("ada rejoined with %q (found %v, busy %v), want her world", world, found, busy)
	}
	// While she is connected, a second session of hers starts afresh.
	if world, found, busy := w.join(ada); found || !busy {
		t.Fatalf("a second live session got %q (found %v, busy %v), want a fresh world, busy", world, found, busy)
	}
	w.leave(ada, "the second session's", true)
	w.leave(ada, "the first session's", true) // the last to leave is kept
	if world, _, _ := w.join(ada); world != "the first session's" {
		t.Fatalf("kept %q, want the last session to leave's", world)
	}
	w.leave(ada, "", false) // quit: nothing kept
	if w.len() != 0 {
		t.Fatalf("%d worlds kept after a quit", w.len())
	}

	// The bound: a flood of names keeps the last two.
	for _, u := range []string{"u1", "u2", "u3"} {
		w.join(Who{User: u})
		w.leave(Who{User: u}, u, true)
	}
	if w.len() != 2 {
		t.Fatalf("%d worlds kept, want at most 2", w.len())
	}
	if _, found, _ := w.join(Who{User: "u1"}); found {
		t.Fatal("the oldest departure was kept over the bound")
	}
	if world, found, _ := w.join(Who{User: "u3"}); !found || world != "u3" {
		t.Fatal("the newest departure was dropped")
	}
}

// Over real SSH: an attendee takes steps, loses the connection, and
// reconnecting with the same key finds the same lesson and step; the same
// user name with another key gets a fresh world; and while her session is
// live, the same key again takes it over.
func TestSSHReconnectKeepsYourPlace(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	log := newSSHTestLog()
	k1, k2 := sshTestKey(t), sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Logf: log.logf, Auth: Auth{AuthorizedKeys: []gossh.PublicKey{k1.PublicKey(), k2.PublicKey()}}})

	c := sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(k1))
	ada := sshTestOpen(t, c, 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	ada.press("\r")
	ada.waitFor(ctx, "take the first step")
	ada.press("l")
	ada.waitFor(ctx, "1. Alice signs in at the auth server")
	ada.press("2") // her answer to the quiz
	ada.press("l")
	ada.waitFor(ctx, "2. The app uses the access token")
	c.Close() // the network drops
	log.waitFor(ctx, t, `^attendee "ada" from .* left after .*: connection lost$`)

	other := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(k2)), 100, 30)
	other.waitFor(ctx, "pick a lesson")
	other.press("q")
	other.wait(ctx)
	log.waitFor(ctx, t, `^attendee "ada" from .* left after .*: quit$`)

	back := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(k1)), 100, 30)
	back.waitFor(ctx, "2. The app uses the access token")
	log.waitFor(ctx, t, `^attendee "ada" rejoined from .*, back where they left$`)
	back.press("h")
	back.waitFor(ctx, "✓ Right.") // her answer came back with the world

	// While her session is live, the same key again is her: the new
	// session takes the world over (takeover.go).
	twice := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(k1)), 100, 30)
	twice.waitFor(ctx, "1. Alice signs in at the auth server")
	if err := back.wait(ctx); err != nil {
		t.Fatal(err)
	}
	sshTestEndsProperly(t, back.raw(), msgReplaced)
}

// The instructor's connection drops while leading: the room is released;
// the instructor who reconnects with the same key finds their lesson and
// step, not leading, and one key (F) leads the room again.
func TestSSHInstructorReconnectsAndLeadsAgain(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	lead := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	ada := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", sshTestNoQuestions), 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	c := sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead))
	in := sshTestOpen(t, c, 119, 30)
	in.waitFor(ctx, "1 attendee connected")
	in.press("\r")
	in.waitFor(ctx, "take the first step")
	in.press("F")
	in.press("l")
	in.waitFor(ctx, "1. Alice signs in at the auth server")
	ada.waitFor(ctx, "1. Alice signs in at the auth server")
	c.Close()
	ada.waitFor(ctx, "the instructor left: you explore alone")

	back := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	back.waitFor(ctx, "not leading")
	back.waitFor(ctx, "1. Alice signs in at the auth server")
	back.press("F")
	back.waitFor(ctx, "leading the room")
	ada.waitFor(ctx, "following the instructor")
}
