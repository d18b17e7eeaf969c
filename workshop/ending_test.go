package workshop

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/testclock"
	gossh "golang.org/x/crypto/ssh"
)

// sshTestTimers is the server's clock and timers in a test: nothing fires
// until the test moves the clock, and then what is due fires at once, on
// the test's goroutine.
type sshTestTimers struct {
	clock *testclock.Clock
	mu    sync.Mutex
	list  []*sshTestTimer
	armed chan struct{} // a timer was set
}

type sshTestTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newSSHTestTimers() *sshTestTimers {
	return &sshTestTimers{clock: testclock.New(time.Now()), armed: make(chan struct{}, 1)}
}

// config sets cfg's clock and timers to these.
func (f *sshTestTimers) config(cfg Config) Config {
	cfg.now, cfg.afterFunc = f.clock.Now, f.afterFunc
	return cfg
}

func (f *sshTestTimers) afterFunc(d time.Duration, fn func()) func() bool {
	t := &sshTestTimer{at: f.clock.Now().Add(d), f: fn}
	f.mu.Lock()
	f.list = append(f.list, t)
	f.mu.Unlock()
	select {
	case f.armed <- struct{}{}:
	default:
	}
	return func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// pending is the number of timers set and not yet fired or stopped.
func (f *sshTestTimers) pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, t := range f.list {
		if !t.stopped {
			n++
		}
	}
	return n
}

// waitPending waits until n timers are set.
func (f *sshTestTimers) waitPending(ctx context.Context, tb testing.TB, n int) {
	tb.Helper()
	for f.pending() < n {
		select {
		case <-f.armed:
		case <-ctx.Done():
			tb.Fatalf("%d timers set, want %d: %v", f.pending(), n, ctx.Err())
		}
	}
}

// running fails the test unless n timers are set: a session's timer that
// fired and found its session not due sets itself again at once (on the
// test's goroutine, in advance), while one that ended its session does
// not. The session's own end comes later, when its program has quit.
func (f *sshTestTimers) running(tb testing.TB, n int, what string) {
	tb.Helper()
	if got := f.pending(); got != n {
		tb.Fatalf("%s: %d timers set, want %d (one a live session)", what, got, n)
	}
}

// advance moves the clock by d and fires what is due.
func (f *sshTestTimers) advance(d time.Duration) {
	f.clock.Advance(d)
	now := f.clock.Now()
	f.mu.Lock()
	var due []func()
	for _, t := range f.list {
		if !t.stopped && !t.at.After(now) {
			t.stopped = true
			due = append(due, t.f)
		}
	}
	f.mu.Unlock()
	for _, fn := range due {
		fn()
	}
}

// sshTestLog collects the server's log lines.
type sshTestLog struct {
	mu     sync.Mutex
	lines  []string
	notify chan struct{}
}

func newSSHTestLog() *sshTestLog { return &sshTestLog{notify: make(chan struct{}, 1)} }

func (l *sshTestLog) logf(format string, a ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, a...))
	l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

// waitFor waits for a line matching the regular expression and returns it.
func (l *sshTestLog) waitFor(ctx context.Context, tb testing.TB, pattern string) string {
	tb.Helper()
	re := regexp.MustCompile(pattern)
	for {
		l.mu.Lock()
		for _, line := range l.lines {
			if re.MatchString(line) {
				l.mu.Unlock()
				return line
			}
		}
		all := strings.Join(l.lines, "\n")
		l.mu.Unlock()
		select {
		case <-l.notify:
		case <-ctx.Done():
			tb.Fatalf("no log line matches %q: %v; the log:\n%s", pattern, ctx.Err(), all)
		}
	}
}

// raw is everything the client received.
func (t *sshTestTerm) raw() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.out)
}

// alive fails the test if the session has ended.
func (t *sshTestTerm) alive(what string) {
	t.tb.Helper()
	select {
	case err := <-t.done:
		t.done <- err
		t.tb.Fatalf("%s: the session ended (%v); the output ends %q", what, err, sshTestTail(t.raw()))
	default:
	}
}

