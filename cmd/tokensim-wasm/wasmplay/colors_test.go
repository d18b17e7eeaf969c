package wasmplay

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/web/term"
)

// readsOn holds when a span containing text is drawn in a colour that
// reads on the page's background: dark text on a light page, light text
// on a dark one.
func readsOn(t *testing.T, text string, lightPage bool) func([]byte) bool {
	return func(b []byte) bool {
		var f term.Frame
		_ = json.Unmarshal(b, &f)
		for _, l := range f.Lines {
			for _, s := range l.Spans {
				var r, g, bl uint8
				if !strings.Contains(s.Text, text) || s.Fg == "" {
					continue
				}
				if _, err := fmt.Sscanf(s.Fg, "#%02x%02x%02x", &r, &g, &bl); err != nil {
					t.Fatalf("colour %q: %v", s.Fg, err)
				}
				lum := (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(bl)) / 255
				if (lum < 0.5) == lightPage {
					return true
				}
			}
		}
		return false
	}
}

// The static build takes the page's colours from its "resize" as the
// server does: light styles on a light page, dark ones when it turns dark.
func TestSessionFollowsThePagesColours(t *testing.T) {
	p := startLesson(t, "", 100, 30)
	const title = "Calling the API with a bearer token"
	p.send(term.In{Type: "resize", Cols: 100, Rows: 30, Fg: "#1f2328", Bg: "#ffffff"})
	p.until("frame", readsOn(t, title, true))
	p.send(term.In{Type: "resize", Cols: 100, Rows: 30, Fg: "#d8dee4", Bg: "#0d1117"})
	p.until("frame", readsOn(t, title, false))
}
