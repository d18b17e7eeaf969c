package workshop

import (
	"net"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// sshTestAliveClient dials as user and tells asked of each keepalive the
// server sends, answering it if answer says so (a frozen client does not).
func sshTestAliveClient(t *testing.T, srv *Server, addr, user string, answer func() bool, asked chan<- struct{}) *gossh.Client {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c, chans, reqs, err := gossh.NewClientConn(nc, addr, &gossh.ClientConfig{
		User: user, HostKeyCallback: gossh.FixedHostKey(srv.cfg.HostKey.PublicKey()), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	mine := make(chan *gossh.Request)
	go func() {
		defer close(mine)
		for r := range reqs {
			if r.Type != keepAliveRequest {
				mine <- r
				continue
			}
			if answer() {
				_ = r.Reply(false, nil) // as OpenSSH answers a request it does not know
			}
			asked <- struct{}{}
		}
	}()
	client := gossh.NewClient(c, chans, mine)
	t.Cleanup(func() { client.Close() })
	return client
}

// The server asks every KeepAlive whether the client is there: a client
// that answers (even with a failure, as OpenSSH's does) stays however long;
// one that stops answering is closed after three unanswered, its session
// ends as lost, and the log says why.
func TestSSHKeepAlive(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	timers := newSSHTestTimers()
	log := newSSHTestLog()
	answered := make(chan struct{}, 16)
	cfg := timers.config(Config{KeepAlive: 15 * time.Second, Logf: log.logf})
	cfg.keepAliveAnswered = func() { answered <- struct{}{} }
	srv, addr := sshTestServer(t, cfg)

	asked := make(chan struct{}, 16)
	frozen := chanFlag{ch: make(chan struct{})}
	c := sshTestAliveClient(t, srv, addr, "ada", func() bool { return !frozen.isSet() }, asked)
	term := sshTestOpen(t, c, 80, 24)
	term.waitFor(ctx, "pick a lesson")
	wait := func(ch chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
	// Answered: ten intervals, the connection stays.
	for range 10 {
		timers.waitPending(ctx, t, 1)
		timers.advance(15 * time.Second)
		wait(asked, "a keepalive")
		wait(answered, "the answer seen by the server")
	}
	if srv.Sessions() != 1 {
		t.Fatal("a client that answers its keepalives lost its session")
	}
	// Frozen: asked once, then three intervals with no answer close it.
	frozen.set()
	timers.advance(15 * time.Second)
	wait(asked, "a keepalive")
	for range keepAliveMax - 1 {
		timers.advance(15 * time.Second)
		if log.has("keepalives in a row went unanswered") {
			t.Fatal("closed before three keepalive intervals went unanswered")
		}
	}
	timers.advance(15 * time.Second)
	if err := term.wait(ctx); err == nil {
		t.Error("the frozen client's session ended cleanly, want a closed connection")
	}
	log.waitFor(ctx, t, `^closed the connection of attendee "ada" from 127\.0\.0\.1:\d+: 3 keepalives in a row went unanswered \(every 15s\)$`)
	log.waitFor(ctx, t, `^attendee "ada" from .* left after .*: connection lost$`)
}

// chanFlag is a flag set once, read from any goroutine.
type chanFlag struct{ ch chan struct{} }

func (f *chanFlag) set() { close(f.ch) }
func (f *chanFlag) isSet() bool {
	select {
	case <-f.ch:
		return true
	default:
		return false
	}
}

func (l *sshTestLog) has(part string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range l.lines {
		if strings.Contains(line, part) {
			return true
		}
	}
	return false
}
