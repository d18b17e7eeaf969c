//go:build browser

package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/coder/websocket"
)

// The tests in this file run the page against fixtureServer below: a test
// fixture that speaks the frame protocol (echoing what it receives) and is
// never shipped, so each of the page's behaviours is checked on its own.

// msg is one protocol message in either direction.
type msg struct {
	Type   string  `json:"type"`
	Data   string  `json:"data,omitempty"`
	Text   string  `json:"text,omitempty"`
	Cols   int     `json:"cols,omitempty"`
	Rows   int     `json:"rows,omitempty"`
	Lines  []line  `json:"lines,omitempty"`
	Cursor *cursor `json:"cursor,omitempty"`
}

type line struct {
	Y     int    `json:"y"`
	Spans []span `json:"spans"`
}

type span struct {
	Text      string `json:"text"`
	Fg        string `json:"fg,omitempty"`
	Bg        string `json:"bg,omitempty"`
	Bold      bool   `json:"bold,omitempty"`
	Italic    bool   `json:"italic,omitempty"`
	Underline bool   `json:"underline,omitempty"`
	Reverse   bool   `json:"reverse,omitempty"`
	Faint     bool   `json:"faint,omitempty"`
}

type cursor struct {
	X       int  `json:"x"`
	Y       int  `json:"y"`
	Visible bool `json:"visible"`
}

// fixtureServer serves web/page from disk and a /ws that answers every
// resize with a full frame ("size CxR" on row 0, styled text on row 1) and
// every key or paste with row 2 "got <quoted data>"; the keys C, S and B
// also bring a clipboard, status and bye message. Each connection's
// messages from the page are recorded; drop closes the live connection.
type fixtureServer struct {
	*httptest.Server
	mu    sync.Mutex
	got   []msg // every message from the page, in order, all connections
	conns int
	live  *websocket.Conn
}

func newFixture(t *testing.T) *fixtureServer {
	t.Helper()
	f := &fixtureServer{}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir("page")))
	mux.HandleFunc("/ws", f.serveWS)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fixtureServer) serveWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	f.mu.Lock()
	f.conns++
	n := f.conns
	f.live = c
	f.mu.Unlock()
	ctx := r.Context()
	write := func(m msg) error {
		b, _ := json.Marshal(m)
		return c.Write(ctx, websocket.MessageText, b)
	}
	cols, rows := 0, 0
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m msg
		if json.Unmarshal(b, &m) != nil {
			return
		}
		f.mu.Lock()
		f.got = append(f.got, m)
		f.mu.Unlock()
		switch m.Type {
		case "resize":
			cols, rows = m.Cols, m.Rows
			fr := msg{Type: "frame", Cols: cols, Rows: rows, Cursor: &cursor{X: 2, Y: 1, Visible: true}}
			for y := 0; y < rows; y++ {
				fr.Lines = append(fr.Lines, line{Y: y, Spans: []span{{Text: ""}}})
			}
			fr.Lines[0].Spans = []span{{Text: fmt.Sprintf("size %dx%d conn %d", cols, rows, n)}}
			if rows > 1 {
				fr.Lines[1].Spans = []span{{Text: "plain "}, {Text: "bold-red", Fg: "#ff0000", Bold: true}, {Text: " rev", Reverse: true}}
			}
			if err := write(fr); err != nil {
				return
			}
		case "key", "paste":
			d := m.Data + m.Text
			// Capital C, S and B ask the fixture for the other messages.
			var extra *msg
			switch d {
			case "C":
				extra = &msg{Type: "clipboard", Text: "copied by tokensim"}
			case "S":
				extra = &msg{Type: "status", Text: "the instructor is broadcasting"}
			case "B":
				extra = &msg{Type: "bye", Text: "You left the room."}
			}
			if extra != nil {
				if err := write(*extra); err != nil {
					return
				}
			}
			if err := write(msg{Type: "frame", Cols: cols, Rows: rows,
				Lines: []line{{Y: 2, Spans: []span{{Text: fmt.Sprintf("got %s %q", m.Type, d)}}}}}); err != nil {
				return
			}
		}
	}
}

func (f *fixtureServer) messages() []msg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]msg(nil), f.got...)
}

func (f *fixtureServer) connCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conns
}

func (f *fixtureServer) drop() {
	f.mu.Lock()
	c := f.live
	f.mu.Unlock()
	if c != nil {
		c.Close(websocket.StatusGoingAway, "test drops the connection")
	}
}

func lastResize(ms []msg) (msg, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Type == "resize" {
			return ms[i], true
		}
	}
	return msg{}, false
}

