package workshop

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// Door.Login follows the SSH password rule: the room's password for any
// name, the instructor's only for InstructorUser; names by MaxUserLen;
// after MaxFailures wrong passwords the address is locked out (the right
// password refused, not compared) until Lockout has passed.
func TestDoorLogin(t *testing.T) {
	timers := newSSHTestTimers()
	cfg := timers.config(Config{Auth: Auth{Password: "room", InstructorPassword: "lead"},
		Login: LoginLimits{MaxFailures: 3, Lockout: time.Minute}})
	paused := 0
	cfg.pause = func(context.Context, time.Duration) { paused++ }
	d, err := NewDoor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, c := range []struct {
		user, pw string
		who      Who
		err      error
	}{
		{"ada", "room", Who{User: "ada", Credential: "password"}, nil},
		{InstructorUser, "lead", Who{User: InstructorUser, Credential: "password", Instructor: true}, nil},
		{InstructorUser, "room", Who{}, ErrWrongPassword},
		{"ada", "lead", Who{}, ErrWrongPassword},
		{"", "room", Who{}, ErrNoUser},
		{strings.Repeat("a", MaxUserLen+1), "room", Who{}, ErrLongUser},
	} {
		who, err := d.Login(ctx, "192.0.2.1:5000", c.user, c.pw)
		if who != c.who || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("Login(%q, %q) = %+v, %v; want %+v, %v", c.user, c.pw, who, err, c.who, c.err)
		}
	}
	if paused != 2 {
		t.Errorf("%d pauses after the 2 wrong passwords", paused)
	}
	if _, err := d.Login(ctx, "192.0.2.1:5001", "eve", "guess"); !errors.Is(err, ErrWrongPassword) {
		t.Fatal(err)
	}
	_, err = d.Login(ctx, "192.0.2.1:5002", "ada", "room")
	var locked *LockedOutError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLockedOut) || locked.Wait != time.Minute {
		t.Fatalf("the right password after 3 failures: %v, want locked out for 1m", err)
	}
	if _, err := d.Login(ctx, "198.51.100.7:5000", "bob", "room"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	timers.advance(time.Minute)
	if _, err := d.Login(ctx, "192.0.2.1:5003", "ada", "room"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
}

// A session through a Door ends after the idle timeout with the room's
// line and the door's way back, and keeps its world for the same Who.
func TestDoorPlayIdle(t *testing.T) {
	timers := newSSHTestTimers()
	d, err := NewDoor(timers.config(Config{Catalogue: sshTestCatalogue(t, "login"), IdleTimeout: 30 * time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	in, keys := io.Pipe()
	defer keys.Close()
	who := Who{User: "web-1", Credential: "web"}
	ended := make(chan string, 1)
	go func() {
		ended <- d.Play(t.Context(), Terminal{Who: who, Addr: "127.0.0.1:1", In: in, Out: io.Discard, Width: 80, Height: 24, Again: "reload the page"})
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	timers.waitPending(ctx, t, 1)
	if n := d.Sessions(); n != 1 {
		t.Fatalf("%d sessions, want 1", n)
	}
	timers.advance(30 * time.Minute)
	select {
	case line := <-ended:
		if want := "tokensim: ended after 30m idle: reload the page to come back where you were."; line != want {
			t.Fatalf("line %q, want %q", line, want)
		}
	case <-ctx.Done():
		t.Fatal("the session did not end after the idle timeout")
	}
	if n := d.s.worlds.len(); n != 1 {
		t.Fatalf("%d worlds kept, want the idle session's", n)
	}
	if err := d.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// A door that keeps its own copies of the screen (the web door's
// emulator) has them counted in the memory budget, at every size.
func TestDoorScreenCopiesInTheMemoryBudget(t *testing.T) {
	lim := newSSHTestLimit()
	d, err := NewDoor(Config{Catalogue: sshTestCatalogue(t, "login"), MemoryBudget: true, setMemoryLimit: lim.setLimit})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	base := d.s.budget.base
	lim.until(ctx, t, "at start", base)
	in, keys := io.Pipe()
	defer keys.Close()
	sizes := make(chan Size)
	ended := make(chan string, 1)
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		ended <- d.Play(pctx, Terminal{Who: Who{User: "web-1", Credential: "web"}, Addr: "127.0.0.1:1", In: in, Out: io.Discard,
			Width: 100, Height: 30, Resize: sizes, ScreenCopies: 2, DoorBudget: 96 << 10})
	}()
	// Bubble Tea's two buffers and the door's two.
	lim.until(ctx, t, "a session at 100×30", base+budgetSession+96<<10+2*screenBudget(100, 30))
	sizes <- Size{Width: 200, Height: 60}
	lim.until(ctx, t, "resized to 200×60", base+budgetSession+96<<10+2*screenBudget(200, 60))
	stop()
	<-ended
	lim.until(ctx, t, "the session gone: the door's share too", base+budgetWorld)
	if err := d.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}
