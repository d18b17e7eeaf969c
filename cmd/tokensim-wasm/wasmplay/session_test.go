package wasmplay

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/web/term"
)

// page is the page's side of a Session in a test: every message sent,
// in order, on a channel.
type page struct {
	t   *testing.T
	s   *Session
	out chan []byte
	m   Mirror
	// last is the last frame applied: a condition it already meets needs
	// no further frame (a fast program may draw everything in its first).
	last []byte
}

func startPage(t *testing.T, m tea.Model, cols, rows int) *page {
	t.Helper()
	p := &page{t: t, out: make(chan []byte, 1024)}
	p.s = Start(m, cols, rows, func(b []byte) { p.out <- b })
	t.Cleanup(func() {
		p.s.Quit()
		for {
			select {
			case <-p.out:
			case <-p.s.Done():
				return
			}
		}
	})
	return p
}

func startLesson(t *testing.T, lesson string, cols, rows int) *page {
	t.Helper()
	m, err := Player(lesson, &progress.Memory{}, "")
	if err != nil {
		t.Fatal(err)
	}
	return startPage(t, m, cols, rows)
}

// until reads messages until one of type typ for which ok holds, and
// returns its raw JSON. The timeout only keeps a broken session from
// hanging the suite; nothing here waits on the clock to pass.
func (p *page) until(typ string, ok func(raw []byte) bool) []byte {
	p.t.Helper()
	if typ == "frame" && ok != nil && p.last != nil && ok(p.last) {
		return p.last
	}
	deadline := time.After(20 * time.Second)
	for {
		select {
		case b := <-p.out:
			got, _ := p.m.Apply(b)
			if got == "frame" {
				p.last = b
			}
			if got == typ && (ok == nil || ok(b)) {
				return b
			}
		case <-deadline:
			p.t.Fatalf("no %q message came; the page shows:\n%s", typ, p.m.Text())
			return nil
		}
	}
}

func (p *page) send(v any) {
	p.t.Helper()
	b, _ := json.Marshal(v)
	if err := p.s.Handle(b); err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) screenHas(s string) func([]byte) bool {
	return func([]byte) bool { return strings.Contains(p.m.Text(), s) }
}

// The page plays a lesson from the bytes a terminal sends for its keys,
// through a real tea.Program; after the first frame, only changed rows.
func TestSessionPlaysALessonFromKeyBytes(t *testing.T) {
	p := startLesson(t, "login", 100, 30)
	var first term.Frame
	_ = json.Unmarshal(p.until("frame", nil), &first)
	if first.Cols != 100 || first.Rows != 30 || len(first.Lines) != 30 {
		t.Fatalf("first frame: %d×%d with %d rows, want 100×30 with all 30", first.Cols, first.Rows, len(first.Lines))
	}
	p.until("frame", p.screenHas("Logging in with the authorization code flow"))
	p.send(term.In{Type: "key", Data: "\x1b[C"}) // → as a terminal sends it (ECMA-48 CUF)
	raw := p.until("frame", p.screenHas("1. Alice signs in at the auth server"))
	var f term.Frame
	_ = json.Unmarshal(raw, &f)
	if len(f.Lines) == 30 {
		t.Fatalf("after → the frame sent all 30 rows, want only the changed ones")
	}
}

// A resize gives the program the new size and the page every row.
func TestSessionResizeSendsEveryRow(t *testing.T) {
	p := startLesson(t, "login", 100, 30)
	p.until("frame", p.screenHas("Logging in"))
	p.send(term.In{Type: "resize", Cols: 80, Rows: 24})
	var f term.Frame
	_ = json.Unmarshal(p.until("frame", func(b []byte) bool {
		var f term.Frame
		_ = json.Unmarshal(b, &f)
		return f.Cols == 80 && f.Rows == 24
	}), &f)
	if len(f.Lines) != 24 {
		t.Fatalf("after resize: %d rows sent, want all 24", len(f.Lines))
	}
	// A page's absurd size is clamped, as the web server clamps it.
	p.send(term.In{Type: "resize", Cols: 100000, Rows: -3})
	p.until("frame", func(b []byte) bool {
		var f term.Frame
		_ = json.Unmarshal(b, &f)
		return f.Cols == maxCols && f.Rows == 1
	})
}

