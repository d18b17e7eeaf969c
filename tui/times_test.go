package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/scenarios"
)

// TestTimesKeepTheirDates (issue 12, section 5): once days pass, the
// Server tab's family start and the header's clock carry their date, and
// after years their year; the denylist count shows only where the API
// consults it.
func TestTimesKeepTheirDates(t *testing.T) {
	keys := DefaultKeyMap()
	st := NewStyles(true)
	p, err := newSandbox(&keys, st, scenarios.Options{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p.SetSize(140, 45)
	for _, a := range []struct {
		action string
		params map[string]string
	}{{"login", nil}, {"advance", map[string]string{"by": "800d"}}, {"login", nil}} {
		if _, ok := p.do(a.action, a.params); !ok {
			t.Fatalf("%s: %s", a.action, p.status)
		}
	}
	if h := ansi.Strip(p.header()); !strings.Contains(h, "Mar 25 2028 09:00:00") {
		t.Errorf("header after 800 days: %q", h)
	}
	server := ansi.Strip(serverTab(&p.tl, st, 80))
	if !strings.Contains(server, "since 09:00:00") || !strings.Contains(server, "since Mar 25 2028 09:00:00") {
		t.Errorf("Server tab after 800 days:\n%s", server)
	}
	if strings.Contains(server, "denylist") {
		t.Errorf("a stateless API's Server tab counts a denylist it never consults:\n%s", server)
	}
	p.do("set", map[string]string{"key": "api_mode", "value": "denylist"})
	if server := ansi.Strip(serverTab(&p.tl, st, 80)); !strings.Contains(server, "denylist 0") {
		t.Errorf("in denylist mode the Server tab does not count it:\n%s", server)
	}
}
