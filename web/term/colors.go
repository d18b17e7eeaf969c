package term

import (
	"encoding/hex"
	"image/color"
	"io"

	"github.com/charmbracelet/x/ansi"
)

// SetColors makes fg and bg ("#rrggbb", the page's own default colours)
// the terminal's defaults: what it answers when the program asks for its
// foreground or background colour (OSC 10 and 11 with "?", xterm's
// "Operating System Commands"), which is how Bubble Tea decides whether
// the background is dark (tea.RequestBackgroundColor). A colour that does
// not parse leaves that default as it was. It returns the background now
// in use and whether it changed.
func (sc *Screen) SetColors(fg, bg string) (color.Color, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if c, ok := parseHex(fg); ok {
		sc.em.SetDefaultForegroundColor(c)
	}
	before := rgbOf(sc.em.BackgroundColor())
	if c, ok := parseHex(bg); ok {
		sc.em.SetDefaultBackgroundColor(c)
	}
	now := sc.em.BackgroundColor()
	return now, rgbOf(now) != before
}

// parseHex reads "#rrggbb": exactly a '#' and six hex digits.
func parseHex(s string) (color.Color, bool) {
	if len(s) != 7 || s[0] != '#' {
		return nil, false
	}
	var rgb [3]byte
	if _, err := hex.Decode(rgb[:], []byte(s[1:])); err != nil {
		return nil, false
	}
	return color.RGBA{R: rgb[0], G: rgb[1], B: rgb[2], A: 0xff}, true
}

// ApplyColors takes the page's colours from a "resize" message: they
// become the terminal's defaults (SetColors), and a background that
// changed is reported on the program's input as a terminal reports it
// (the OSC 11 answer, "ESC ] 11 ; rgb:rrrr/gggg/bbbb BEL"), which Bubble
// Tea reads as a tea.BackgroundColorMsg: a page that turns dark while the
// player runs gets the dark styles. Before the program runs the report
// waits in the input; the program's own query gets the same answer.
func (sc *Screen) ApplyColors(m In, input io.Writer) error {
	if m.Fg == "" && m.Bg == "" {
		return nil
	}
	bg, changed := sc.SetColors(m.Fg, m.Bg)
	if !changed {
		return nil
	}
	_, err := io.WriteString(input, ansi.SetBackgroundColor(ansi.XRGBColor{Color: bg}.String()))
	return err
}
