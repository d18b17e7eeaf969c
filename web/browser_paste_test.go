//go:build browser

package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A paste whose message would pass the server's read limit (ReadLimit)
// closed the socket (1009) and the page reconnected silently. The page
// refuses it with a status line and sends nothing; its size is the
// message's UTF-8 bytes, escaping included. The next paste that fits is
// sent on the same socket and clears the line.
func TestPageRefusesAPasteTooLong(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t, 800, 600)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.URL+"/"), waitText("size ")); err != nil {
		t.Fatalf("load: %v", err)
	}
	paste := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const dt = new DataTransfer(); dt.setData("text/plain", %q);
			document.getElementById("input").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true})); })()`, text))
	}
	const status = `document.getElementById("status")`
	for _, c := range []struct{ name, text, kb string }{
		{"60,000 letters", strings.Repeat("x", 60000), "61"},
		{"47,000 quotes, twice that escaped", strings.Repeat(`"`, 47000), "95"},
		{"40,000 é, two bytes each", strings.Repeat("é", 40000), "81"},
	} {
		want := "That paste is too long for tokensim (" + c.kb + " KB; at most 48 KB)."
		if err := chromedp.Do(ctx, paste(c.text), waitJS(fmt.Sprintf(`%s.textContent === %q && !%s.hidden`, status, want, status))); err != nil {
			t.Fatalf("%s: %v (status %q)", c.name, err, eval[string](t, ctx, status+".textContent"))
		}
	}
	if err := chromedp.Do(ctx, paste("after"), waitText(`got paste "after"`), waitJS(status+".hidden")); err != nil {
		t.Fatalf("a paste that fits: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.got {
		if m.Type == "paste" && m.Text != "after" {
			t.Errorf("a paste too long was sent (%d bytes)", len(m.Text))
		}
	}
	if f.conns != 1 {
		t.Errorf("%d connections, want 1: the socket was closed", f.conns)
	}
}
