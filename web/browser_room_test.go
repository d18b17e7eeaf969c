//go:build browser

package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"
	gossh "golang.org/x/crypto/ssh"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/web/term"
	"github.com/tokensim/tokensim/workshop"
)

// roomDoors is one room with both doors open: SSH (workshop.Server) and
// the web (Server), as tokensim web serves them together.
type roomDoors struct {
	sshAddr string
	hostKey gossh.PublicKey // the SSH server's, for the client to check
	web     *httptest.Server
	drop    *dropper // cuts the web server's sockets, as a network drop
}

// newRoomDoors starts an SSH server with auth and a web server on the same
// room, both on loopback, both shut when the test ends. Every test of a
// mixed room builds its servers here, so the wiring lives in one place.
func newRoomDoors(t *testing.T, auth workshop.Auth) roomDoors {
	t.Helper()
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	signer, _, err := workshop.HostKey(filepath.Join(t.TempDir(), "host_key"))
	if err != nil {
		t.Fatalf("HostKey: %v", err)
	}
	run := scenarios.Options{Seed: 1}
	srv, err := workshop.New(workshop.Config{HostKey: signer, Catalogue: cat, Run: run, Auth: auth,
		Logf: func(f string, a ...any) { t.Logf("ssh: "+f, a...) }})
	if err != nil {
		t.Fatalf("workshop.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	ws := New(Config{Door: srv.Door(), Logf: func(f string, a ...any) { t.Logf("web: "+f, a...) }})
	d := &dropper{h: ws}
	hs := httptest.NewServer(d)
	t.Cleanup(func() {
		// The door's owner shuts it down before the web server's Close
		// (Config.Door).
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, workshop.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
		ws.Close()
		hs.Close()
	})
	return roomDoors{sshAddr: ln.Addr().String(), hostKey: signer.PublicKey(), web: hs, drop: d}
}

// sshPty is an SSH session with a pty, drawn into the same terminal
// emulator the web visitor's screen uses (web/term), read as rows of text.
type sshPty struct {
	t    *testing.T
	in   io.Writer
	sc   *term.Screen
	mu   sync.Mutex
	rows []string      // the screen's text, row by row, from sc's frames
	done chan struct{} // the session's output ended
}

// dialSSH logs in as user with password and opens a cols×rows pty
// session running the player.
func (d roomDoors) dialSSH(t *testing.T, user, password string, cols, rows int) *sshPty {
	t.Helper()
	c, err := gossh.Dial("tcp", d.sshAddr, &gossh.ClientConfig{
		User: user, Auth: []gossh.AuthMethod{gossh.Password(password)},
		// The client checks the server's key, as an attendee's ssh does.
		HostKeyCallback: gossh.FixedHostKey(d.hostKey),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh %s@%s: %v", user, d.sshAddr, err)
	}
	t.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	st := &sshPty{t: t, sc: term.NewScreen(cols, rows), rows: make([]string, rows), done: make(chan struct{})}
	if st.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	sess.Stdout = st.sc
	// The emulator's answers to the program's queries go nowhere: this
	// terminal answers nothing, as one that does not know the query.
	go func() { _, _ = io.Copy(io.Discard, st.sc.Answers()) }()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = sess.Wait()
		close(st.done)
	}()
	t.Cleanup(func() {
		sess.Close()
		_ = st.sc.CloseAnswers()
	})
	return st
}

// text is the screen now.
func (s *sshPty) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.sc.Frame(); ok {
		if len(s.rows) != f.Rows {
			s.rows = make([]string, f.Rows)
		}
		for _, l := range f.Lines {
			var b strings.Builder
			for _, sp := range l.Spans {
				b.WriteString(sp.Text)
			}
			s.rows[l.Y] = b.String()
		}
	}
	return strings.Join(s.rows, "\n")
}

// waitFor waits until the screen shows text (white space aside: the
// player wraps text to the width), or fails the test.
func (s *sshPty) waitFor(ctx context.Context, text string) {
	s.t.Helper()
	want := compact(text)
	for {
		got := s.text()
		if strings.Contains(compact(got), want) {
			return
		}
		select {
		case <-s.sc.Dirty():
		case <-s.done:
			if got = s.text(); strings.Contains(compact(got), want) {
				return
			}
			s.t.Fatalf("the SSH session ended before %q appeared; its screen:\n%s", text, got)
		case <-ctx.Done():
			s.t.Fatalf("%q did not appear on the SSH screen: %v; the screen:\n%s", text, ctx.Err(), got)
		}
	}
}

// press types keys.
func (s *sshPty) press(keys string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, keys); err != nil {
		s.t.Fatalf("typing %q: %v", keys, err)
	}
}

func compact(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
}

// An instructor on SSH leads a room whose attendee is a browser: the page
// follows the instructor to the lesson and its steps, and shows the
// broadcast; the instructor counts the browser among the attendees and
// its answer to the step's question.
func TestBrowserFollowsSSHInstructor(t *testing.T) {
	doors := newRoomDoors(t, workshop.Auth{InstructorPassword: "lead"})
	ctx := newBrowser(t, 1000, 700)
	if err := chromedp.Do(ctx, chromedp.Navigate(doors.web.URL+"/"), waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("load: %v\n%s", err, readScreen(t, ctx))
	}
	sctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	lead := doors.dialSSH(t, workshop.InstructorUser, "lead", 120, 30)
	lead.waitFor(sctx, "1 attendee connected · not leading")
	// The instructor's keys (tui/keys.go, Room): Enter opens the first
	// lesson of the picker (login), F leads, l takes the next step, B
	// broadcasts (Enter sends the message).
	lead.press("\r")
	lead.waitFor(sctx, "take the first step")
	lead.press("F")
	lead.waitFor(sctx, "leading the room")
	if err := chromedp.Do(ctx, waitText("following the instructor"),
		waitText("Logging in with the authorization code flow and PKCE")); err != nil {
		t.Fatalf("the page does not follow the instructor into the lesson: %v\n%s", err, readScreen(t, ctx))
	}
	lead.press("l")
	lead.waitFor(sctx, "Alice signs in at the auth server")
	if err := chromedp.Do(ctx, waitText("Alice signs in at the auth server")); err != nil {
		t.Fatalf("the page does not follow the instructor's step: %v\n%s", err, readScreen(t, ctx))
	}
	lead.press("B")
	lead.waitFor(sctx, "message the room:")
	lead.press("coffee at ten\r")
	if err := chromedp.Do(ctx, waitText("message from instructor: coffee at ten")); err != nil {
		t.Fatalf("the page does not show the broadcast: %v\n%s", err, readScreen(t, ctx))
	}
	// The step asks a prediction: the browser's answer reaches the room
	// and the instructor counts it (a key from the page, in the room).
	if err := chromedp.Do(ctx, waitText("press 1–3 to answer"), chromedp.KeyEvent("2")); err != nil {
		t.Fatalf("the page shows no question: %v\n%s", err, readScreen(t, ctx))
	}
	lead.waitFor(sctx, "(1 answered)")
	// The instructor answers too, to move on (not counted); the next step
	// ends the broadcast, on the page too.
	lead.press("2")
	lead.press("l")
	if err := chromedp.Do(ctx, waitText("The app uses the access token"),
		waitJS(`!(`+screenText+`).includes("coffee at ten")`)); err != nil {
		t.Fatalf("the page does not follow the next step or keeps the broadcast: %v\n%s", err, readScreen(t, ctx))
	}
}