func TestPageDrawsFrameAndSendsSize(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#screen .row")),
		waitText("bold-red"),
	); err != nil {
		t.Fatalf("load: %v", err)
	}
	r, ok := lastResize(f.messages())
	if !ok {
		t.Fatal("the page sent no resize on load")
	}
	// 800x600 CSS px at 15px monospace: a cell is ~9 px wide, ~19 px tall.
	if r.Cols < 60 || r.Cols > 120 || r.Rows < 20 || r.Rows > 40 {
		t.Errorf("resize %dx%d does not fit an 800x600 window", r.Cols, r.Rows)
	}
	text := readScreen(t, ctx)
	if !strings.Contains(text, fmt.Sprintf("size %dx%d conn 1", r.Cols, r.Rows)) {
		t.Errorf("screen text %q lacks the frame's row 0", text)
	}
	nrows := eval[int](t, ctx, `document.querySelectorAll("#screen .row").length`)
	boldColor := eval[string](t, ctx, `(() => { const s = document.querySelectorAll("#screen .row")[1].children[1];
			return getComputedStyle(s).fontWeight + " " + getComputedStyle(s).color })()`)
	revBg := eval[string](t, ctx, `(() => { const s = document.querySelectorAll("#screen .row")[1].children[2];
			return getComputedStyle(s).backgroundColor === getComputedStyle(document.body).color ? "swapped" : "not swapped" })()`)
	if nrows != r.Rows {
		t.Errorf("DOM has %d rows, frame had %d", nrows, r.Rows)
	}
	if boldColor != "700 rgb(255, 0, 0)" {
		t.Errorf("bold red span computes to %q", boldColor)
	}
	if revBg != "swapped" {
		t.Errorf("reverse span's background is %s with the default foreground", revBg)
	}
	// The fixture puts the cursor at column 2 of row 1: over the "a" of
	// "plain" (the same cell grid the text is laid out on).
	cur := eval[string](t, ctx, `(() => {
		const c = document.getElementById("cursor").getBoundingClientRect();
		const row = document.querySelectorAll("#screen .row")[1].getBoundingClientRect();
		const r = document.createRange(); const txt = document.querySelectorAll("#screen .row")[1].firstChild.firstChild;
		r.setStart(txt, 2); r.setEnd(txt, 3); const a = r.getBoundingClientRect();
		return (document.getElementById("cursor").hidden ? "hidden" : "shown") + " " +
			(Math.abs(c.left - a.left) < 1 && Math.abs(c.top - row.top) < 1 && Math.abs(c.width - a.width) < 1 ? "on the cell" : "off: " + JSON.stringify([c, a, row]));
	})()`)
	if cur != "shown on the cell" {
		t.Errorf("cursor: %s", cur)
	}
}

func TestPageSendsTerminalKeys(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.URL+"/"),
		waitText("size "),
	); err != nil {
		t.Fatalf("load: %v", err)
	}
	cases := []struct {
		name string
		act  chromedp.Action[chromedp.Void]
		want string
	}{
		{"letter", chromedp.KeyEvent("a"), "a"},
		{"enter", chromedp.KeyEvent(kb.Enter), "\r"},
		{"escape", chromedp.KeyEvent(kb.Escape), "\x1b"},
		{"tab", chromedp.KeyEvent(kb.Tab), "\t"},
		{"backspace", chromedp.KeyEvent(kb.Backspace), "\x7f"},
		{"up", chromedp.KeyEvent(kb.ArrowUp), "\x1b[A"},
		{"down", chromedp.KeyEvent(kb.ArrowDown), "\x1b[B"},
		{"right", chromedp.KeyEvent(kb.ArrowRight), "\x1b[C"},
		{"left", chromedp.KeyEvent(kb.ArrowLeft), "\x1b[D"},
		{"home", chromedp.KeyEvent(kb.Home), "\x1b[H"},
		{"end", chromedp.KeyEvent(kb.End), "\x1b[F"},
		{"pageup", chromedp.KeyEvent(kb.PageUp), "\x1b[5~"},
		{"pagedown", chromedp.KeyEvent(kb.PageDown), "\x1b[6~"},
		{"ctrl+c", chromedp.KeyEvent("c", chromedp.KeyModifiers(chromedp.ModifierCtrl)), "\x03"},
		{"ctrl+l", chromedp.KeyEvent("l", chromedp.KeyModifiers(chromedp.ModifierCtrl)), "\x0c"},
	}
	for _, c := range cases {
		before := len(f.messages())
		// The fixture echoes each key on row 2; a marker key after it
		// proves every message the key caused has arrived.
		if err := chromedp.Do(ctx, c.act, waitText(fmt.Sprintf("got key %q", c.want)),
			chromedp.KeyEvent("z"), waitText(`got key "z"`)); err != nil {
			t.Errorf("%s: want key %q on the screen: %v (screen %q)", c.name, c.want, err, readScreen(t, ctx))
			continue
		}
		var got []string
		for _, m := range f.messages()[before:] {
			got = append(got, m.Type+" "+strconv.Quote(m.Data+m.Text))
		}
		want := []string{"key " + strconv.Quote(c.want), `key "z"`}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the page sent %q, want %q", c.name, got, want)
		}
	}
	// Focus stayed on the page's input throughout (no Tab escaped it).
	focused := eval[string](t, ctx, `document.activeElement.id`)
	if focused != "input" {
		t.Errorf("focus is on %q, want the terminal input", focused)
	}
}