// sshTestEndsProperly checks how a session the server ended left the
// client's terminal: the program left the alternate screen and showed the
// cursor (ESC[?1049l, ESC[?25h: what a terminal needs to be usable
// again), and then one line, line, ends the output.
func sshTestEndsProperly(tb testing.TB, out, line string) {
	tb.Helper()
	if !strings.HasSuffix(out, line+"\r\n") {
		tb.Fatalf("the output does not end with the line %q; it ends %q", line, sshTestTail(out))
	}
	before := strings.TrimSuffix(out, line+"\r\n")
	for _, seq := range []struct{ on, off string }{{"\x1b[?1049h", "\x1b[?1049l"}, {"\x1b[?25l", "\x1b[?25h"}} {
		if strings.LastIndex(before, seq.off) < strings.LastIndex(before, seq.on) || !strings.Contains(before, seq.off) {
			tb.Errorf("the terminal was not restored before the line: no %q after the last %q; the output ends %q", seq.off, seq.on, sshTestTail(before))
		}
	}
	// After the program's last escape sequence, only the line.
	tail := before[strings.LastIndex(before, "\x1b[?1049l"):]
	if printable := regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\a\x1b]*(\a|\x1b\\)|\x1b[=>]`).ReplaceAllString(tail, ""); printable != "" {
		tb.Errorf("between leaving the alternate screen and the line, %q was printed", printable)
	}
}

// An attendee who types nothing for the idle timeout is ended properly:
// the terminal restored, one line saying why and how to come back, and a
// leave line in the log. A key starts the timeout again; nothing ends the
// session sooner.
func TestSSHIdleEndsSessionProperly(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	timers, log := newSSHTestTimers(), newSSHTestLog()
	const idle = 30 * time.Minute
	srv, addr := sshTestServer(t, timers.config(Config{IdleTimeout: idle, Logf: log.logf}))
	term := sshTestOpen(t, sshTestDial(t, srv, addr, "ada"), 80, 24)
	term.waitFor(ctx, "pick a lesson")
	timers.waitPending(ctx, t, 1)

	timers.advance(20 * time.Minute)
	term.press("\r") // opens the lesson: seen on screen, so the server has read the key
	term.waitFor(ctx, "take the first step")
	timers.advance(20 * time.Minute) // 40m: 20m after the key
	timers.running(t, 1, "20 minutes after a key, with a 30-minute idle timeout")
	timers.advance(10*time.Minute - time.Second)
	timers.running(t, 1, "a second before the idle timeout")
	timers.advance(time.Second)
	if err := term.wait(ctx); err != nil {
		t.Fatalf("an idle session ended with %v, want exit status 0", err)
	}
	sshTestEndsProperly(t, term.raw(), fmt.Sprintf(msgIdle, "30m"))
	log.waitFor(ctx, t, `^attendee "ada" from 127\.0\.0\.1:\d+ left after 50m: idle for 30m$`)
}

// A session reaches the maximum duration, counted from the connection's
// start, and is ended properly; not a second sooner.
func TestSSHMaxDurationEndsSessionProperly(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	timers, log := newSSHTestTimers(), newSSHTestLog()
	srv, addr := sshTestServer(t, timers.config(Config{MaxTimeout: 2 * time.Hour, Logf: log.logf}))
	term := sshTestOpen(t, sshTestDial(t, srv, addr, "ada"), 80, 24)
	term.waitFor(ctx, "pick a lesson")
	timers.waitPending(ctx, t, 1)
	timers.advance(2*time.Hour - time.Second)
	timers.running(t, 1, "a second before the maximum duration")
	timers.advance(time.Second)
	if err := term.wait(ctx); err != nil {
		t.Fatalf("the session ended with %v, want exit status 0", err)
	}
	sshTestEndsProperly(t, term.raw(), fmt.Sprintf(msgMaxAge, "2h"))
	log.waitFor(ctx, t, `^attendee "ada" from .* left after 2h: max duration 2h$`)
}

// Followers of a led room, and the instructor who leads it, are not idle
// through a two-hour break; once the room is released, a follower who
// types nothing is ended after the idle timeout.
func TestSSHFollowersStayThroughABreak(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	timers, log := newSSHTestTimers(), newSSHTestLog()
	lead := sshTestKey(t)
	const idle = 30 * time.Minute
	srv, addr := sshTestServer(t, timers.config(Config{IdleTimeout: idle, Logf: log.logf,
		Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}}))
	ada := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", sshTestNoQuestions), 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	in := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	in.waitFor(ctx, "1 attendee connected")
	in.press("\r")
	in.press("F")
	in.waitFor(ctx, "leading the room")
	ada.waitFor(ctx, "following the instructor")
	timers.waitPending(ctx, t, 2)

	for range 16 { // two hours, a quarter of the timeout at a time
		timers.advance(idle / 4)
	}
	timers.running(t, 2, "following and leading a room through a two-hour break")
	ada.alive("following a led room through a two-hour break")
	in.alive("leading the room through a two-hour break")

	in.press("X")
	ada.waitFor(ctx, "the instructor released the room")
	timers.advance(idle - time.Second)
	timers.running(t, 2, "released, a second before the idle timeout")
	timers.advance(time.Second)
	ada.wait(ctx)
	sshTestEndsProperly(t, ada.raw(), fmt.Sprintf(msgIdle, "30m"))
	log.waitFor(ctx, t, `^attendee "ada" from .* left after 2h30m: idle for 30m$`)
}

// A logged-in connection that opens no session (ssh -N) is closed after
// the idle timeout: it holds a place on its address.
func TestSSHConnectionWithoutSessionIdles(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	timers := newSSHTestTimers()
	srv, addr := sshTestServer(t, timers.config(Config{IdleTimeout: time.Minute}))
	c := sshTestDial(t, srv, addr, "ada")
	timers.waitPending(ctx, t, 1)
	timers.advance(time.Minute)
	waited := make(chan error, 1)
	go func() { waited <- c.Wait() }()
	select {
	case <-waited:
	case <-ctx.Done():
		t.Fatal("a connection with no session was not closed after the idle timeout")
	}
}

// The instructor gets into a full room: attendees may hold all places but
// the instructor's, a refused attendee is told and logged, and the
// instructor's connection does not count against the address.
func TestSSHInstructorGetsIntoAFullRoom(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	log := newSSHTestLog()
	lead := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{MaxSessions: 2, InstructorSlots: 1, MaxPerAddr: 2, Logf: log.logf,
		Auth: Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}})
	ada := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", sshTestNoQuestions), 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	bob := sshTestOpen(t, sshTestDial(t, srv, addr, "bob", sshTestNoQuestions), 100, 30)
	bob.waitFor(ctx, "the room is full (1 attendee): try again in a moment.")
	var exit *gossh.ExitError
	if err := bob.wait(ctx); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("a session over the limit ended with %v, want exit status 1", err)
	}
	log.waitFor(ctx, t, `^refused attendee "bob" from 127\.0\.0\.1:\d+: the room is full \(1 attendee; 1 place kept for instructors\)$`)

	// Two attendee connections hold the address's places: the
	// instructor's third gets in all the same, and takes the kept slot.
	in := sshTestOpen(t, sshTestDial(t, srv, addr, "teacher", gossh.PublicKeys(lead)), 119, 30)
	in.waitFor(ctx, "instructor · 1 attendee connected")
	again := sshTestOpen(t, sshTestDial(t, srv, addr, "second", gossh.PublicKeys(lead)), 119, 30)
	again.waitFor(ctx, "the room is full (all 2 places taken)")
	log.waitFor(ctx, t, `^refused instructor "second" from .*: the room is full \(2 sessions, instructors included\)$`)
}

// The slots kept for instructors must leave attendees one.
func TestInstructorSlotsBounded(t *testing.T) {
	k, _, err := HostKey(t.TempDir() + "/k")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ max, kept int }{{2, 2}, {1, 1}, {5, -1}} {
		if _, err := New(Config{HostKey: k, MaxSessions: c.max, InstructorSlots: c.kept, Auth: Auth{InstructorPassword: "lead"}}); !errors.Is(err, ErrInstructorSlots) {
			t.Errorf("%d sessions, %d kept: %v, want ErrInstructorSlots", c.max, c.kept, err)
		}
	}
	// With no instructor credential nothing is kept, so nothing is too many.
	if _, err := New(Config{HostKey: k, MaxSessions: 2, InstructorSlots: 2}); err != nil {
		t.Errorf("no instructor credential: %v", err)
	}
	if _, err := New(Config{HostKey: k, MaxSessions: 0, InstructorSlots: 3}); err != nil {
		t.Errorf("no limit on sessions: %v", err)
	}
}

// The slots: attendees stop at max−reserved, instructors at max.
func TestSlotsKeepInstructorPlaces(t *testing.T) {
	s := slots{max: 3, reserved: 1}
	if !s.acquireAs(false) || !s.acquireAs(false) {
		t.Fatal("two attendees refused in a room of 3 with 1 kept")
	}
	if s.acquireAs(false) {
		t.Fatal("a third attendee took the instructor's place")
	}
	if !s.acquireAs(true) {
		t.Fatal("the instructor was refused")
	}
	if s.acquireAs(true) {
		t.Fatal("a fourth session in a room of 3")
	}
	s.releaseAs(false)
	if !s.acquireAs(true) {
		t.Fatal("a second instructor was refused a free place")
	}
	if s.acquireAs(false) {
		t.Fatal("an attendee got in a full room")
	}
}
