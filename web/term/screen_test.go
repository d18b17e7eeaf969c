package term

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The program's copy (OSC 52) becomes a clipboard message once; a query
// for the clipboard is not answered with anything.
func TestClipboardFromOSC52(t *testing.T) {
	sc := NewScreen(80, 24)
	if _, err := sc.Write([]byte(ansi.SetSystemClipboard("eyJhbGciOi.token"))); err != nil {
		t.Fatal(err)
	}
	if got, ok := sc.TakeClipboard(); !ok || got != "eyJhbGciOi.token" {
		t.Fatalf("clipboard %q, %v; want the copied text", got, ok)
	}
	if got, ok := sc.TakeClipboard(); ok {
		t.Fatalf("clipboard sent twice: %q", got)
	}
	if _, err := sc.Write([]byte(ansi.RequestSystemClipboard)); err != nil {
		t.Fatal(err)
	}
	if got, ok := sc.TakeClipboard(); ok {
		t.Fatalf("a clipboard query gave %q", got)
	}
}

// Each NL the program writes starts the next line at its first column, as
// a pty's ONLCR makes it for an SSH session; the next frame has only the
// rows that changed, and the cursor where the emulator has it.
func TestScreenLinesAndFrames(t *testing.T) {
	sc := NewScreen(20, 4)
	if _, err := sc.Write([]byte("one\ntwo")); err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Frame()
	if !ok || len(f.Lines) != 4 {
		t.Fatalf("first frame: %v, %d lines; want all 4", ok, len(f.Lines))
	}
	if got := f.Lines[1].Spans[0].Text; got[:3] != "two" {
		t.Fatalf("row 1 is %q: NL did not return to the first column", got)
	}
	if f.Cursor != (Cursor{X: 3, Y: 1, Visible: true}) {
		t.Fatalf("cursor %+v", f.Cursor)
	}
	if _, ok := sc.Frame(); ok {
		t.Fatal("a frame with nothing changed")
	}
	if _, err := sc.Write([]byte("\x1b[1;31mX\x1b[m")); err != nil {
		t.Fatal(err)
	}
	f, ok = sc.Frame()
	if !ok || len(f.Lines) != 1 || f.Lines[0].Y != 1 {
		t.Fatalf("after drawing on row 1: %+v", f.Lines)
	}
	sp := f.Lines[0].Spans
	if len(sp) != 3 || sp[1].Text != "X" || !sp[1].Bold || sp[1].Fg == "" || sp[0].Bold {
		t.Fatalf("row 1 spans %+v; want plain, bold red X, plain", sp)
	}
}

// The emulator's parser keeps parserData bytes of a control string, not
// vt's 4 MB (shrinkParser): if a vt version moves its parser, this says
// so.
func TestParserShrunk(t *testing.T) {
	sc := NewScreen(80, 24)
	if sc.oscMax != parserData {
		t.Fatalf("oscMax %d: shrinkParser failed: %v", sc.oscMax, shrinkParser(sc.em))
	}
	data := reflect.ValueOf(sc.em).Elem().FieldByName("parser").Elem().FieldByName("data")
	if data.Len() != parserData {
		t.Fatalf("the parser's data buffer is %d bytes, want %d", data.Len(), parserData)
	}
}

// A copy as long as the parser keeps arrives whole; a longer one, which
// the parser cuts, does not arrive at all (a cut token is worse than
// none). "52;;" is a copy with no selection named: with its 4 bytes the
// cut base64 is a multiple of 4 long, and would decode.
func TestLongClipboardWholeOrNot(t *testing.T) {
	sc := NewScreen(80, 24)
	whole := strings.Repeat("a", 45<<10)
	if _, err := sc.Write([]byte(ansi.SetSystemClipboard(whole))); err != nil {
		t.Fatal(err)
	}
	if got, ok := sc.TakeClipboard(); !ok || got != whole {
		t.Fatalf("a %d-byte copy arrived as %d bytes, %v", len(whole), len(got), ok)
	}
	long := strings.Repeat("b", 60<<10)
	if _, err := sc.Write([]byte("\x1b]52;;" + base64.StdEncoding.EncodeToString([]byte(long)) + "\a")); err != nil {
		t.Fatal(err)
	}
	if got, ok := sc.TakeClipboard(); ok {
		t.Fatalf("a %d-byte copy arrived cut, as %d bytes", len(long), len(got))
	}
}

// A row whose text stays but whose colour changes is sent again (a row's
// key has its styles), and a wide character is drawn once.
func TestFrameSendsStyleChangesAndWideCharacters(t *testing.T) {
	sc := NewScreen(10, 3)
	if _, err := sc.Write([]byte("\x1b[2;1H\x1b[31mred\x1b[m界x")); err != nil {
		t.Fatal(err)
	}
	f, _ := sc.Frame()
	if got := f.Lines[1].Spans[1].Text; got != "界x    " {
		t.Fatalf("row 1's second span %q, want the wide character once", got)
	}
	if _, err := sc.Write([]byte("\x1b[2;1H\x1b[32mred\x1b[m")); err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Frame()
	if !ok || len(f.Lines) != 1 || f.Lines[0].Y != 1 {
		t.Fatalf("after recolouring row 1: %+v", f.Lines)
	}
	if sp := f.Lines[0].Spans[0]; sp.Text != "red" || sp.Fg != hexOf(rgbOf(ansi.Green)) {
		t.Fatalf("row 1 starts %+v, want green \"red\"", sp)
	}
}
