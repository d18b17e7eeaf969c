package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/web/term"
	"github.com/tokensim/tokensim/workshop"
)

// The size a visitor's screen starts at when the page has not said its
// own.
const defaultCols, defaultRows = 80, 24

// What a visitor is told in the "bye" message when the room has no line
// of its own: they quit, or the player failed (the log says how).
const byeQuit = "the player ended: reload the page for a new one."

// again completes the room's lines for a session the server ended
// (workshop.Terminal.Again): "… reload the page to come back where you
// were."
const again = "reload the page"

// accept upgrades the request. No OriginPatterns: coder/websocket accepts
// only a request whose Origin host is the request's Host (or one with no
// Origin: not a browser), and answers any other 403, so another site's
// page cannot open a player in the visitor's name with the visitor's
// cookie (cross-site WebSocket hijacking; RFC 6455 §10.2, OWASP WebSocket
// Security Cheat Sheet).
func accept(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(ReadLimit)
	return c, nil
}

// run plays one visitor's session on c through the door until the program
// ends, the page goes, or the server closes; it returns why, for tests.
// started is called once the page has said its size: the socket no longer
// counts as pending (Door.Pending).
func (s *Server) run(reqCtx context.Context, c *websocket.Conn, who workshop.Who, addr string, started func()) string {
	// ctx is the page's: it ends when the page goes, and only then or
	// once the session is over, because coder/websocket closes the
	// socket when a Read's or Write's context ends (no "bye" after it).
	ctx, cancel := context.WithCancel(reqCtx)
	defer cancel()
	since := time.Now()

	// The first message is the page's size; one that is not is kept and
	// handled once the player runs.
	cols, rows := defaultCols, defaultRows
	var first *term.In
	// A page that never says its size must not hold Close: a shutdown
	// before it does closes the socket (no player, no bye to send).
	// Nor hold a socket for ever: it has firstWait to say it, as an SSH
	// connection has to log in (workshop.LoginLimits.Timeout).
	stopWaiting := context.AfterFunc(s.ctx, cancel)
	firstCtx, cancelFirst := ctx, context.CancelFunc(func() {})
	if s.firstWait > 0 {
		firstCtx, cancelFirst = context.WithTimeout(ctx, s.firstWait)
	}
	m, err := readMsg(firstCtx, c)
	cancelFirst()
	stopWaiting()
	if err != nil {
		return closeErr(c, err)
	}
	started()
	if m.Type == "resize" {
		cols, rows = clampSize(m.Cols, m.Rows)
	} else {
		first = &m
	}

	sc := term.NewScreen(cols, rows)
	in := term.NewInbox()
	if first == nil {
		_ = sc.ApplyColors(m, in) // before the program asks for them
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := io.Copy(in, sc.Answers()); err != nil {
			cancel() // too much input waiting: the page goes
			_, _ = io.Copy(io.Discard, sc.Answers())
		}
	})
	playing := make(chan struct{})
	stopFrames := make(chan struct{})
	var frames sync.WaitGroup
	frames.Go(func() { sendFrames(ctx, stopFrames, c, sc) })
	if s.keepAlive > 0 {
		wg.Go(func() { keepAlive(ctx, c, s.keepAlive, cancel) })
	}
	sizes := make(chan workshop.Size)
	pageGone := make(chan error, 1)
	wg.Go(func() {
		pageGone <- readPage(ctx, playing, first, c, sc, in, sizes)
		cancel()
	})

	// The page is a true-colour terminal: it draws any #rrggbb.
	env := []string{"TERM=xterm-256color", "COLORTERM=truecolor"}
	line := s.door.Play(ctx, workshop.Terminal{
		Who: who, Addr: addr, In: in, Out: sc, Env: env, Profile: colorprofile.TrueColor,
		Width: cols, Height: rows, Resize: sizes, Since: since, Again: again,
		// A web-N name is one browser's session cookie: that browser
		// again (a reload, a reconnect) takes its own place back.
		TakeOver:  who.Credential == webCredential,
		CloseConn: func() { _ = c.CloseNow() },
		// The emulator's main and alternate screens (term.Screen), and
		// what else the door holds per visitor: doorBudget.
		ScreenCopies: 2, DoorBudget: doorBudget,
	})
	close(playing)
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
		if line == "" {
			line = byeQuit
		}
		bye(c, line)
		why = line
	}
	cancel()
	wg.Wait()
	return why
}

// keepAlive pings the page every interval (RFC 6455 §5.5.2: a Ping is
// answered by a Pong) and ends the session as lost, calling gone, when a
// pong has not come within three intervals, as tokensim ssh does for a
// client that stopped answering (workshop/keepalive.go, after OpenSSH's
// ClientAliveCountMax of 3): a socket whose network went without a close
// would otherwise hold its place until the idle timeout.
func keepAlive(ctx context.Context, c *websocket.Conn, interval time.Duration, gone func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, 3*interval)
		err := c.Ping(pctx)
		cancel()
		if err != nil {
			gone()
			return
		}
	}
}

// readPage feeds the page's messages to the program until the page goes
// or ctx ends; sizes go to the door's session until playing closes.
func readPage(ctx context.Context, playing <-chan struct{}, first *term.In, c *websocket.Conn, sc *term.Screen, in io.Writer, sizes chan<- workshop.Size) error {
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
			if err := sc.ApplyColors(m, in); err != nil {
				return err
			}
			select {
			case sizes <- workshop.Size{Width: cols, Height: rows}:
			case <-playing:
			case <-ctx.Done():
				return ctx.Err()
			}
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

// clampSize is the room's rule (workshop.ClampSize: a huge size would
// keep the renderer busy on millions of cells), with at least one cell
// each way: the emulator has no screen of no size.
func clampSize(w, h int) (int, int) {
	w, h = workshop.ClampSize(w, h)
	return max(w, 1), max(h, 1)
}

// doorBudget is a web session's memory besides the player and the
// emulator's screens, for --memory-budget: the emulator's parser buffer
// (64 KB), the frames encoded for the page and the socket's buffers, and
// the collector's headroom for them. Calibrated with
// BenchmarkWebRSSPerActiveSession under the budget (100 pages at 120×40):
// without it the paced p99 rose to 0.4–1 s as the collector ran almost
// all the time; with it, 3.1–3.2 MB of RSS a session near rest (README,
// Performance).
const doorBudget = 576 << 10

// byeWait is how long the goodbye may take to write to a slow page.
const byeWait = time.Second
