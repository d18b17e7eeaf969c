package web

import (
	"context"
	"encoding/json"
	"github.com/tokensim/tokensim/web/term"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/scenarios"
)

// testServer serves the built-in catalogue on a loopback httptest server.
func testServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Catalogue: cat, Run: scenarios.Options{Seed: 1}, Logf: t.Logf})
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		hs.Close()
	})
	return s, hs
}

// testCtx bounds a test that would otherwise wait forever on a broken
// server: a deadline, not a sleep.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, ctx context.Context, hs *httptest.Server) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {hs.URL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func send(t *testing.T, ctx context.Context, c *websocket.Conn, m any) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// page is what a page knows: the screen's rows, from the frames so far.
type page struct {
	cols, rows int
	lines      []string
	frames     int
	bye        string
}

// next reads one message and applies it.
func (p *page) next(t *testing.T, ctx context.Context, c *websocket.Conn) (term.Frame, bool) {
	t.Helper()
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("reading a message: %v; the screen:\n%s", err, p.text())
	}
	var head struct{ Type, Text string }
	if err := json.Unmarshal(b, &head); err != nil {
		t.Fatal(err)
	}
	if head.Type == "bye" {
		p.bye = head.Text
		return term.Frame{}, false
	}
	if head.Type != "frame" {
		return term.Frame{}, false
	}
	var f term.Frame
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if f.Cols != p.cols || f.Rows != p.rows {
		p.cols, p.rows, p.lines = f.Cols, f.Rows, make([]string, f.Rows)
	}
	for _, l := range f.Lines {
		var sb strings.Builder
		for _, s := range l.Spans {
			sb.WriteString(s.Text)
		}
		p.lines[l.Y] = sb.String()
	}
	p.frames++
	return f, true
}

func (p *page) text() string { return strings.Join(p.lines, "\n") }

// until reads messages until the screen contains want.
func (p *page) until(t *testing.T, ctx context.Context, c *websocket.Conn, want string) {
	t.Helper()
	for !strings.Contains(p.text(), want) {
		if _, ok := p.next(t, ctx, c); !ok && p.bye != "" {
			t.Fatalf("bye %q before the screen showed %q:\n%s", p.bye, want, p.text())
		}
	}
}

func TestFirstFrameIsFullAndShowsThePicker(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	f, ok := p.next(t, ctx, c)
	for !ok {
		f, ok = p.next(t, ctx, c)
	}
	if f.Cols != 80 || f.Rows != 24 || len(f.Lines) != 24 {
		t.Fatalf("first frame: %dx%d with %d lines, want 80x24 with every row", f.Cols, f.Rows, len(f.Lines))
	}
	for y, l := range f.Lines {
		if l.Y != y {
			t.Fatalf("line %d has y %d", y, l.Y)
		}
	}
	p.until(t, ctx, c, "tokensim — pick a lesson")
	if !strings.Contains(p.text(), "Logging in with the authorization code flow and PKCE") {
		t.Fatalf("the picker does not show the first lesson:\n%s", p.text())
	}
}

func TestKeyChangesTheScreen(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "Calling the API with a bearer token")
	row := func(s string) int {
		for y, l := range p.lines {
			if strings.Contains(l, s) {
				return y
			}
		}
		return -1
	}
	second := row("Calling the API with a bearer token")
	if strings.HasPrefix(p.lines[second], "│") {
		t.Fatalf("the second lesson is selected before any key:\n%s", p.text())
	}
	send(t, ctx, c, map[string]any{"type": "key", "data": "j"})
	for !strings.HasPrefix(p.lines[second], "│") {
		f, ok := p.next(t, ctx, c)
		if !ok {
			t.Fatalf("no frame after j (bye %q)", p.bye)
		}
		if len(f.Lines) == f.Rows {
			t.Fatalf("a frame after a key sent every row: only the touched rows are sent")
		}
	}
}

func TestResizeSendsEveryRow(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 100, "rows": 30})
	for {
		f, ok := p.next(t, ctx, c)
		if ok && f.Cols == 100 && f.Rows == 30 {
			if len(f.Lines) != 30 {
				t.Fatalf("the first frame after a resize has %d rows, want every one (30)", len(f.Lines))
			}
			break
		}
	}
	p.until(t, ctx, c, "tokensim — pick a lesson")
}

func TestQuitSaysBye(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	send(t, ctx, c, map[string]any{"type": "key", "data": "\x03"}) // ctrl+c
	for p.bye == "" {
		p.next(t, ctx, c)
	}
	if p.bye != byeQuit {
		t.Fatalf("bye %q, want %q", p.bye, byeQuit)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("after bye: %v, want a normal closure", err)
	}
}

func TestCloseSaysBye(t *testing.T) {
	ctx := testCtx(t)
	s, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	go s.Close()
	for p.bye == "" {
		p.next(t, ctx, c)
	}
	// The room's goodbye, with the web's way back.
	if want := "tokensim: the server is shutting down. Thank you! reload the page once it is back."; p.bye != want {
		t.Fatalf("bye %q, want %q", p.bye, want)
	}
}

func TestOtherOriginRefused(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"https://evil.example"}},
	})
	if err == nil {
		c.CloseNow()
		t.Fatal("a WebSocket from another origin was accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another origin: %v (response %v), want 403", err, resp)
	}
}

func TestLargeMessageWithinTheLimitIsRead(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	// Larger than coder/websocket's default limit (32 KiB), within ours.
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 100, "rows": 30, "pad": strings.Repeat("x", 48<<10)})
	for p.cols != 100 {
		if _, ok := p.next(t, ctx, c); !ok && p.bye != "" {
			t.Fatalf("bye %q", p.bye)
		}
	}
}

func TestOversizedMessageClosesTheSocket(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	send(t, ctx, c, map[string]any{"type": "paste", "text": strings.Repeat("x", ReadLimit+1)})
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		if st := websocket.CloseStatus(err); st != websocket.StatusMessageTooBig {
			t.Fatalf("after an oversized message: %v (status %v), want 1009", err, st)
		}
		return
	}
}

func TestPageServed(t *testing.T) {
	_, hs := testServer(t)
	resp, err := http.Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
}
