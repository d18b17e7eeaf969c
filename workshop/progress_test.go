package workshop

import (
	"os"
	"testing"
	"time"
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
	if r, ok := srv.progress.For("ada").Load("login"); !ok || r.Step != 1 {
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
