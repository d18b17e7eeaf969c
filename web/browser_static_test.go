//go:build browser

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// staticBuild is tokensim web --export's output, made once per test
// binary (building the player as WebAssembly takes up to a minute) and
// removed by TestMain.
var staticBuild struct {
	once sync.Once
	dir  string // the export, inside root
	root string // the temporary directory holding it
	took time.Duration
	err  error
}

// exportStatic runs tokensim web --export from this checkout (the module
// root is web/'s parent) into a temporary directory, once.
func exportStatic(t *testing.T) string {
	t.Helper()
	b := &staticBuild
	b.once.Do(func() {
		b.root, b.err = os.MkdirTemp("", "tokensim-export-")
		if b.err != nil {
			return
		}
		b.dir = filepath.Join(b.root, "site")
		start := time.Now()
		cmd := exec.Command("go", "run", "./cmd/tokensim", "web", "--export", b.dir)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		b.took = time.Since(start)
		if err != nil {
			b.err = fmt.Errorf("tokensim web --export: %w\n%s", err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	t.Logf("tokensim web --export took %s (once per test binary)", b.took.Round(100*time.Millisecond))
	return b.dir
}

// removeStaticBuild removes the export, if one was made (TestMain).
func removeStaticBuild() {
	if staticBuild.root != "" {
		os.RemoveAll(staticBuild.root)
	}
}

// serveStatic serves dir on loopback as any static web server would, with
// tokensim.wasm as Content-Type application/wasm (what lets the browser
// compile it while it downloads: WebAssembly Web API, compileStreaming).
func serveStatic(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

// staticLoadLimit is how long a load of the static build may take to
// draw: the WebAssembly module is tens of megabytes to download and
// compile, and this machine may be shared (16 s was seen at a load
// average of 12 on 2 cores).
const staticLoadLimit = 60 * time.Second

// waitLong is waitText with room for the player to download and compile.
func waitLong(want string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(`(%s).includes(%q)`, screenText, want),
		chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(staticLoadLimit))
}

// The static WebAssembly build, served by a plain file server on
// loopback: the page starts the player in the tab, which draws the
// picker; keys open a lesson and take its steps; a smaller window gets a
// smaller screen; a reload finds the progress; q ends the player and the
// status line's button starts another. Navigation to first frame is
// logged for the README; the aim is < 2 s, but the only bound held is
// staticLoadLimit, which a loaded machine still meets.
func TestStaticBuildPlaysALesson(t *testing.T) {
	hs := serveStatic(t, exportStatic(t))
	ctx := newBrowser(t, 1000, 700)
	var ms []float64
	for i := range 4 {
		if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), waitLong("tokensim — pick a lesson")); err != nil {
			t.Fatalf("load %d: %v\n%s", i+1, err, readScreen(t, ctx))
		}
		ms = append(ms, eval[float64](t, ctx, `window.tokensimFirstFrameMs`))
	}
	logTimes(t, "static WebAssembly build, navigation start to first frame (loopback)", false, ms)
	for i, v := range ms {
		if v <= 0 || v > float64(staticLoadLimit.Milliseconds()) {
			t.Errorf("load %d: first frame after %.0f ms, want 0 < t <= %d ms", i+1, v, staticLoadLimit.Milliseconds())
		}
	}
	if note := eval[string](t, ctx, `(document.getElementById("static-note") || {textContent: ""}).textContent`); !strings.Contains(note, "no workshop room") {
		t.Errorf("the static build's note reads %q", note)
	}

	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), waitText("take the first step"),
		chromedp.KeyEvent("l"), waitText("1. Alice signs in at the auth server"),
		chromedp.KeyEvent("2"), chromedp.KeyEvent("l"), waitText("2. The app uses the access token")); err != nil {
		t.Fatalf("play the lesson: %v\n%s", err, readScreen(t, ctx))
	}

	rowsJS := `document.querySelectorAll("#screen .row").length`
	before := eval[int](t, ctx, rowsJS)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(700, 500),
		waitJS(fmt.Sprintf(`%s < %d`, rowsJS, before)), waitText("2. The app uses the access token")); err != nil {
		t.Fatalf("after a resize: %d rows (was %d): %v\n%s", eval[int](t, ctx, rowsJS), before, err, readScreen(t, ctx))
	}
	cols := eval[int](t, ctx, `Math.floor(document.getElementById("screen").clientWidth / (document.getElementById("measure").getBoundingClientRect().width / 10))`)
	widest := eval[int](t, ctx, `Math.max(...Array.from(document.querySelectorAll("#screen .row")).map(r => [...r.textContent].length))`)
	if widest > cols {
		t.Errorf("after the resize a row has %d characters, the window holds %d columns", widest, cols)
	}

	// The progress stays in this browser (localStorage): a new page
	// offers the lesson where it was left, and 1 resumes there.
	if err := chromedp.Do(ctx, chromedp.Reload(), waitLong("tokensim — pick a lesson"),
		chromedp.KeyEvent(kb.Enter), waitText("You left this lesson at step 2"),
		chromedp.KeyEvent("1"), waitText("2. The app uses the access token")); err != nil {
		t.Fatalf("after a reload: %v\n%s", err, readScreen(t, ctx))
	}

	// q quits the player: the page says so and offers a new one, which
	// starts at the picker.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("q"),
		waitJS(`!document.getElementById("status").hidden && document.querySelector("#status button") !== null`)); err != nil {
		t.Fatalf("after q: %v (status %q)", err, eval[string](t, ctx, `document.getElementById("status").textContent`))
	}
	if got := eval[string](t, ctx, `document.querySelector("#status button").textContent`); got != "Start again" {
		t.Errorf("the status line's button reads %q, want Start again", got)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#screen .row").forEach(r => r.textContent = "")`),
		chromedp.Click(chromedp.CSS("#status button")), waitLong("tokensim — pick a lesson")); err != nil {
		t.Fatalf("Start again: %v\n%s", err, readScreen(t, ctx))
	}
}

// The file server answers tokensim.wasm as application/wasm, as the test
// above relies on.
func TestStaticBuildServesWasmType(t *testing.T) {
	hs := serveStatic(t, exportStatic(t))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, hs.URL+"/tokensim.wasm", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "application/wasm" {
		t.Errorf("HEAD /tokensim.wasm: %d, Content-Type %q", resp.StatusCode, ct)
	}
}
