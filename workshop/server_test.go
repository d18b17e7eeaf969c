package workshop

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/tui"
	gossh "golang.org/x/crypto/ssh"
)

func sshTestCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// A real ssh client gets a player: the first frame, a resize, a step and
// quitting, which ends the session with status 0.
func TestSSHPlayerOverPty(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	srv, addr := sshTestServer(t, Config{})
	term := sshTestOpen(t, sshTestDial(t, srv, addr, "anyone"), 100, 30)
	term.waitFor(ctx, "tokensim — pick a lesson")

	// RFC 4254 §6.7: window-change reaches the program as a new size.
	term.resize(50, 14)
	term.waitFor(ctx, "this is 50×14")
	term.resize(100, 30)
	term.waitFor(ctx, "pick a lesson")

	term.press("\r") // open the only lesson
	term.waitFor(ctx, "take the first step")
	term.press("l")
	term.waitFor(ctx, "1. Alice signs in at the auth server")
	term.press("q")
	if err := term.wait(ctx); err != nil {
		t.Fatalf("the session ended with %v, want exit status 0", err)
	}
}

// A session without a pty, or with a command, gets one line saying why,
// and exit status 1.
func TestSSHRefusesNoPtyAndExec(t *testing.T) {
	srv, addr := sshTestServer(t, Config{})
	c := sshTestDial(t, srv, addr, "anyone")
	for name, tc := range map[string]struct {
		start func(*gossh.Session) error
		want  string
	}{
		"no pty": {(*gossh.Session).Shell, msgNoPty},
		"exec":   {func(s *gossh.Session) error { return s.Start("cat /etc/passwd") }, msgExec},
		"exec with a pty": {func(s *gossh.Session) error {
			if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
				return err
			}
			return s.Start("sh")
		}, msgExec},
	} {
		t.Run(name, func(t *testing.T) {
			stderr, err := sshTestRun(t, c, tc.start)
			var exit *gossh.ExitError
			if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
				t.Fatalf("Wait: %v, want exit status 1", err)
			}
			if stderr != tc.want+"\n" {
				t.Fatalf("stderr %q, want the one line %q", stderr, tc.want)
			}
		})
	}
}

// Nothing but the player: no subsystem (sftp), no port forwarding either
// way (RFC 4254 §7), no X11 (RFC 4254 §6.3).
func TestSSHRefusesEverythingElse(t *testing.T) {
	srv, addr := sshTestServer(t, Config{})
	c := sshTestDial(t, srv, addr, "anyone")

	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem was accepted")
	}
	sess.Close()

	sess, err = c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	x11 := gossh.Marshal(struct {
		Single bool
		Proto  string
		Cookie string
		Screen uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0})
	if ok, err := sess.SendRequest("x11-req", true, x11); ok || err != nil {
		t.Errorf("x11-req: ok=%v err=%v, want refused", ok, err)
	}
	sess.Close()

	if conn, err := c.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("local port forwarding (direct-tcpip) was accepted")
	}
	if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
		t.Error("remote port forwarding (tcpip-forward) was accepted")
	}
}

// The instructor pushes two attendees to a step and both show it; the
// instructor sees how the room answered; an attendee steps away and comes
// back; release lets the room go.
func TestSSHInstructorLeadsTwoAttendees(t *testing.T) {
	ctx := sshTestCtx(t, 90*time.Second)
	lead := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	// An open room with an instructor key: attendees without a key get in
	// by keyboard-interactive with no question.
	noQuestions := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	a1 := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", noQuestions), 100, 30)
	a2 := sshTestOpen(t, sshTestDial(t, srv, addr, "bob", gossh.PublicKeys(sshTestKey(t))), 100, 30)
	for _, a := range []*sshTestTerm{a1, a2} {
		a.waitFor(ctx, "pick a lesson")
	}
	in := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	in.waitFor(ctx, "instructor · 2 attendees connected · not leading")

	in.press("\r") // the login lesson
	in.waitFor(ctx, "take the first step")
	in.press("F")
	in.waitFor(ctx, "leading the room")
	for _, a := range []*sshTestTerm{a1, a2} {
		a.waitFor(ctx, "following the instructor")
		a.waitFor(ctx, "The instructor takes the steps")
	}

	in.press("l")
	for _, a := range []*sshTestTerm{a1, a2} {
		a.waitFor(ctx, "1. Alice signs in at the auth server")
		a.waitFor(ctx, "press 1–3 to answer")
	}
	in.waitFor(ctx, "quiz: 1) 0 2)✓ 0 3) 0 (0 answered)")

	a1.press("2")
	a2.press("1")
	in.waitFor(ctx, "quiz: 1) 1 2)✓ 1 3) 0 (2 answered)")

	a1.press("x")
	a1.waitFor(ctx, "stepped away from the instructor")
	a1.press("l") // away, the attendee moves alone
	a1.waitFor(ctx, "2. The app uses the access token")
	a1.press("g")
	a1.waitFor(ctx, "take the first step")

	in.press("2") // the instructor answers too, to move on (not counted)
	in.press("l")
	a2.waitFor(ctx, "2. The app uses the access token")
	a1.press("f")
	a1.waitFor(ctx, "following the instructor")
	a1.waitFor(ctx, "2. The app uses the access token")

	in.press("X")
	in.waitFor(ctx, "not leading")
	for _, a := range []*sshTestTerm{a1, a2} {
		a.waitFor(ctx, "the instructor released the room")
	}
	if st := srv.Room().Join(Who{User: "teacher", Instructor: true}).Status(tui.FollowMsg{Scenario: "login", Step: 1}); st.Answers[0] != 1 || st.Answers[1] != 1 || st.Attendees != 2 {
		t.Errorf("room status %+v, want 2 attendees and one answer each for options 1 and 2", st)
	}
}

