//go:build browser

package web

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The tests below load the page from the real server (testServer in
// web_test.go: the built-in catalogue, the same player as tokensim ssh).

func TestServerPageShowsPickerAndOpensLesson(t *testing.T) {
	_, hs := testServer(t)
	ctx := newBrowser(t, 1000, 700)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("load: %v (screen %q)", err, readScreen(t, ctx))
	}
	// j moves the picker's selection ("│" marks the selected row) to the
	// second lesson; Enter opens it and the picker's title goes.
	second := `Array.from(document.querySelectorAll("#screen .row")).some(r => r.textContent.startsWith("│") && r.textContent.includes("Calling the API with a bearer token"))`
	if eval[bool](t, ctx, second) {
		t.Fatalf("the second lesson is selected before any key:\n%s", readScreen(t, ctx))
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("j"), waitJS(second)); err != nil {
		t.Fatalf("j did not select the second lesson: %v\n%s", err, readScreen(t, ctx))
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter),
		waitJS(fmt.Sprintf(`!(%s).includes("tokensim — pick a lesson")`, screenText))); err != nil {
		t.Fatalf("enter did not open the lesson: %v\n%s", err, readScreen(t, ctx))
	}
	// The right arrow (ESC [ C) takes the first step: the "Press →"
	// prompt of the unstarted lesson goes.
	if err := chromedp.Do(ctx, waitText("Press → (or space) to take the first step"), chromedp.KeyEvent(kb.ArrowRight),
		waitJS(fmt.Sprintf(`!(%s).includes("Press → (or space) to take the first step")`, screenText))); err != nil {
		t.Fatalf("→ did not take the first step: %v\n%s", err, readScreen(t, ctx))
	}
}

func TestServerPageResizesThePlayer(t *testing.T) {
	_, hs := testServer(t)
	ctx := newBrowser(t, 1000, 700)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("load: %v", err)
	}
	rowsJS := `document.querySelectorAll("#screen .row").length`
	before := eval[int](t, ctx, rowsJS)
	want := eval[int](t, ctx, `Math.floor(600 / parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--cell-h")))`)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(700, 600),
		waitJS(fmt.Sprintf(`%s === %d`, rowsJS, want)),
		waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("rows after resize: %d (was %d, want %d): %v", eval[int](t, ctx, rowsJS), before, want, err)
	}
	if before == want {
		t.Fatalf("the resize did not change the row count (%d)", want)
	}
	// The player drew for the new width: no row is wider than it.
	cols := eval[int](t, ctx, `Math.floor(document.getElementById("screen").clientWidth / (document.getElementById("measure").getBoundingClientRect().width / 10))`)
	widest := eval[int](t, ctx, `Math.max(...Array.from(document.querySelectorAll("#screen .row")).map(r => [...r.textContent].length))`)
	if widest > cols {
		t.Errorf("a row has %d characters, the window holds %d columns", widest, cols)
	}
}

// dropper wraps a handler and records every connection a handler hijacks
// (the WebSocket's), so a test can cut them as a network drop would.
type dropper struct {
	h     http.Handler
	mu    sync.Mutex
	conns []net.Conn
}

func (d *dropper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.h.ServeHTTP(hijackRecorder{w, d}, r)
}

// cut closes every hijacked connection without a WebSocket close frame.
func (d *dropper) cut() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.Close()
	}
	d.conns = nil
}

type hijackRecorder struct {
	http.ResponseWriter
	d *dropper
}

func (h hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err == nil {
		h.d.mu.Lock()
		h.d.conns = append(h.d.conns, c)
		h.d.mu.Unlock()
	}
	return c, rw, err
}

func TestServerPageReconnectsAfterDrop(t *testing.T) {
	s, _ := testServer(t)
	d := &dropper{h: s}
	hs := httptest.NewServer(d)
	t.Cleanup(hs.Close)
	ctx := newBrowser(t, 1000, 700)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("load: %v", err)
	}
	d.cut()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#status"))); err != nil {
		t.Fatalf("no status line after the drop: %v", err)
	}
	if st := eval[string](t, ctx, `document.getElementById("status").textContent`); !strings.Contains(st, "Connection lost") {
		t.Errorf("status line reads %q", st)
	}
	// The page reconnects by itself and the player draws again (the rows
	// are blanked first, so the picker's text must come from new frames).
	// (The same world comes back: browser_login_test.go shows it at a
	// lesson's step.)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#screen .row").forEach(r => r.textContent = "")`),
		chromedp.WaitNotVisible(chromedp.CSS("#status")), waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("did not reconnect: %v\n%s", err, readScreen(t, ctx))
	}
}

// Page load to first frame on loopback, from the real server: issue 18
// aims at under 500 ms. The bound asserted is far looser (a loaded CI
// machine under -race must not fail it); the figures are logged.
func TestServerPageFirstFrameTime(t *testing.T) {
	_, hs := testServer(t)
	ctx := newBrowser(t, 1000, 700)
	ms := firstFrames(t, ctx, hs.URL+"/", "tokensim — pick a lesson", 6)
	logTimes(t, "web page, navigation start to first frame (loopback)", true, ms)
	for i, v := range ms {
		if v <= 0 || v > 10000 {
			t.Errorf("load %d: first frame after %.0f ms, want 0 < t <= 10000 ms", i+1, v)
		}
	}
}
