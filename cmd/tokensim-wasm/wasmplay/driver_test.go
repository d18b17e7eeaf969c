package wasmplay

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/progress"
)

// started plays lesson in a driver whose output goes to a channel.
func started(t *testing.T, lesson string, cols, rows int) (*Driver, chan any) {
	t.Helper()
	m, err := Player(lesson, &progress.Memory{}, "")
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan any, 256)
	d := New(m, cols, rows, true, func(v any) { out <- v })
	go d.Run()
	return d, out
}

// next waits for the next output of kind T. The timeout only keeps a
// broken driver from hanging the suite; nothing here waits on the clock.
func next[T any](t *testing.T, out chan any) T {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case v := <-out:
			if x, ok := v.(T); ok {
				return x
			}
		case <-deadline:
			var zero T
			t.Fatalf("no %T from the driver", zero)
			return zero
		}
	}
}

func frameText(f Frame) string {
	var b strings.Builder
	for _, l := range f.Lines {
		for _, s := range l.Spans {
			b.WriteString(s.Text)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestDriverPlaysALessonFromKeyBytes(t *testing.T) {
	d, out := started(t, "login", 100, 30)
	first := next[Frame](t, out)
	if first.Cols != 100 || first.Rows != 30 || len(first.Lines) != 30 {
		t.Fatalf("first frame: %d×%d with %d rows sent, want 100×30 with all 30", first.Cols, first.Rows, len(first.Lines))
	}
	if txt := frameText(first); !strings.Contains(txt, "Logging in with the authorization code flow") {
		t.Fatalf("first frame is not the login lesson:\n%s", txt)
	}
	d.Key("\x1b[C") // → as a terminal sends it (ECMA-48 CUF)
	f := next[Frame](t, out)
	if len(f.Lines) == 0 || len(f.Lines) == 30 {
		t.Fatalf("after → the frame sent %d rows, want only the changed ones", len(f.Lines))
	}
	if txt := d.Text(); !strings.Contains(txt, "1. Alice signs in at the auth server") {
		t.Fatalf("→ did not take the first step:\n%s", txt)
	}
}

func TestDriverResizeSendsEveryRow(t *testing.T) {
	d, out := started(t, "login", 100, 30)
	next[Frame](t, out)
	d.Resize(80, 24)
	f := next[Frame](t, out)
	if f.Cols != 80 || f.Rows != 24 || len(f.Lines) != 24 {
		t.Fatalf("after resize: %d×%d with %d rows, want 80×24 with all 24", f.Cols, f.Rows, len(f.Lines))
	}
}

func TestDriverQuitSaysBye(t *testing.T) {
	d, out := started(t, "login", 100, 30)
	next[Frame](t, out)
	d.Key("\x03") // ctrl+c quits even while typing (tui/keys.go)
	if m := next[Message](t, out); m.Type != "bye" {
		t.Fatalf("after ctrl+c: %+v, want bye", m)
	}
}

// The driver recognises bubbletea's unexported messages by name; these
// names belong to the bubbletea version in go.mod.
func TestTeaInternalNames(t *testing.T) {
	for want, msg := range map[string]tea.Msg{
		"sequenceMsg":        tea.Sequence(tea.Quit, tea.Quit)(),
		"setClipboardMsg":    tea.SetClipboard("x")(),
		"backgroundColorMsg": tea.RequestBackgroundColor(),
	} {
		if got, ok := teaInternal(msg); !ok || got != want {
			t.Errorf("teaInternal(%T) = %q, %v; want %q", msg, got, ok, want)
		}
	}
	if _, ok := teaInternal(tea.QuitMsg{}); ok {
		t.Error("tea.QuitMsg is exported, not internal")
	}
}

func TestDriverClipboardAndSequence(t *testing.T) {
	m := cmdModel{cmd: tea.Sequence(tea.SetClipboard("first"), tea.SetClipboard("second"))}
	out := make(chan any, 16)
	d := New(m, 20, 2, false, func(v any) { out <- v })
	go d.Run()
	for _, want := range []string{"first", "second"} {
		if c := next[Message](t, out); c.Type != "clipboard" || c.Text != want {
			t.Fatalf("got %+v, want clipboard %q (in sequence order)", c, want)
		}
	}
}

// cmdModel returns cmd from Init and shows its text.
type cmdModel struct{ cmd tea.Cmd }

func (m cmdModel) Init() tea.Cmd                       { return m.cmd }
func (m cmdModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m cmdModel) View() tea.View                      { return tea.NewView("x") }

func TestScreenStyles(t *testing.T) {
	s := newScreen(10, 1)
	f := s.frame("\x1b[1;31mab\x1b[0mc", Cursor{})
	sp := f.Lines[0].Spans
	if len(sp) < 2 || sp[0].Text != "ab" || !sp[0].Bold || sp[0].Fg == "" || sp[1].Bold || sp[1].Fg != "" {
		t.Fatalf("spans %+v, want bold coloured \"ab\" then plain", sp)
	}
}
