package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// btHopRows are the diagram's lines that carry the selected exchange's
// mark.
func btHopRows(a *btApp) []string {
	var out []string
	for _, l := range strings.Split(ansi.Strip(a.pl().dia.View()), "\n") {
		if strings.HasPrefix(l, iconHop) {
			out = append(out, l)
		}
	}
	return out
}

// TestExchangeByExchange: ] walks the login's redirect dance one exchange
// at a time: the HTTP tab shows that exchange alone, its request and its
// response, and the diagram marks its arrow; [ walks back, and before the
// first the tab shows the whole step again. At a waiting quiz ] refuses
// (the exchanges would give the answer away); a step key drops the
// selection.
func TestExchangeByExchange(t *testing.T) {
	a := btLesson(t, "login", 80, 24)
	a.press("n")
	a.press("]")
	if !a.pl().tl.hidden(0) || a.pl().hop.n != 0 || !strings.Contains(a.header(), "predict first") {
		t.Fatalf("] at a waiting quiz: hop %v, header %q", a.pl().hop, a.header())
	}
	a.press("2") // answer; the dance is now shown
	want := []struct{ request, response, arrow string }{
		{"GET /authorize?", "HTTP/1.1 200 OK", "GET /authorize → 200"},
		{"POST /authorize HTTP/1.1", "HTTP/1.1 302 Found", "POST /authorize → 302"},
		{"GET /callback?", "HTTP/1.1 200 OK", "GET /callback"},
		{"POST /token HTTP/1.1", "HTTP/1.1 200 OK", "POST /token authorization_code → 200"},
	}
	for i, w := range want {
		a.press("]")
		p := a.pl()
		if p.insp.tab != tabHTTP || p.hop.n != i+1 {
			t.Fatalf("] number %d: tab %d, hop %v", i+1, p.insp.tab+1, p.hop)
		}
		body := ansi.Strip(p.insp.body)
		if !strings.Contains(body, "exchange "+string(rune('1'+i))+" of 4") || !strings.Contains(body, w.request) || !strings.Contains(body, w.response) {
			t.Fatalf("] number %d: the HTTP tab shows\n%s", i+1, body)
		}
		if n := strings.Count(body, " HTTP/1.1\n"); n != 1 {
			t.Errorf("] number %d: %d requests on the HTTP tab, want the selected one alone:\n%s", i+1, n, body)
		}
		rows := btHopRows(a)
		// A label the lanes leave no room for wraps over several rows:
		// read the marked rows' words in order.
		var words []string
		for _, r := range rows {
			for _, f := range strings.Fields(r) {
				if f != iconHop && strings.Trim(f, "│─▶◀┄") != "" {
					words = append(words, strings.Trim(f, "│"))
				}
			}
		}
		if len(rows) == 0 || !strings.Contains(strings.Join(words, " "), w.arrow) {
			t.Errorf("] number %d: the diagram marks %q, want the arrow %q:\n%s", i+1, rows, w.arrow, ansi.Strip(p.dia.View()))
		}
	}
	a.press("]")
	if a.pl().hop.n != 4 || !strings.Contains(a.header(), "that was the last of 4 exchanges") {
		t.Errorf("] past the last: hop %v, header %q", a.pl().hop, a.header())
	}
	a.press("[", "[", "[", "[")
	if a.pl().hop.n != 0 || len(btHopRows(a)) != 0 {
		t.Fatalf("[ before the first: hop %v, marked rows %q", a.pl().hop, btHopRows(a))
	}
	if body := ansi.Strip(a.pl().insp.body); strings.Count(body, " HTTP/1.1\n") != 4 || strings.Contains(body, "exchange 1 of") {
		t.Errorf("with no exchange selected the HTTP tab shows:\n%s", body)
	}
	a.press("]", "n")
	if len(btHopRows(a)) != 0 || a.pl().insp.hop != 0 {
		t.Errorf("the next step keeps the selection: %q", btHopRows(a))
	}
	a.press("]")
	if rows := btHopRows(a); a.pl().hop.n != 1 || len(rows) == 0 || !strings.Contains(rows[0]+rows[len(rows)-1], "/api/profile") {
		t.Errorf("] on step 2: hop %v, marked %q", a.pl().hop, rows)
	}
}

// btTestHop: ] selects the first exchange of the step on the HTTP tab; [
// then drops the selection (TestExchangeByExchange walks the rest).
func btTestHop(t *testing.T, k string) {
	a := btLesson(t, "login", 100, 30)
	a.press("n", "2", "]")
	if a.pl().hop.n != 1 || a.pl().insp.tab != tabHTTP {
		t.Fatalf("]: hop %v, tab %d", a.pl().hop, a.pl().insp.tab+1)
	}
	a.press(k)
	want := 2
	if k == "[" {
		want = 0
	}
	if a.pl().hop.n != want {
		t.Errorf("%s after ]: hop %v, want %d", k, a.pl().hop, want)
	}
}
