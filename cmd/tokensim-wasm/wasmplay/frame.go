package wasmplay

import (
	"fmt"
	"image/color"
	"strings"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
)

// Frame is the frame protocol's {"type":"frame"} message
// (/work/shared BRIEF18 "Frame protocol", shared with web/ and the page):
// only the rows that changed since the last frame, all of them after a
// start or a resize.
type Frame struct {
	Type   string `json:"type"`
	Cols   int    `json:"cols"`
	Rows   int    `json:"rows"`
	Lines  []Line `json:"lines"`
	Cursor Cursor `json:"cursor"`
}

// Line is one row of the screen as runs of equally styled text.
type Line struct {
	Y     int    `json:"y"`
	Spans []Span `json:"spans"`
}

// Span is a run of cells with one style. Colours are "#rrggbb", or "" for
// the page's default.
type Span struct {
	Text      string `json:"text"`
	Fg        string `json:"fg"`
	Bg        string `json:"bg"`
	Bold      bool   `json:"bold,omitempty"`
	Italic    bool   `json:"italic,omitempty"`
	Underline bool   `json:"underline,omitempty"`
	Reverse   bool   `json:"reverse,omitempty"`
	Faint     bool   `json:"faint,omitempty"`
}

// Cursor is where the player put the cursor, if it shows one.
type Cursor struct {
	X       int  `json:"x"`
	Y       int  `json:"y"`
	Visible bool `json:"visible"`
}

// Message is one of the frame protocol's other server-to-page messages:
// "clipboard" (what OSC 52 would have set), "status", "bye".
type Message struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// screen turns the player's ANSI frame strings into protocol frames. The
// string is written into a charmbracelet/x/vt emulator, the same terminal
// the web server keeps per visitor, so SGR sequences, wide characters and
// clipping are interpreted by one parser, not by ours.
type screen struct {
	emu  *vt.Emulator
	prev []Line // the rows last sent, to send only what changed
}

func newScreen(cols, rows int) *screen {
	return &screen{emu: vt.NewEmulator(cols, rows)}
}

// resize changes the grid; the next frame sends every row.
func (s *screen) resize(cols, rows int) {
	s.emu.Resize(cols, rows)
	s.prev = nil
}

// frame draws content (a tea.View's Content) on a cleared screen and
// returns the rows that differ from the last frame.
func (s *screen) frame(content string, cur Cursor) Frame {
	// ESC[H ESC[2J: home and erase the display (ECMA-48 CUP, ED). The
	// view's lines end in "\n" alone; a terminal in raw mode needs "\r\n".
	_, _ = s.emu.WriteString("\x1b[H\x1b[2J" + strings.ReplaceAll(content, "\n", "\r\n"))
	cols, rows := s.emu.Width(), s.emu.Height()
	f := Frame{Type: "frame", Cols: cols, Rows: rows, Cursor: cur}
	full := len(s.prev) != rows
	next := make([]Line, rows)
	for y := range rows {
		next[y] = s.row(y, cols)
		if full || !sameLine(next[y], s.prev[y]) {
			f.Lines = append(f.Lines, next[y])
		}
	}
	s.prev = next
	return f
}

func (s *screen) row(y, cols int) Line {
	l := Line{Y: y}
	for x := 0; x < cols; x++ {
		c := s.emu.CellAt(x, y)
		text, st := " ", uv.Style{}
		if c != nil {
			if c.Width == 0 && c.Content == "" {
				continue // the second half of a wide character
			}
			if c.Content != "" {
				text = c.Content
			}
			st = c.Style
		}
		sp := Span{
			Fg: hex(st.Fg), Bg: hex(st.Bg),
			Bold: st.Attrs&uv.AttrBold != 0, Faint: st.Attrs&uv.AttrFaint != 0,
			Italic: st.Attrs&uv.AttrItalic != 0, Reverse: st.Attrs&uv.AttrReverse != 0,
			Underline: st.Underline != uv.UnderlineNone,
		}
		if n := len(l.Spans); n > 0 && sameStyle(l.Spans[n-1], sp) {
			l.Spans[n-1].Text += text
			continue
		}
		sp.Text = text
		l.Spans = append(l.Spans, sp)
	}
	return l
}

func sameStyle(a, b Span) bool {
	a.Text, b.Text = "", ""
	return a == b
}

func sameLine(a, b Line) bool {
	if len(a.Spans) != len(b.Spans) {
		return false
	}
	for i := range a.Spans {
		if a.Spans[i] != b.Spans[i] {
			return false
		}
	}
	return true
}

func hex(c color.Color) string {
	if c == nil {
		return ""
	}
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// Text is the frame's rows as plain text, for tests and the node smoke run.
func (s *screen) Text() string {
	var b strings.Builder
	for _, l := range s.prev {
		for _, sp := range l.Spans {
			b.WriteString(sp.Text)
		}
		b.WriteString("\n")
	}
	return b.String()
}
