package term

import (
	"fmt"
	"image/color"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
)

// The frame protocol: JSON text messages on the visitor's WebSocket.
//
// Server to page: "frame" (the rows that changed since the last frame;
// every row after connect or a resize), "clipboard" (OSC 52), "status",
// and "bye" (why the session ended, just before the socket closes).
// Page to server: "key" (the bytes a terminal sends for a key), "paste"
// (pasted text) and "resize" (the page's size in cells).

// In is a message from the page.
type In struct {
	Type string `json:"type"`
	Data string `json:"data,omitempty"` // "key"
	Text string `json:"text,omitempty"` // "paste"
	Cols int    `json:"cols,omitempty"` // "resize"
	Rows int    `json:"rows,omitempty"` // "resize"
	// Fg and Bg are the page's default colours, "#rrggbb" ("resize",
	// optional): the terminal answers the program's colour queries with
	// them, so a light page gets the player's light styles.
	Fg string `json:"fg,omitempty"`
	Bg string `json:"bg,omitempty"`
}

// Frame is a "frame" message: some rows of the screen and the cursor.
type Frame struct {
	Type   string `json:"type"` // "frame"
	Cols   int    `json:"cols"`
	Rows   int    `json:"rows"`
	Lines  []Line `json:"lines"`
	Cursor Cursor `json:"cursor"`
}

// Line is one row of the screen, as runs of text of one style.
type Line struct {
	Y     int    `json:"y"`
	Spans []Span `json:"spans"`
}

// Span is text drawn in one style. Fg and Bg are "#rrggbb", or "" for the
// page's own colours (the terminal's defaults).
type Span struct {
	Text      string `json:"text"`
	Fg        string `json:"fg,omitempty"`
	Bg        string `json:"bg,omitempty"`
	Bold      bool   `json:"bold,omitempty"`
	Italic    bool   `json:"italic,omitempty"`
	Underline bool   `json:"underline,omitempty"`
	Reverse   bool   `json:"reverse,omitempty"`
	Faint     bool   `json:"faint,omitempty"`
}

// Cursor is where the terminal's cursor is and whether it shows.
type Cursor struct {
	X       int  `json:"x"`
	Y       int  `json:"y"`
	Visible bool `json:"visible"`
}

// Text is a "clipboard", "status" or "bye" message.
type Text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// lineOf is row y of the emulator's screen as spans. A wide character's
// continuation cell (Width 0, empty content) adds nothing: the character
// itself takes both columns on the page.
func lineOf(em *vt.Emulator, y int) Line {
	l := Line{Y: y, Spans: []Span{}}
	for x := range em.Width() {
		c := em.CellAt(x, y)
		text, st := " ", Span{}
		if c != nil {
			if c.Width == 0 && c.Content == "" {
				continue
			}
			if c.Content != "" {
				text = c.Content
			}
			st = spanStyle(&c.Style)
		}
		if n := len(l.Spans); n > 0 && sameStyle(l.Spans[n-1], st) {
			l.Spans[n-1].Text += text
			continue
		}
		st.Text = text
		l.Spans = append(l.Spans, st)
	}
	return l
}

func spanStyle(s *uv.Style) Span {
	return Span{
		Fg: hexOf(s.Fg), Bg: hexOf(s.Bg),
		Bold:      s.Attrs&uv.AttrBold != 0,
		Faint:     s.Attrs&uv.AttrFaint != 0,
		Italic:    s.Attrs&uv.AttrItalic != 0,
		Reverse:   s.Attrs&uv.AttrReverse != 0,
		Underline: s.Underline != uv.UnderlineNone,
	}
}

func sameStyle(a, b Span) bool {
	a.Text, b.Text = "", ""
	return a == b
}

// hexOf is c as "#rrggbb", "" for nil (the default colour). The 16 basic
// and 256 indexed colours become the RGB values charmbracelet/x/ansi
// gives them (their RGBA methods), so every page shows the same colours.
func hexOf(c color.Color) string {
	if c == nil {
		return ""
	}
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