// The instructor quits while leading: the attendee is released and told
// why, and steps alone; the instructor who reconnects does not lead.
func TestSSHLeaderQuits(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	lead := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	a := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(sshTestKey(t))), 100, 30)
	a.waitFor(ctx, "pick a lesson")
	in := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	in.waitFor(ctx, "1 attendee connected")
	in.press("\r")
	in.press("F")
	in.press("l")
	a.waitFor(ctx, "1. Alice signs in at the auth server")
	a.press("h") // refused while following
	a.waitFor(ctx, "you follow the instructor")
	in.press("q")
	in.wait(ctx)
	a.waitFor(ctx, "the instructor left: you explore alone")
	a.press("h")
	a.waitFor(ctx, "step 0/")
	again := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	again.waitFor(ctx, "not leading")
	if srv.Room().Join(Who{User: "teacher", Instructor: true}).Status(tui.FollowMsg{}).Leading {
		t.Fatal("the room is led after its instructor quit")
	}
}

// Failed logins and sessions are logged one line each, without the
// password tried.
func TestSSHLogsLogins(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	lines := make(chan string, 16)
	srv, addr := sshTestServer(t, Config{Auth: Auth{Password: "room42"}, Logf: func(f string, a ...any) {
		lines <- fmt.Sprintf(f, a...)
	}})
	if _, err := sshTestTryDial(srv, addr, "eve", gossh.Password("guess-7"), gossh.PublicKeys(sshTestKey(t))); err == nil {
		t.Fatal("a wrong password got in")
	}
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-ctx.Done():
			t.Fatal("nothing was logged")
			return ""
		}
	}
	if l := next(); !strings.HasPrefix(l, "failed login from 127.0.0.1:") || !strings.Contains(l, `as "eve" (password, publickey refused)`) || strings.Contains(l, "guess-7") {
		t.Fatalf("logged %q, want one failed login naming the user and methods, not the password", l)
	}
	term := sshTestOpen(t, sshTestDial(t, srv, addr, "bob", gossh.Password("room42")), 80, 24)
	term.waitFor(ctx, "pick a lesson")
	if l := next(); !strings.HasPrefix(l, `attendee "bob" joined from 127.0.0.1:`) || strings.Contains(l, "room42") {
		t.Fatalf("logged %q, want the session joined", l)
	}
	select {
	case l := <-lines:
		t.Fatalf("a second line for one login: %q", l)
	default:
	}
}

// 100 sessions connect and step at once, under -race, within a deadline.
func TestSSHHundredSessions(t *testing.T) {
	const n = 100
	ctx := sshTestCtx(t, 3*time.Minute)
	srv, addr := sshTestServer(t, Config{})
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- sshTestOneSession(ctx, t, srv, addr, i)
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// sshTestOneSession opens the lesson, steps once and quits; it reports
// instead of failing, since it runs off the test's goroutine.
func sshTestOneSession(ctx context.Context, t *testing.T, srv *Server, addr string, i int) (err error) {
	sub := &sshTestRecorder{TB: t}
	defer func() {
		if r := recover(); r != nil && r != sshTestAbort {
			panic(r)
		}
		if sub.msg != "" {
			err = errors.New(sub.msg)
		}
	}()
	// Each its own user: progress is per SSH user, and a second session
	// of one user is offered to resume where the first left the lesson.
	c, derr := sshTestTryDial(srv, addr, fmt.Sprintf("attendee-%d", i))
	if derr != nil {
		return derr
	}
	defer c.Close()
	term := sshTestOpen(sub, c, 80, 24)
	term.waitFor(ctx, "pick a lesson")
	term.press("\r")
	term.waitFor(ctx, "take the first step")
	term.press("l")
	term.waitFor(ctx, "1. Alice signs in at the auth server")
	term.press("q")
	if werr := term.wait(ctx); werr != nil {
		return werr
	}
	return nil
}

// sshTestRecorder turns Fatalf on another goroutine into an error.
type sshTestRecorder struct {
	testing.TB
	msg string
}

var sshTestAbort = errors.New("abort")

func (r *sshTestRecorder) Fatalf(format string, args ...any) {
	r.msg = strings.TrimSpace(fmt.Sprintf(format, args...))
	panic(sshTestAbort)
}
func (r *sshTestRecorder) Fatal(args ...any) { r.Fatalf("%v", args...) }
func (r *sshTestRecorder) Helper()           {}
