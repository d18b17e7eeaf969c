package term

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"reflect"
	"sync"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// Screen is a visitor's terminal: the emulator the program draws into,
// and what the page was last sent.
type Screen struct {
	mu sync.Mutex
	em *vt.Emulator
	// sent is each row the page has, as appendRowKey has it; nil: send
	// every row. key is the row being compared (kept: no allocation).
	sent [][]byte
	key  []byte
	cur  Cursor
	// dirty wakes the frame sender; one pending wake covers any number
	// of writes.
	dirty chan struct{}
	// clip is the latest text the program put on the clipboard (OSC 52)
	// not yet sent to the page; hasClip says there is one.
	clip    string
	hasClip bool
	// oscMax is the longest control string the emulator's parser keeps
	// whole (parserData, or vt's own size if shrinkParser failed).
	oscMax int
}

// The emulator's buffer for a control string's payload (OSC, DCS, APC;
// the program's OSC 52 copies are the longest it sends). vt v0.1.0's
// NewEmulator makes it vtParserData (its emulator.go: "4MB data buffer")
// with no option to change it: 4 MB of heap per visitor, counted by the
// collector, which lets the heap grow to about twice what is live before
// it runs (GOGC=100), so the garbage between collections grew with it
// and 100 visitors held 6.8 MB of RSS each (BenchmarkWebRSSPerActiveSession,
// before). parserData is charmbracelet/x/ansi's own default for a parser
// (ansi.NewParser): a copy of up to 48 KB of text (64 KB of base64).
const (
	vtParserData = 4 << 20
	parserData   = 64 << 10
)

// errParser: the emulator's parser is not where vt v0.1.0 keeps it.
var errParser = errors.New("vt.Emulator has no parser field of type *ansi.Parser")

// shrinkParser sets the data buffer of em's parser to parserData. vt
// exports no way to, so it reaches the unexported field "parser" (an
// *ansi.Parser, whose SetDataSize is exported) by reflection; if a vt
// version moves it, shrinkParser changes nothing and says so (a test
// fails: TestParserShrunk), and the screen still works, with vt's size.
func shrinkParser(em *vt.Emulator) error {
	f := reflect.ValueOf(em).Elem().FieldByName("parser")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*ansi.Parser]() || f.IsNil() {
		return errParser
	}
	(*ansi.Parser)(f.UnsafePointer()).SetDataSize(parserData)
	return nil
}

// NewScreen makes a visitor's terminal of cols×rows cells.
func NewScreen(cols, rows int) *Screen {
	sc := &Screen{em: vt.NewEmulator(cols, rows), dirty: make(chan struct{}, 1), oscMax: vtParserData}
	if shrinkParser(sc.em) == nil {
		sc.oscMax = parserData
	}
	// vt v0.1.0 has no OSC 52 handler: the program's copy (tui's
	// tea.SetClipboard, xterm's "ESC ] 52 ; c ; base64 BEL") becomes a
	// "clipboard" message for the page to write to the browser's
	// clipboard. A query ("?") is not answered: the server never reads
	// the visitor's clipboard. Runs inside em.Write, under sc.mu.
	sc.em.RegisterOscHandler(52, func(data []byte) bool {
		if len(data) >= sc.oscMax {
			// The parser keeps the first oscMax bytes of a control
			// string and drops the rest: a copy this long may be cut,
			// and a cut token is worse than none.
			return true
		}
		parts := bytes.SplitN(data, []byte{';'}, 3)
		if len(parts) != 3 || string(parts[2]) == "?" {
			return true
		}
		text, err := base64.StdEncoding.DecodeString(string(parts[2]))
		if err != nil {
			return true
		}
		sc.clip, sc.hasClip = string(text), true
		return true
	})
	return sc
}

// TakeClipboard is the clipboard text not yet sent, if any.
func (sc *Screen) TakeClipboard() (string, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	t, ok := sc.clip, sc.hasClip
	sc.clip, sc.hasClip = "", false
	return t, ok
}

// Write draws the program's output.
func (sc *Screen) Write(p []byte) (int, error) {
	// A terminal's line discipline maps each NL the program writes to
	// CR NL (termios OPOST|ONLCR, on by default on a pty: an SSH session's
	// output passes through one); Bubble Tea's renderer relies on it, and
	// the emulator is the screen, not the line discipline.
	q := bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))
	sc.mu.Lock()
	_, err := sc.em.Write(q)
	sc.mu.Unlock()
	sc.wake()
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

func (sc *Screen) wake() {
	select {
	case sc.dirty <- struct{}{}:
	default:
	}
}

// Resize changes the emulator's size; the next frame has every row.
func (sc *Screen) Resize(cols, rows int) {
	sc.mu.Lock()
	sc.em.Resize(cols, rows)
	sc.sent = nil
	sc.mu.Unlock()
	sc.wake()
}

// Frame is what changed since the last frame; ok is false when nothing
// did. Every row is compared with what was sent, so a frame never misses
// a change (the emulator's Touched lines are never cleared by v0.1.0's
// exported API); the comparison is of row keys (appendRowKey), made
// without allocating, and spans are built only for the rows that
// changed (BenchmarkFrame).
func (sc *Screen) Frame() (f Frame, ok bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	em := sc.em
	f = Frame{Type: "frame", Cols: em.Width(), Rows: em.Height(), Lines: []Line{}}
	full := sc.sent == nil || len(sc.sent) != f.Rows
	if full {
		sc.sent = make([][]byte, f.Rows)
	}
	for y := range f.Rows {
		sc.key = appendRowKey(sc.key[:0], em, y)
		if full || !bytes.Equal(sc.key, sc.sent[y]) {
			f.Lines = append(f.Lines, lineOf(em, y))
			sc.sent[y] = append(sc.sent[y][:0], sc.key...)
		}
	}
	pos := em.CursorPosition()
	f.Cursor = Cursor{X: pos.X, Y: pos.Y, Visible: !em.CursorHidden()}
	ok = len(f.Lines) > 0 || f.Cursor != sc.cur
	sc.cur = f.Cursor
	return f, ok
}

// Dirty receives after the screen changed; one receive covers any number
// of changes.
func (sc *Screen) Dirty() <-chan struct{} { return sc.dirty }

// Paste pastes text as a terminal does: bracketed if the program asked
// for it (DECSET 2004).
func (sc *Screen) Paste(text string) {
	sc.mu.Lock()
	sc.em.Paste(text)
	sc.mu.Unlock()
}

// Answers reads the terminal's answers to the program's queries
// (background colour, mode reports): copy them into the program's input,
// as a real terminal's answers arrive on its input.
func (sc *Screen) Answers() io.Reader { return sc.em }

// CloseAnswers ends Answers, once the program no longer reads them.
func (sc *Screen) CloseAnswers() error {
	if c, ok := sc.em.InputPipe().(io.Closer); ok {
		return c.Close()
	}
	return nil
}
