package workshop

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/charmbracelet/x/vt"

	"github.com/tokensim/tokensim/scenarios"
	gossh "golang.org/x/crypto/ssh"
)

// sshTestCatalogue is the built-in catalogue, or only the lessons named.
func sshTestCatalogue(tb testing.TB, ids ...string) []*scenarios.Scenario {
	tb.Helper()
	cat, err := scenarios.Catalogue()
	if err != nil {
		tb.Fatalf("Catalogue: %v", err)
	}
	if len(ids) == 0 {
		return cat
	}
	var out []*scenarios.Scenario
	for _, id := range ids {
		sc, err := scenarios.Lookup(id)
		if err != nil {
			tb.Fatalf("Lookup(%q): %v", id, err)
		}
		out = append(out, sc)
	}
	return out
}

// sshTestServer starts a server on a loopback port and returns it and its
// address; it is shut down when the test ends.
func sshTestServer(tb testing.TB, cfg Config) (*Server, string) {
	tb.Helper()
	if cfg.HostKey == nil {
		k, _, err := HostKey(filepath.Join(tb.TempDir(), "host_key"))
		if err != nil {
			tb.Fatalf("HostKey: %v", err)
		}
		cfg.HostKey = k
	}
	if cfg.Catalogue == nil {
		cfg.Catalogue = sshTestCatalogue(tb, "login")
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("Listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			tb.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			tb.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return srv, ln.Addr().String()
}

// sshTestDial connects as user; with no auth methods, the "none" method.
func sshTestDial(tb testing.TB, srv *Server, addr, user string, auth ...gossh.AuthMethod) *gossh.Client {
	tb.Helper()
	c, err := sshTestTryDial(srv, addr, user, auth...)
	if err != nil {
		tb.Fatalf("dial %s as %s: %v", addr, user, err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

func sshTestTryDial(srv *Server, addr, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: user, Auth: auth,
		// The client checks the server's key, as an attendee's ssh does.
		HostKeyCallback: gossh.FixedHostKey(srv.cfg.HostKey.PublicKey()),
		Timeout:         10 * time.Second,
	})
}

// sshTestKey makes a client key pair.
func sshTestKey(tb testing.TB) gossh.Signer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// sshTestTerm is a session with a pty, as an attendee's terminal sees it.
type sshTestSize struct{ at, w, h int }

type sshTestTerm struct {
	tb     testing.TB
	sess   *gossh.Session
	in     io.WriteCloser
	mu     sync.Mutex
	out    []byte
	sizes  []sshTestSize // the window's size from an offset of out on
	notify chan struct{} // output arrived
	done   chan error    // the session ended (Wait's result)
}

// sshTestOpen opens a session with a w×h pty and starts the player.
func sshTestOpen(tb testing.TB, c *gossh.Client, w, h int) *sshTestTerm {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		tb.Fatalf("RequestPty: %v", err)
	}
	t := &sshTestTerm{tb: tb, sess: sess, notify: make(chan struct{}, 1), done: make(chan error, 1), sizes: []sshTestSize{{0, w, h}}}
	if t.in, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		tb.Fatalf("Shell: %v", err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			t.mu.Lock()
			t.out = append(t.out, buf[:n]...)
			t.mu.Unlock()
			select {
			case t.notify <- struct{}{}:
			default:
			}
			if err != nil {
				t.done <- sess.Wait()
				return
			}
		}
	}()
	tb.Cleanup(func() { sess.Close() })
	return t
}

// sshTestCompact is text without white space: the renderer moves the
// cursor over blanks and wraps text to the width, so words are compared,
// not spacing.
func sshTestCompact(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, text)
}

// screen is what the client's terminal shows now: the stream so far
// played into a terminal emulator (charmbracelet/x/vt, by the authors of
// Bubble Tea's renderer), resized where the window changed. Tests read
// the screen a client would show, not the byte stream, because the
// renderer rewrites only the cells that changed.
func (t *sshTestTerm) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var em *vt.Emulator
	for i, sz := range t.sizes {
		if em == nil {
			em = vt.NewEmulator(sz.w, sz.h)
			// The emulator answers the renderer's queries on its input
			// pipe, which blocks until read: this terminal answers nothing,
			// as a terminal that does not know the query.
			// Closing the pipe's writer (not em.Close, which races with
			// Read in vt v0.1.0) ends the copy.
			go func() { _, _ = io.Copy(io.Discard, em) }()
			defer em.InputPipe().(io.Closer).Close()
		} else {
			em.Resize(sz.w, sz.h)
		}
		end := len(t.out)
		if i+1 < len(t.sizes) {
			end = t.sizes[i+1].at
		}
		_, _ = em.Write(t.out[sz.at:end])
	}
	return em.String()
}

// waitFor reads until the screen shows text, or fails the test when ctx
// ends.
func (t *sshTestTerm) waitFor(ctx context.Context, text string) {
	t.tb.Helper()
	want := sshTestCompact(text)
	for {
		got := t.screen()
		if strings.Contains(sshTestCompact(got), want) {
			return
		}
		select {
		case <-t.notify:
		case err := <-t.done:
			t.done <- err
			if got = t.screen(); strings.Contains(sshTestCompact(got), want) {
				return // the last output came with the end
			}
			t.tb.Fatalf("the session ended (%v) before %q appeared; the screen:\n%s", err, text, got)
		case <-ctx.Done():
			t.tb.Fatalf("%q did not appear: %v; the screen:\n%s", text, ctx.Err(), got)
		}
	}
}

// resize changes the window (RFC 4254 §6.7 window-change).
func (t *sshTestTerm) resize(w, h int) {
	t.tb.Helper()
	t.mu.Lock()
	t.sizes = append(t.sizes, sshTestSize{len(t.out), w, h})
	t.mu.Unlock()
	if err := t.sess.WindowChange(h, w); err != nil {
		t.tb.Fatalf("WindowChange: %v", err)
	}
}

func sshTestTail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// press types keys.
func (t *sshTestTerm) press(keys string) {
	t.tb.Helper()
	if _, err := io.WriteString(t.in, keys); err != nil {
		t.tb.Fatalf("typing %q: %v", keys, err)
	}
}

// wait waits for the session to end and returns Wait's error.
func (t *sshTestTerm) wait(ctx context.Context) error {
	t.tb.Helper()
	select {
	case err := <-t.done:
		t.done <- err
		return err
	case <-ctx.Done():
		t.tb.Fatalf("the session did not end: %v", ctx.Err())
		return nil
	}
}

// sshTestRun runs a session without a pty and returns its stderr and Wait's error.
func sshTestRun(tb testing.TB, c *gossh.Client, start func(*gossh.Session) error) (string, error) {
	tb.Helper()
	sess, err := c.NewSession()
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	defer sess.Close()
	var stderr bytes.Buffer
	sess.Stderr = &stderr
	if err := start(sess); err != nil {
		return "", err
	}
	err = sess.Wait()
	return stderr.String(), err
}

// sshTestNoQuestions answers a keyboard-interactive login that asks
// nothing: how an open room with an instructor password lets attendees in.
var sshTestNoQuestions = gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
