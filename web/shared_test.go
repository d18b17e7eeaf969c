package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/web/term"
	"github.com/tokensim/tokensim/workshop"
	gossh "golang.org/x/crypto/ssh"
)

// sshRoom starts an SSH server with cfg on a loopback port and serves its
// Door's web page: one room, both doors.
func sshRoom(t *testing.T, cfg workshop.Config) (*workshop.Server, string, *Server, *httptest.Server) {
	t.Helper()
	key, _, err := workshop.HostKey(filepath.Join(t.TempDir(), "host_key"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	cfg.HostKey, cfg.Catalogue, cfg.Logf = key, cat, t.Logf
	srv, err := workshop.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s, hs := webOn(t, srv.Door(), false)
	t.Cleanup(func() { // before webOn's: the server's Shutdown ends the web sessions too
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		if err := <-served; !errors.Is(err, workshop.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv, ln.Addr().String(), s, hs
}

// sshTerm is an SSH attendee's terminal, drawn by the same emulator the
// web door uses.
type sshTerm struct {
	sc    *term.Screen
	mu    sync.Mutex
	lines []string
	raw   strings.Builder
}

// sshOpen logs user in with password and starts the player on a 100×30
// pty.
func sshOpen(t *testing.T, addr, user, password string) *sshTerm {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: []gossh.AuthMethod{gossh.Password(password)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("ssh as %s: %v", user, err)
	}
	t.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	st := &sshTerm{sc: term.NewScreen(100, 30)}
	go func() { _, _ = io.Copy(in, st.sc.Answers()) }()
	go func() {
		_, _ = io.Copy(io.MultiWriter(st.sc, writerFunc(func(p []byte) {
			st.mu.Lock()
			st.raw.Write(p)
			st.mu.Unlock()
		})), out)
		_ = st.sc.CloseAnswers()
	}()
	return st
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// waitFor waits until the screen, or a line printed after the player,
// shows want.
func (st *sshTerm) waitFor(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	for {
		if f, ok := st.sc.Frame(); ok {
			if len(st.lines) != f.Rows {
				st.lines = make([]string, f.Rows)
			}
			for _, l := range f.Lines {
				var sb strings.Builder
				for _, s := range l.Spans {
					sb.WriteString(s.Text)
				}
				st.lines[l.Y] = sb.String()
			}
		}
		st.mu.Lock()
		raw := st.raw.String()
		st.mu.Unlock()
		if strings.Contains(strings.Join(st.lines, "\n"), want) || strings.Contains(raw, want) {
			return
		}
		select {
		case <-st.sc.Dirty():
		case <-ctx.Done():
			t.Fatalf("the SSH terminal never showed %q:\n%s", want, strings.Join(st.lines, "\n"))
		}
	}
}

// An SSH attendee and a web attendee are in one room: both receive the
// instructor's broadcast, and the instructor's list names both.
func TestSSHAndWebAttendeesShareTheRoom(t *testing.T) {
	ctx := testCtx(t)
	srv, addr, _, hs := sshRoom(t, workshop.Config{})
	ada := sshOpen(t, addr, "ada", "any")
	ada.waitFor(t, ctx, "pick a lesson")
	c, p := open(t, ctx, hs, nil)
	p.until(t, ctx, c, "pick a lesson")
	lead := srv.Room().Join(workshop.Who{User: workshop.InstructorUser, Credential: "password", Instructor: true})
	defer lead.Leave()
	lead.Broadcast("hello from the front")
	p.until(t, ctx, c, "hello from the front")
	ada.waitFor(t, ctx, "hello from the front")
	if n := len(lead.Attendees()); n != 2 {
		t.Fatalf("the instructor sees %d attendees (%+v), want ada and the web visitor", n, lead.Attendees())
	}
}

// One MaxSessions for both doors: with an SSH session running in a room
// of one attendee place, a web visitor is told the room is full.
func TestSSHAndWebShareMaxSessions(t *testing.T) {
	ctx := testCtx(t)
	srv, addr, _, hs := sshRoom(t, workshop.Config{MaxSessions: 1})
	sshOpen(t, addr, "ada", "any").waitFor(t, ctx, "pick a lesson")
	c, p := open(t, ctx, hs, nil)
	if bye, want := p.byeOf(t, ctx, c), "tokensim: the room is full (1 attendee): try again in a moment."; bye != want {
		t.Fatalf("bye %q, want %q", bye, want)
	}
	if n := srv.Sessions(); n != 1 {
		t.Fatalf("%d sessions, want the SSH one", n)
	}
}

// One MaxPerAddr for both doors: an SSH attendee logged in from this
// address holds its one place, so a web attendee from it is refused.
func TestSSHAndWebSharePerAddress(t *testing.T) {
	ctx := testCtx(t)
	_, addr, _, hs := sshRoom(t, workshop.Config{MaxPerAddr: 1})
	sshOpen(t, addr, "ada", "any").waitFor(t, ctx, "pick a lesson")
	c, p := open(t, ctx, hs, nil)
	if bye, want := p.byeOf(t, ctx, c), "tokensim: 1 connections from your address: ask to raise --max-per-addr."; bye != want {
		t.Fatalf("bye %q, want %q", bye, want)
	}
}

// Two web attendees from one address, with one place per address: the
// second is refused, and gets in once the first has left.
func TestWebPerAddress(t *testing.T) {
	ctx := testCtx(t)
	_, s, hs := doorServer(t, workshop.Config{MaxPerAddr: 1}, false)
	left := make(chan string, 8)
	s.left = func(_ workshop.Who, why string) { left <- why }
	c1, p1 := open(t, ctx, hs, nil)
	p1.until(t, ctx, c1, "pick a lesson")
	c2, p2 := open(t, ctx, hs, nil)
	if bye := p2.byeOf(t, ctx, c2); !strings.Contains(bye, "connections from your address") {
		t.Fatalf("the second socket's bye %q", bye)
	}
	<-left
	c1.CloseNow()
	<-left
	c3, p3 := open(t, ctx, hs, nil)
	p3.until(t, ctx, c3, "pick a lesson")
}

// A web session with no key for the idle timeout ends with the room's
// line, the web's way back in it; with its cookie, the page comes back to
// the world it left.
func TestIdleEndsWebSessionAndKeepsItsWorld(t *testing.T) {
	ctx := testCtx(t)
	// A real timer of one second: the door's clock is the workshop's
	// own to replace (its tests do); here the web glue is under test.
	_, _, hs := doorServer(t, workshop.Config{IdleTimeout: time.Second}, false)
	cookie := pageCookie(t, hs)
	c, p := open(t, ctx, hs, cookie)
	p.until(t, ctx, c, "pick a lesson")
	send(t, ctx, c, map[string]any{"type": "key", "data": "\r"})
	p.until(t, ctx, c, "take the first step")
	if bye, want := p.byeOf(t, ctx, c), "tokensim: ended after 1s idle: reload the page to come back where you were."; bye != want {
		t.Fatalf("bye %q, want %q", bye, want)
	}
	c2, p2 := open(t, ctx, hs, cookie)
	p2.until(t, ctx, c2, "take the first step")
}

// pageCookie loads the page of an open room and returns the session
// cookie it gives: the browser's web-N.
func pageCookie(t *testing.T, hs *httptest.Server) *http.Cookie {
	t.Helper()
	resp, err := noRedirects(hs).Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := sessionCookie(resp)
	if resp.StatusCode != http.StatusOK || c == nil {
		t.Fatalf("GET / in an open room: %s, cookie %v", resp.Status, c)
	}
	return c
}

// A dropped socket keeps the world: the page's reconnect with the same
// cookie finds the lesson where it was; another browser starts afresh.
func TestReconnectGetsTheSameWorld(t *testing.T) {
	ctx := testCtx(t)
	_, s, hs := doorServer(t, workshop.Config{}, false)
	left := make(chan string, 8)
	s.left = func(_ workshop.Who, why string) { left <- why }
	cookie := pageCookie(t, hs)
	c, p := open(t, ctx, hs, cookie)
	p.until(t, ctx, c, "pick a lesson")
	send(t, ctx, c, map[string]any{"type": "key", "data": "\r"})
	p.until(t, ctx, c, "take the first step")
	send(t, ctx, c, map[string]any{"type": "key", "data": "l"})
	p.until(t, ctx, c, "1. Alice signs in at the auth server")
	c.CloseNow() // dropped: no close frame
	<-left
	c2, p2 := open(t, ctx, hs, cookie)
	p2.until(t, ctx, c2, "1. Alice signs in at the auth server")
	other, po := open(t, ctx, hs, pageCookie(t, hs))
	po.until(t, ctx, other, "pick a lesson")
}

// The same cookie again while its older socket still runs (the server has
// not yet noticed the drop) takes that session's place and world, as the
// same SSH key does; the older page is told why.
func TestSameCookieTakesOver(t *testing.T) {
	ctx := testCtx(t)
	_, _, hs := doorServer(t, workshop.Config{}, false)
	cookie := pageCookie(t, hs)
	c, p := open(t, ctx, hs, cookie)
	p.until(t, ctx, c, "pick a lesson")
	send(t, ctx, c, map[string]any{"type": "key", "data": "\r"})
	p.until(t, ctx, c, "take the first step")
	c2, p2 := open(t, ctx, hs, cookie)
	p2.until(t, ctx, c2, "take the first step")
	if bye, want := p.byeOf(t, ctx, c), "tokensim: ended: you connected again from elsewhere."; bye != want {
		t.Fatalf("the older page's bye %q, want %q", bye, want)
	}
}

// A page that stops answering pings (its network went without a close)
// is let go after three intervals: its place comes back.
func TestSilentPageLetGo(t *testing.T) {
	ctx := testCtx(t)
	d, s, hs := doorServer(t, workshop.Config{}, false)
	s.keepAlive = 20 * time.Millisecond
	left := make(chan string, 8)
	s.left = func(_ workshop.Who, why string) { left <- why }
	c, resp, err := dialAs(ctx, hs, nil, "")
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	defer c.CloseNow()
	// It says its size and never reads again: coder/websocket answers a
	// ping only while the page reads.
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	select {
	case why := <-left:
		t.Logf("left: %s", why)
	case <-ctx.Done():
		t.Fatal("a page that answers no ping still holds its session")
	}
	if n := d.Sessions(); n != 0 {
		t.Fatalf("%d sessions after the silent page was let go", n)
	}
}

// A socket that never says its size is closed after firstWait: sockets
// that never start a player cannot pile up.
func TestSocketThatNeverStartsIsClosed(t *testing.T) {
	ctx := testCtx(t)
	_, s, hs := doorServer(t, workshop.Config{}, false)
	s.firstWait = 50 * time.Millisecond
	c, resp, err := dialAs(ctx, hs, nil, "")
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	defer c.CloseNow()
	if _, _, err := c.Read(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("a socket that sent nothing: %v; want it closed by the server", err)
	}
}
