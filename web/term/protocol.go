package term

import (
	"encoding/binary"
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

// cellStyle is what the page draws of a cell's style: the colours as
// 0xrrggbb (noColor for the page's own) and the attributes a Span has.
// Comparable, and made without allocating, so that a row is compared
// with what the page has without building its spans.
type cellStyle struct {
	fg, bg int32
	attrs  uint8
}

const noColor = -1

const (
	attrBold = 1 << iota
	attrFaint
	attrItalic
	attrReverse
	attrUnderline
)

func styleOf(s *uv.Style) cellStyle {
	st := cellStyle{fg: rgbOf(s.Fg), bg: rgbOf(s.Bg)}
	if s.Attrs&uv.AttrBold != 0 {
		st.attrs |= attrBold
	}
	if s.Attrs&uv.AttrFaint != 0 {
		st.attrs |= attrFaint
	}
	if s.Attrs&uv.AttrItalic != 0 {
		st.attrs |= attrItalic
	}
	if s.Attrs&uv.AttrReverse != 0 {
		st.attrs |= attrReverse
	}
	if s.Underline != uv.UnderlineNone {
		st.attrs |= attrUnderline
	}
	return st
}

// span is text drawn in st.
func (st cellStyle) span(text string) Span {
	return Span{Text: text, Fg: hexOf(st.fg), Bg: hexOf(st.bg),
		Bold:      st.attrs&attrBold != 0,
		Faint:     st.attrs&attrFaint != 0,
		Italic:    st.attrs&attrItalic != 0,
		Reverse:   st.attrs&attrReverse != 0,
		Underline: st.attrs&attrUnderline != 0,
	}
}

// eachCell calls fn with the text and style of each cell of row y as
// the page draws it. A wide character's continuation cell (Width 0,
// empty content) adds nothing: the character itself takes both columns
// on the page. An empty cell is a space.
func eachCell(em *vt.Emulator, y int, fn func(text string, st cellStyle)) {
	for x := range em.Width() {
		c := em.CellAt(x, y)
		if c == nil {
			fn(" ", cellStyle{fg: noColor, bg: noColor})
			continue
		}
		if c.Width == 0 && c.Content == "" {
			continue
		}
		text := c.Content
		if text == "" {
			text = " "
		}
		fn(text, styleOf(&c.Style))
	}
}

// lineOf is row y of the emulator's screen as spans: runs of cells of
// one style.
func lineOf(em *vt.Emulator, y int) Line {
	l := Line{Y: y, Spans: []Span{}}
	var (
		text    []byte
		cur     cellStyle
		started bool
	)
	eachCell(em, y, func(t string, st cellStyle) {
		if !started || st != cur {
			if started {
				l.Spans = append(l.Spans, cur.span(string(text)))
			}
			text, cur, started = text[:0], st, true
		}
		text = append(text, t...)
	})
	if started {
		l.Spans = append(l.Spans, cur.span(string(text)))
	}
	return l
}

// appendRowKey appends row y as the page would draw it, in a form that
// is cheap to compare: a style mark (0, then the colours and attributes)
// where a run of one style starts, and each cell's text after its length
// (never 0: a cell has at least a space). Two rows with the same key
// have the same spans (lineOf), so a row whose key has not changed since
// it was sent need not be sent again.
func appendRowKey(dst []byte, em *vt.Emulator, y int) []byte {
	var (
		cur     cellStyle
		started bool
	)
	eachCell(em, y, func(t string, st cellStyle) {
		if !started || st != cur {
			dst = append(dst, 0)
			dst = binary.BigEndian.AppendUint32(dst, uint32(st.fg))
			dst = binary.BigEndian.AppendUint32(dst, uint32(st.bg))
			dst = append(dst, st.attrs)
			cur, started = st, true
		}
		dst = binary.AppendUvarint(dst, uint64(len(t)))
		dst = append(dst, t...)
	})
	return dst
}

// rgbOf is c as 0xrrggbb, noColor for nil (the default colour). The 16
// basic and 256 indexed colours become the RGB values
// charmbracelet/x/ansi gives them (their RGBA methods), so every page
// shows the same colours.
func rgbOf(c color.Color) int32 {
	if c == nil {
		return noColor
	}
	r, g, b, _ := c.RGBA()
	return int32(r>>8)<<16 | int32(g>>8)<<8 | int32(b>>8)
}

// hexOf is rgb as "#rrggbb", "" for noColor.
func hexOf(rgb int32) string {
	if rgb == noColor {
		return ""
	}
	const digits = "0123456789abcdef"
	b := [7]byte{'#'}
	for i := range 6 {
		b[1+i] = digits[rgb>>(20-4*i)&0xf]
	}
	return string(b[:])
}