// ctrl+c quits; the page is told, once, with the text a reader can act on.
func TestSessionQuitSaysBye(t *testing.T) {
	p := startLesson(t, "login", 100, 30)
	p.until("frame", nil)
	p.send(term.In{Type: "key", Data: "\x03"}) // ctrl+c quits even while typing (tui/keys.go)
	var bye term.Text
	_ = json.Unmarshal(p.until("bye", nil), &bye)
	if bye.Text != ByeQuit {
		t.Fatalf("bye %q, want %q", bye.Text, ByeQuit)
	}
	<-p.s.Done()
}

// The program's copy (tea.SetClipboard, OSC 52) reaches the page as the
// "clipboard" message the WebSocket carries.
func TestSessionClipboard(t *testing.T) {
	p := startPage(t, cmdModel{cmd: tea.SetClipboard("eyJ.token")}, 20, 2)
	var c term.Text
	_ = json.Unmarshal(p.until("clipboard", nil), &c)
	if c.Text != "eyJ.token" {
		t.Fatalf("clipboard %q", c.Text)
	}
}

// A message the page could not have meant is refused, not guessed at.
func TestSessionRefusesOtherMessages(t *testing.T) {
	p := startPage(t, cmdModel{}, 20, 2)
	for _, b := range []string{`not json`, `{"type":"shell","data":"ls"}`} {
		if err := p.s.Handle([]byte(b)); err == nil {
			t.Errorf("Handle(%s) accepted it", b)
		}
	}
}

// cmdModel returns cmd from Init and shows "x".
type cmdModel struct{ cmd tea.Cmd }

func (m cmdModel) Init() tea.Cmd                       { return m.cmd }
func (m cmdModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m cmdModel) View() tea.View                      { return tea.NewView("x") }

// The bridge starts the player at the size the page says first, as the
// web server does, and passes what follows to it.
func TestBridgeStartsAtThePagesSize(t *testing.T) {
	out := make(chan []byte, 1024)
	b := NewBridge(func() (tea.Model, error) { return Player("login", &progress.Memory{}, "") }, func(m []byte) { out <- m })
	if b.Done() != nil {
		t.Fatal("a player before the page said anything")
	}
	p := &page{t: t, out: out}
	for _, m := range []term.In{{Type: "resize", Cols: 90, Rows: 25}, {Type: "key", Data: "\x1b[C"}} {
		raw, _ := json.Marshal(m)
		if err := b.Handle(raw); err != nil {
			t.Fatal(err)
		}
	}
	p.s = b.s
	t.Cleanup(func() {
		p.s.Quit()
		for {
			select {
			case <-out:
			case <-b.Done():
				return
			}
		}
	})
	var f term.Frame
	_ = json.Unmarshal(p.until("frame", nil), &f)
	if f.Cols != 90 || f.Rows != 25 {
		t.Fatalf("first frame %d×%d, want the page's 90×25", f.Cols, f.Rows)
	}
	p.until("frame", p.screenHas("1. Alice signs in at the auth server"))
}

// A player that cannot be made is a "bye" saying why, not a blank page.
func TestBridgeSaysWhyThePlayerFailed(t *testing.T) {
	out := make(chan []byte, 4)
	b := NewBridge(func() (tea.Model, error) { return Player("no-such-lesson", &progress.Memory{}, "") }, func(m []byte) { out <- m })
	if err := b.Handle([]byte(`{"type":"resize","cols":80,"rows":24}`)); err != nil {
		t.Fatal(err)
	}
	var bye term.Text
	_ = json.Unmarshal(<-out, &bye)
	if bye.Type != "bye" || !strings.Contains(bye.Text, `"no-such-lesson"`) {
		t.Fatalf("got %+v, want a bye naming the lesson", bye)
	}
}