func TestPageResizesWithWindow(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
		t.Fatalf("load: %v", err)
	}
	first, _ := lastResize(f.messages())
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 300)); err != nil {
		t.Fatal(err)
	}
	// The page's debounced resize reaches the fixture, whose full frame
	// reports the new size on row 0.
	if err := chromedp.Do(ctx, waitJS(
		fmt.Sprintf(`(%s).startsWith("size ") && !(%s).startsWith(%q)`, screenText, screenText, fmt.Sprintf("size %dx%d", first.Cols, first.Rows)))); err != nil {
		t.Fatalf("no new size frame after resizing: %v", err)
	}
	second, _ := lastResize(f.messages())
	if second.Cols*2 > first.Cols+2 || second.Rows*2 > first.Rows+2 {
		t.Errorf("after halving the window the page asked %dx%d (was %dx%d)", second.Cols, second.Rows, first.Cols, first.Rows)
	}
}

func TestPageReconnectsAfterDrop(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("conn 1")); err != nil {
		t.Fatalf("load: %v", err)
	}
	f.drop()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#status"))); err != nil {
		t.Fatalf("no status line after the drop: %v", err)
	}
	status := eval[string](t, ctx, `document.getElementById("status").textContent`)
	if !strings.Contains(status, "Connection lost") {
		t.Errorf("status line reads %q", status)
	}
	if err := chromedp.Do(ctx,
		waitText("conn 2"),
		chromedp.WaitNotVisible(chromedp.CSS("#status")),
	); err != nil {
		t.Fatalf("did not reconnect: %v", err)
	}
}

func TestPagePasteSendsPaste(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
		t.Fatalf("load: %v", err)
	}
	// A synthetic paste event with a DataTransfer, as the browser fires for
	// Ctrl+V (headless Chromium has no system clipboard to paste from).
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(() => { const dt = new DataTransfer(); dt.setData("text/plain", "pasted text");
			document.getElementById("input").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true})); })()`),
		waitText(`got paste "pasted text"`),
	); err != nil {
		t.Fatalf("paste: %v", err)
	}
}

func TestPageHonoursColorScheme(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	for _, c := range []struct{ scheme, bg string }{
		{"dark", "rgb(13, 17, 23)"},
		{"light", "rgb(255, 255, 255)"},
	} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: c.scheme}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
			t.Fatalf("load: %v", err)
		}
		if got := eval[string](t, ctx, `getComputedStyle(document.body).backgroundColor`); got != c.bg {
			t.Errorf("%s scheme: background %s, want %s", c.scheme, got, c.bg)
		}
	}
}

func TestPageCopiesToClipboard(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
		t.Fatalf("load: %v", err)
	}
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: f.URL,
			// The tab's own browser context (newBrowser), not the default one.
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	// The read is asynchronous: each poll starts one and checks the last.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("C"), waitText(`got key "C"`),
		chromedp.Poll[chromedp.Void](`(navigator.clipboard.readText().then(t => window.clip = t, e => window.clip = String(e)), window.clip === "copied by tokensim")`,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("clipboard: %v (last read %q)", err, eval[string](t, ctx, `String(window.clip)`))
	}
}

func TestPageShowsStatusAndBye(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("S"),
		waitJS(`document.getElementById("status").textContent === "the instructor is broadcasting" && !document.getElementById("status").hidden`)); err != nil {
		t.Fatalf("status: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("B"),
		waitJS(`document.getElementById("status").textContent.startsWith("You left the room.") && document.querySelector("#status button") !== null`)); err != nil {
		t.Fatalf("bye: %v", err)
	}
	// After bye the status line offers a button that connects again.
	f.drop()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#status button")), waitText("conn 2")); err != nil {
		t.Fatalf("connect again: %v", err)
	}
	if n := f.connCount(); n != 2 {
		t.Errorf("%d connections, want 2 (one before bye, one from the button)", n)
	}
}

// A click on the screen (no text selected) gives the keys back to the
// terminal: after the input lost focus, a click and a key reach the server.
func TestPageClickKeepsKeys(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
		t.Fatalf("load: %v", err)
	}
	if got := eval[string](t, ctx, `(document.activeElement.blur(), document.activeElement.id)`); got == "input" {
		t.Fatal("blur left the focus on the input")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#screen .row")), waitJS(`document.activeElement.id === "input"`),
		chromedp.KeyEvent("q"), waitText(`got key "q"`)); err != nil {
		t.Fatalf("after a click on the screen: %v (focus on %q)", err, eval[string](t, ctx, `document.activeElement.id`))
	}
}
