//go:build browser

// Browser tests: the page in a real headless Chromium (Debian's chromium),
// driven with chromedp. Run: go test -race -tags browser ./web/...
//
// One Chromium serves the whole test binary (TestMain starts it); each test
// opens its own tab in its own browser context (Target.createBrowserContext:
// cookies, storage and permissions of its own, as a fresh incognito window),
// so tests neither see each other's cookies nor pay a browser start each.
//
// The files: browser_main_test.go (this: the browser and the page helpers),
// browser_fixture_test.go (the page against a protocol fixture),
// browser_server_test.go (the page against the real server),
// browser_room_test.go (one room, an SSH door and a web door),
// browser_login_test.go (the login form, the session cookie, the same
// world after a drop, an instructor leading from the browser),
// browser_static_test.go (the static WebAssembly build, tokensim web
// --export, served by a plain file server).
package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium is the test binary's browser, started by TestMain; tests open
// tabs in it with newBrowser and never change it.
var chromium context.Context

// runTests (the browser build's; TestMain is bench_test.go's) starts headless Chromium with the brief's flags and a fresh
// profile, runs the tests, and closes the browser.
func runTests(m *testing.M) int {
	path := "/usr/bin/chromium"
	if p := os.Getenv("CHROMIUM"); p != "" {
		path = p
	} else if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else {
			fmt.Fprintf(os.Stderr, "chromium not found (install Debian's chromium or set CHROMIUM): %v\n", err)
			return 1
		}
	}
	profile, err := os.MkdirTemp("", "tokensim-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(profile)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1000, 700),
	)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	if err := chromedp.Do(bctx); err != nil {
		fmt.Fprintf(os.Stderr, "start chromium: %v\n", err)
		return 1
	}
	chromium = bctx
	defer removeStaticBuild()
	return m.Run()
}

// newBrowser opens a tab of w x h CSS pixels in a browser context of its
// own, closed when the test ends.
func newBrowser(t *testing.T, w, h int) context.Context {
	t.Helper()
	// Every exception the page's script throws and does not catch fails
	// the test: the page must run clean, not merely draw.
	var mu sync.Mutex
	var thrown []string
	ctx, cancelTab := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext(), chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			d := e.ExceptionDetails
			desc := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				desc += " " + d.Exception.Description
			}
			if d.StackTrace != nil {
				for _, f := range d.StackTrace.CallFrames {
					desc += fmt.Sprintf("\n\tat %s (%s:%d:%d)", f.FunctionName, f.URL, f.LineNumber+1, f.ColumnNumber+1)
				}
			}
			thrown = append(thrown, desc)
			mu.Unlock()
		}
	}))
	// A ceiling for a hung browser, not a pacing sleep.
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range thrown {
			t.Errorf("the page threw: %s", e)
		}
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(w), int64(h))); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return ctx
}

// screenText is the text of each row as the DOM holds it (what assistive
// technology reads), rows joined by newlines.
const screenText = `Array.from(document.querySelectorAll("#screen .row")).map(r => r.textContent).join("\n")`

// waitText polls the DOM until the screen's text contains want.
func waitText(want string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(%s).includes(%q)`, screenText, want))
}

// waitJS polls the page until the expression is truthy (DOM mutations
// drive the polling; there is no wall-clock sleep).
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingMutation(), chromedp.WithPollingTimeout(20*time.Second))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func readScreen(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, screenText)
}

// firstFrames loads url n times in the tab and returns, for each load, the
// page's window.tokensimFirstFrameMs: milliseconds from the navigation's
// start (performance.now's time origin) to the first frame drawn into the
// DOM. Each load waits until the screen shows ready.
func firstFrames(t *testing.T, ctx context.Context, url, ready string, n int) []float64 {
	t.Helper()
	var ms []float64
	for i := range n {
		if err := chromedp.Do(ctx, chromedp.Navigate(url), waitJS(`window.tokensimFirstFrameMs !== undefined`), waitText(ready)); err != nil {
			t.Fatalf("load %d of %s: %v\n%s", i+1, url, err, readScreen(t, ctx))
		}
		ms = append(ms, eval[float64](t, ctx, `window.tokensimFirstFrameMs`))
	}
	return ms
}

// logTimes reports load times as one "timing:" line, for the README's
// figures (go test -v -tags browser ./web/ | grep timing:): the first
// load (a new tab, nothing cached), then the median and the slowest of
// the rest. server says a tokensim server answers the page (it runs in
// this test binary: slower under -race).
func logTimes(t *testing.T, what string, server bool, ms []float64) {
	t.Helper()
	if server && raceBuild() {
		what += ", server under -race"
	}
	rest := slices.Clone(ms[1:])
	slices.Sort(rest)
	if len(rest) == 0 {
		t.Logf("timing: %s: first load %.0f ms", what, ms[0])
		return
	}
	t.Logf("timing: %s: first load %.0f ms; %d reloads: median %.0f ms, slowest %.0f ms (all: %.0f)",
		what, ms[0], len(rest), rest[len(rest)/2], rest[len(rest)-1], ms)
}

// raceBuild says whether this test binary was built with -race (the Go
// build records it among its settings), which slows the server's side.
func raceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, st := range bi.Settings {
		if st.Key == "-race" {
			return st.Value == "true"
		}
	}
	return false
}
