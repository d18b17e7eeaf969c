package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/web/term"
)

// drawnOn reads frames until a span containing text is drawn in a
// colour that reads on the page's background: dark text on a light
// page, light text on a dark one (relative luminance below or above one
// half). A player that kept the wrong styles never gets there, and the
// test's deadline fails it.
func drawnOn(t *testing.T, ctx context.Context, c *websocket.Conn, p *page, text string, lightPage bool) string {
	t.Helper()
	for {
		f, ok := p.next(t, ctx, c)
		if !ok {
			if p.bye != "" {
				t.Fatalf("bye %q before %q was drawn", p.bye, text)
			}
			continue
		}
		for _, l := range f.Lines {
			for _, s := range l.Spans {
				if strings.Contains(s.Text, text) && s.Fg != "" && (luminance(t, s.Fg) < 0.5) == lightPage {
					return s.Fg
				}
			}
		}
	}
}

// luminance is the relative luminance of "#rrggbb" (WCAG 2.1's, without
// the gamma step: enough to tell light from dark).
func luminance(t *testing.T, hex string) float64 {
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		t.Fatalf("colour %q: %v", hex, err)
	}
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 255
}

// The page's colours go with its size: on a light page the player draws
// its light styles, and a page that turns dark gets the dark ones without
// a reconnect (the terminal reports the new background, as xterm does).
func TestThePagesColoursChooseThePlayersStyles(t *testing.T) {
	ctx := testCtx(t)
	_, hs := testServer(t)
	c := dial(t, ctx, hs)
	light := term.In{Type: "resize", Cols: 100, Rows: 30, Fg: "#1f2328", Bg: "#ffffff"}
	send(t, ctx, c, light)
	var p page
	const title = "Calling the API with a bearer token" // a lesson not selected
	drawnOn(t, ctx, c, &p, title, true)
	dark := light
	dark.Fg, dark.Bg = "#d8dee4", "#0d1117"
	send(t, ctx, c, dark)
	drawnOn(t, ctx, c, &p, title, false)
	send(t, ctx, c, light)
	drawnOn(t, ctx, c, &p, title, true)
}
