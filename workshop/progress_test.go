package workshop

import (
	"os"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Over SSH progress belongs to the session's user, in memory for the
// server's life: ada finds her step again when she reconnects, bob does
// not see it, and no file is written.
func TestSSHProgressPerUser(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("HOME", state)
	ctx := sshTestCtx(t, 60*time.Second)
	srv, addr := sshTestServer(t, Config{})

	ada := sshTestOpen(t, sshTestDial(t, srv, addr, "ada"), 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	ada.press("\r")
	ada.waitFor(ctx, "take the first step")
	ada.press("l")
	ada.waitFor(ctx, "1. Alice signs in at the auth server")
	ada.press("q")
	if err := ada.wait(ctx); err != nil {
		t.Fatal(err)
	}
	if r, ok := srv.progress.For(Who{User: "ada"}).Load("login"); !ok || r.Step != 1 {
		t.Fatalf("ada's progress: %+v %v", r, ok)
	}

	bob := sshTestOpen(t, sshTestDial(t, srv, addr, "bob"), 100, 30)
	bob.waitFor(ctx, "○ not started")
	bob.press("q")
	if err := bob.wait(ctx); err != nil {
		t.Fatal(err)
	}
	again := sshTestOpen(t, sshTestDial(t, srv, addr, "ada"), 100, 30)
	again.waitFor(ctx, "in progress: step 1 of 2")
	again.press("q")
	if err := again.wait(ctx); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("the server wrote %v under the state directory", entries)
	}
}

// Progress is kept by the whole Who: the same user name proved by another
// credential, or in another role, starts from nothing. "dave" by password
// does not see the step "dave" by key took, and an attendee who logs in
// under the instructor's user name does not get the instructor's.
func TestSSHProgressPerWho(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	key, lead := sshTestKey(t), sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Auth: Auth{Password: "pw", AuthorizedKeys: []gossh.PublicKey{key.PublicKey()}, InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	step := func(user string, auth gossh.AuthMethod) {
		term := sshTestOpen(t, sshTestDial(t, srv, addr, user, auth), 100, 30)
		term.waitFor(ctx, "pick a lesson")
		term.press("\r")
		term.waitFor(ctx, "take the first step")
		term.press("l")
		term.waitFor(ctx, "1. Alice signs in at the auth server")
		term.press("q")
		if err := term.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	fresh := func(user string, auth gossh.AuthMethod) {
		term := sshTestOpen(t, sshTestDial(t, srv, addr, user, auth), 100, 30)
		term.waitFor(ctx, "pick a lesson")
		if s := term.screen(); !strings.Contains(s, "○ not started") || strings.Contains(s, "in progress") {
			t.Errorf("%s by another credential or role sees someone else's progress:\n%s", user, s)
		}
		term.press("q")
		if err := term.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	step("dave", gossh.PublicKeys(key))
	fresh("dave", gossh.Password("pw"))
	step("teacher", gossh.PublicKeys(lead))
	fresh("teacher", gossh.Password("pw"))
	// The same Who again does find it.
	again := sshTestOpen(t, sshTestDial(t, srv, addr, "dave", gossh.PublicKeys(key)), 100, 30)
	again.waitFor(ctx, "in progress: step 1 of 2")
}

// The users whose progress is kept are bounded, as worlds are: a flood
// of user names keeps the newest KeptWorlds.
func TestProgressKeptBounded(t *testing.T) {
	p := newProgressKept(2)
	ada := p.For(Who{User: "ada"})
	p.For(Who{User: "bob"})
	if p.For(Who{User: "ada"}) != ada {
		t.Fatal("ada's progress was not kept")
	}
	for i := range 100 {
		p.For(Who{User: strings.Repeat("x", i+1)})
	}
	if n := p.len(); n != 2 {
		t.Fatalf("%d users' progress kept, want 2", n)
	}
	if p.For(Who{User: "ada"}) == ada {
		t.Error("the oldest user's progress was not dropped")
	}
}
