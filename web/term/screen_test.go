package term

import (
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
