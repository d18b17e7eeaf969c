package wasmplay

import (
	"encoding/json"
	"errors"
	"io"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/tokensim/tokensim/tui"
	"github.com/tokensim/tokensim/web/term"
)

// The size a page may ask for, as the web server clamps it (web/session.go):
// a huge size would keep the renderer busy on millions of cells.
const (
	maxCols, maxRows = 500, 200
)

// ByeQuit is the "bye" text after the player quits (q q, ctrl+c).
const ByeQuit = "the player ended: reload the page for a new one."

// byeFailed starts the "bye" text when the program fails.
const byeFailed = "the player failed: "

// Session is one player in the page: a real tea.Program, as the web
// server runs per visitor (web/session.go), whose terminal is a
// term.Screen and whose input is a term.Inbox. What it sends the page is
// the frame protocol's JSON (term.Frame, term.Text), byte for byte what
// the WebSocket carries, so the page's app.js draws both alike.
type Session struct {
	sc   *term.Screen
	in   *term.Inbox
	p    *tea.Program
	done chan struct{}

	// size is the page's latest size not yet given to the program;
	// resized wakes the goroutine that gives it (one wake covers any
	// number of resizes, and the last one wins).
	mu      sync.Mutex
	size    tea.WindowSizeMsg
	resized chan struct{}
}

// Start runs m on a cols×rows screen. out receives each message for the
// page, from one goroutine at a time, in order: frames and clipboard
// texts while the program runs, then one "bye".
func Start(m tea.Model, cols, rows int, out func(msg []byte)) *Session {
	cols, rows = clampSize(cols, rows)
	s := &Session{sc: term.NewScreen(cols, rows), in: term.NewInbox(), done: make(chan struct{}), resized: make(chan struct{}, 1)}
	// The page is a true-colour terminal: it draws any #rrggbb.
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	s.p = tea.NewProgram(m,
		tea.WithInput(s.in), tea.WithOutput(s.sc),
		tea.WithEnvironment(env), tea.WithColorProfile(colorprofile.TrueColor),
		tea.WithWindowSize(cols, rows),
		tea.WithoutSignalHandler(),
		tea.WithFilter(tui.NoSuspend))
	go s.run(out)
	return s
}

func (s *Session) run(out func([]byte)) {
	defer close(s.done)
	var wg sync.WaitGroup
	// The emulator's answers to the program's queries (background colour,
	// mode reports) are the program's input, as a terminal's are.
	wg.Go(func() {
		if _, err := io.Copy(s.in, s.sc.Answers()); err != nil {
			_, _ = io.Copy(io.Discard, s.sc.Answers())
		}
	})
	stop := make(chan struct{})
	// p.Send waits for the program's loop, and a JavaScript event handler
	// must not wait: Handle leaves the size here.
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-s.resized:
				s.mu.Lock()
				size := s.size
				s.mu.Unlock()
				s.p.Send(size) // a no-op once the program has ended
			}
		}
	})
	var frames sync.WaitGroup
	frames.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-s.sc.Dirty():
				s.flush(out)
			}
		}
	})
	_, runErr := s.p.Run()
	s.p.Kill()
	_ = s.sc.CloseAnswers()
	_ = s.in.Close()
	close(stop)
	frames.Wait()
	s.flush(out) // the program's last drawing, if the sender had not sent it
	why := ByeQuit
	if runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled) {
		why = byeFailed + runErr.Error()
	}
	send(out, term.Text{Type: "bye", Text: why})
	wg.Wait()
}

// flush sends what changed on the screen and the clipboard text, if any.
func (s *Session) flush(out func([]byte)) {
	if f, ok := s.sc.Frame(); ok {
		send(out, f)
	}
	if t, ok := s.sc.TakeClipboard(); ok {
		send(out, term.Text{Type: "clipboard", Text: t})
	}
}

func send(out func([]byte), v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return // the protocol's types always marshal
	}
	out(b)
}

// ErrMessage is returned by Handle for a page message it cannot read.
var ErrMessage = errors.New("not a frame-protocol message from the page")

// Handle takes one message from the page (JSON text: "key", "paste",
// "resize"). It never waits for the program, so a JavaScript event
// handler may call it.
func (s *Session) Handle(msg []byte) error {
	var m term.In
	if err := json.Unmarshal(msg, &m); err != nil {
		return errors.Join(ErrMessage, err)
	}
	switch m.Type {
	case "key":
		_, err := io.WriteString(s.in, m.Data)
		return err
	case "paste":
		// Bracketed (if the program asked for it) by the emulator, as a
		// terminal pastes.
		s.sc.Paste(m.Text)
	case "resize":
		cols, rows := clampSize(m.Cols, m.Rows)
		s.sc.Resize(cols, rows)
		if err := s.sc.ApplyColors(m, s.in); err != nil {
			return err
		}
		s.mu.Lock()
		s.size = tea.WindowSizeMsg{Width: cols, Height: rows}
		s.mu.Unlock()
		select {
		case s.resized <- struct{}{}:
		default:
		}
	default:
		return ErrMessage
	}
	return nil
}

// Quit ends the program (a "bye" follows).
func (s *Session) Quit() { s.p.Quit() }

// Done is closed once the "bye" was sent.
func (s *Session) Done() <-chan struct{} { return s.done }

func clampSize(w, h int) (int, int) {
	return min(max(w, 1), maxCols), min(max(h, 1), maxRows)
}
