package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/tui"
	"github.com/tokensim/tokensim/web/term"
	"github.com/tokensim/tokensim/workshop"
)

// The size a visitor's screen starts at when the page has not said its
// own, and the largest it may say (workshop clamps SSH windows alike: a
// huge size would keep the renderer busy on millions of cells).
const (
	defaultCols, defaultRows = 80, 24
	maxCols, maxRows         = 500, 200
)

// What a visitor is told in the "bye" message.
const (
	byeQuit     = "the player ended: reload the page for a new one."
	byeShutdown = "the server is shutting down."
	byeFailed   = "the player failed: "
)

// run plays one visitor's session on c until the program ends, the page
// goes, or the server closes; it returns why, for the log.
func (s *Server) run(reqCtx context.Context, c *websocket.Conn, who workshop.Who) string {
	// ctx is the page's: it ends when the page goes, and only then or
	// once the session is over, because coder/websocket closes the
	// socket when a Read's or Write's context ends (no "bye" after it).
	ctx, cancel := context.WithCancel(reqCtx)
	defer cancel()

	// The first message is the page's size; one that is not is kept and
	// handled once the player runs.
	cols, rows := defaultCols, defaultRows
	var first *term.In
	// A page that never says its size must not hold Close: a shutdown
	// before it does closes the socket (no player, no bye to send).
	stopWaiting := context.AfterFunc(s.ctx, cancel)
	m, err := readMsg(ctx, c)
	stopWaiting()
	if err != nil {
		return closeErr(c, err)
	}
	if m.Type == "resize" {
		cols, rows = clampSize(m.Cols, m.Rows)
	} else {
		first = &m
	}

	member := s.cfg.Room.Join(who)
	defer member.Leave()
	model, err := tui.New(tui.Options{Catalogue: s.cfg.Catalogue, Run: s.cfg.Run, Room: member, Instructor: who.Instructor,
		NoExport: true, NoCommandHints: true, Progress: &progress.Memory{}})
	if err != nil {
		bye(c, byeFailed+err.Error())
		return err.Error()
	}

	sc := term.NewScreen(cols, rows)
	in := term.NewInbox()
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := io.Copy(in, sc.Answers()); err != nil {
			cancel() // too much input waiting: the page goes
			_, _ = io.Copy(io.Discard, sc.Answers())
		}
	})
	// The page is a true-colour terminal: it draws any #rrggbb.
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	p := tea.NewProgram(model,
		tea.WithInput(in), tea.WithOutput(sc),
		tea.WithEnvironment(env), tea.WithColorProfile(colorprofile.TrueColor),
		tea.WithWindowSize(cols, rows),
		tea.WithoutSignalHandler(),
		// ctrl+z would suspend the program with nothing to return to.
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{}
			}
			return msg
		}))
	go member.Deliver(ctx, p.Send)
	defer context.AfterFunc(ctx, p.Quit)()
	defer context.AfterFunc(s.ctx, p.Quit)()

	stopFrames := make(chan struct{})
	var frames sync.WaitGroup
	frames.Go(func() { sendFrames(ctx, stopFrames, c, sc) })
	pageGone := make(chan error, 1)
	wg.Go(func() {
		pageGone <- readPage(ctx, c, first, sc, in, p)
		cancel()
	})

	_, runErr := p.Run()
	p.Kill()
	// Unblock whatever waits on the program: the emulator answering a
	// query, and the input.
	_ = sc.CloseAnswers()
	_ = in.Close()
	close(stopFrames)
	frames.Wait()
	var why string
	select {
	case err := <-pageGone:
		why = closeErr(c, err)
	default:
		switch {
		case s.ctx.Err() != nil:
			bye(c, byeShutdown)
			why = "the server shut down"
		case runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled):
			bye(c, byeFailed+runErr.Error())
			why = runErr.Error()
		default:
			bye(c, byeQuit)
			why = "quit"
		}
	}
	cancel()
	wg.Wait()
	return why
}

// readPage feeds the page's messages to the program until the page goes
// or ctx ends.
func readPage(ctx context.Context, c *websocket.Conn, first *term.In, sc *term.Screen, in io.Writer, p *tea.Program) error {
	for {
		var m term.In
		if first != nil {
			m, first = *first, nil
		} else {
			var err error
			if m, err = readMsg(ctx, c); err != nil {
				return err
			}
		}
		switch m.Type {
		case "key":
			if _, err := io.WriteString(in, m.Data); err != nil {
				return err
			}
		case "paste":
			// Bracketed (if the program asked for it) by the emulator, as
			// a terminal pastes.
			sc.Paste(m.Text)
		case "resize":
			cols, rows := clampSize(m.Cols, m.Rows)
			sc.Resize(cols, rows)
			p.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
		}
	}
}

// sendFrames sends a frame after each change until stop closes or the
// page goes.
func sendFrames(ctx context.Context, stop <-chan struct{}, c *websocket.Conn, sc *term.Screen) {
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		case <-sc.Dirty():
		}
		var msgs []any
		if f, ok := sc.Frame(); ok {
			msgs = append(msgs, f)
		}
		if t, ok := sc.TakeClipboard(); ok {
			msgs = append(msgs, term.Text{Type: "clipboard", Text: t})
		}
		for _, m := range msgs {
			b, err := json.Marshal(m)
			if err != nil {
				return
			}
			if err := c.Write(ctx, websocket.MessageText, b); err != nil {
				return
			}
		}
	}
}

func readMsg(ctx context.Context, c *websocket.Conn) (term.In, error) {
	var m term.In
	typ, b, err := c.Read(ctx)
	if err != nil {
		return m, err
	}
	if typ != websocket.MessageText {
		return m, errBinary
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, err
	}
	return m, nil
}

var errBinary = errors.New("a binary message: the protocol is JSON text")

// bye tells the page why its session ended and closes the socket.
func bye(c *websocket.Conn, why string) {
	b, _ := json.Marshal(term.Text{Type: "bye", Text: why})
	ctx, cancel := context.WithTimeout(context.Background(), byeWait)
	defer cancel()
	_ = c.Write(ctx, websocket.MessageText, b)
	_ = c.Close(websocket.StatusNormalClosure, "")
}

// closeErr closes c after a read error and names it for the log.
func closeErr(c *websocket.Conn, err error) string {
	switch websocket.CloseStatus(err) {
	case websocket.StatusNormalClosure, websocket.StatusGoingAway:
		return "the page closed"
	}
	_ = c.Close(websocket.StatusPolicyViolation, err.Error())
	return err.Error()
}

func clampSize(w, h int) (int, int) {
	return min(max(w, 1), maxCols), min(max(h, 1), maxRows)
}

// byeWait is how long the goodbye may take to write to a slow page.
const byeWait = time.Second
