package workshop

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/tui"
)

// Terminal is one session's terminal as a door hands it to the room: the
// SSH channel with its pty (session.go), or a browser's page (package
// web). Everything a session is held to (places, the room, kept worlds,
// progress, timeouts, memory, shutdown, the log) is the same whichever
// door it came through: play.go is their one implementation.
type Terminal struct {
	Who  Who    // who the session is, as the door proved it
	Addr string // the remote host:port, for the log and the per-address count
	// In is what the person types. Each read counts as activity; an error
	// (the connection or page went) ends the session as lost.
	In      io.Reader
	Out     io.Writer            // the program draws here
	Env     []string             // the terminal's environment (TERM, NO_COLOR, …)
	Profile colorprofile.Profile // the colours the terminal draws
	Width   int                  // the size at the start, clamped to 500×200
	Height  int
	// Resize brings each new size (nil: the size never changes). Each
	// counts as activity.
	Resize <-chan Size
	// Since is when the connection began: Config.MaxTimeout counts from
	// it. Zero: when the session begins.
	Since time.Time
	// Again says how to come back, completing the line a session the
	// server ended shows: "" for ssh ("ssh again"), "reload the page".
	Again string
	// TakeOver: the credential proves one person (an SSH key, a browser's
	// session cookie), so a new session of the same Who ends this one and
	// takes its place and world (takeover.go).
	TakeOver bool
	// ScreenCopies is how many cell buffers of the screen the door keeps
	// besides Bubble Tea's own two (package web's terminal emulator: its
	// main and alternate screens, 2), counted in the memory budget.
	ScreenCopies int
	// DoorBudget is the memory the door holds per session besides the
	// player and those copies (the web door's parser buffer, frame
	// encoding and socket), counted in the memory budget.
	DoorBudget int64
	// CloseConn closes the connection from below, for a session that a
	// takeover ended and that did not end by itself in time; nil: none.
	CloseConn func()
}

// Size is a terminal's size in cells.
type Size struct{ Width, Height int }

// play runs one session to its end: its place, the room, its own world
// and player (tui.New as tokensim play builds it, or the world this Who
// left, on a reconnect), its size and colours, its timeouts. ctx is the
// connection's: its end is the session lost. It returns the line that
// tells the person why it ended ("" for none: they quit, or left), and
// whether the session was refused before its player started.
func (s *Server) play(ctx context.Context, t Terminal) (line string, refused bool) {
	who, role := t.Who, t.Who.Role()
	if t.Since.IsZero() {
		t.Since = s.cfg.now()
	}
	closeConn := t.CloseConn
	if closeConn == nil {
		closeConn = func() {}
	}
	// The same proof again: its older session ends and gives back its
	// slot and world first (takeover.go).
	replaced := 0
	if t.TakeOver {
		replaced = s.takeOver(who, t.Addr, ctx.Done())
	}
	ls := &liveSession{closeConn: closeConn, addr: t.Addr, done: make(chan struct{})}
	s.live.add(who, ls)
	defer func() { // after the slot and the world are given back
		s.live.remove(who, ls)
		close(ls.done)
	}()
	if !s.sessions.acquireAs(who.Instructor) {
		n, kept := s.cfg.MaxSessions-s.cfg.InstructorSlots, s.cfg.InstructorSlots
		msg, why := fmt.Sprintf(msgFull, inWords(n, "attendee")), fmt.Sprintf("%s; %s kept for instructors", inWords(n, "attendee"), inWords(kept, "place"))
		if who.Instructor {
			msg, why = fmt.Sprintf(msgFullForAll, s.cfg.MaxSessions), fmt.Sprintf("%s, instructors included", inWords(s.cfg.MaxSessions, "session"))
		}
		s.cfg.Logf("refused %s %q from %s: the room is full (%s)", role, who.User, t.Addr, why)
		return "tokensim: " + msg, true
	}
	defer s.sessions.releaseAs(who.Instructor)
	if s.ctx.Err() != nil { // checked after acquire: Shutdown waits for every acquired slot
		return "tokensim: " + msgClosing, true
	}

	member := s.room.Join(who)
	defer member.Leave()
	kept, found, busy := s.worlds.join(who)
	var m tui.Model
	if found {
		m = kept.Rejoin(member)
	} else {
		var err error
		m, err = tui.New(tui.Options{Catalogue: s.cfg.Catalogue, Run: s.cfg.Run, Room: member, Instructor: who.Instructor, NoExport: true, NoCommandHints: true,
			Progress: s.progress.For(who)})
		if err != nil {
			s.worlds.leave(who, m, false)
			return "tokensim: " + err.Error(), true
		}
	}
	switch {
	case found && replaced > 0:
		proof := "key"
		if !byKey(who) {
			proof = "browser session"
		}
		s.cfg.Logf("%s %q rejoined from %s by the same %s, back where their older session was", role, who.User, t.Addr, proof)
	case found:
		s.cfg.Logf("%s %q rejoined from %s, back where they left", role, who.User, t.Addr)
	case busy:
		s.cfg.Logf("%s %q joined from %s, a fresh world: a session of the same name and credential is still connected", role, who.User, t.Addr)
	default:
		s.cfg.Logf("%s %q joined from %s", role, who.User, t.Addr)
	}
	ss := &session{srv: s, in: t.In, since: t.Since, held: func() bool { return holds(member, who) }}
	pctx := ss.start(ctx)
	s.live.started(ls, ss.end)
	stop := context.AfterFunc(s.ctx, func() { ss.end(endShutdown) })
	defer stop()
	stopLost := context.AfterFunc(ctx, func() { ss.end(endLost) })
	defer stopLost()

	width, height := ClampSize(t.Width, t.Height)
	p := tea.NewProgram(m,
		tea.WithInput(ss), tea.WithOutput(t.Out),
		tea.WithEnvironment(t.Env), tea.WithColorProfile(t.Profile),
		tea.WithWindowSize(width, height),
		// The server's own ctrl+c must not reach every player through a
		// signal handler; shutdown ends them through ctx instead.
		tea.WithoutSignalHandler(),
		tea.WithFilter(tui.NoSuspend))

	go member.Deliver(pctx, p.Send)
	// The cells of Bubble Tea's two buffers, and the door's copies.
	cells := func(w, h int) int64 { return screenBudget(w, h) * int64(2+t.ScreenCopies) / 2 }
	screen := cells(width, height)
	own := budgetSession + t.DoorBudget
	s.budget.add(own + screen)
	var (
		resized sync.Mutex // screen and gone, between the window loop and the end
		gone    bool
	)
	defer func() {
		resized.Lock()
		defer resized.Unlock()
		s.budget.add(-own - screen)
		gone = true
	}()
	sizes := t.Resize
	go func() {
		for {
			select {
			case <-pctx.Done():
				p.Quit()
				return
			case w, ok := <-sizes:
				if !ok {
					// No more sizes, but the program still ends only
					// with ctx.
					sizes = nil
					continue
				}
				ss.touch() // a resize is the person at their terminal
				width, height := ClampSize(w.Width, w.Height)
				resized.Lock()
				if !gone {
					next := cells(width, height)
					s.budget.add(next - screen)
					screen = next
				}
				resized.Unlock()
				p.Send(tea.WindowSizeMsg{Width: width, Height: height})
			}
		}
	}()
	final, err := p.Run()
	p.Kill()
	reason := ss.finish(err)
	line, why := s.says(reason, t.Again)
	if err != nil {
		why += ": " + err.Error()
	}
	s.cfg.Logf("%s %q from %s left after %s: %s", role, who.User, t.Addr, text.FormatDuration(s.cfg.now().Sub(ss.began).Round(time.Second)), why)
	fm, isModel := final.(tui.Model)
	// Kept for a reconnect: a world the server or the network ended. One
	// its user quit is not (q asks first where there is something to
	// lose, and progress still offers to resume the lesson); a failed
	// program's model is not trusted; at shutdown nothing is kept anyway.
	keep := isModel && (reason == endIdle || reason == endMax || reason == endLost || reason == endReplaced)
	if dropped := s.worlds.leave(who, fm, keep); dropped > 0 {
		s.quiet.log("worlds", "forgot the oldest departed sessions' worlds: at most %d are kept", s.worlds.max)
	}
	return line, false
}

// inWords is n things in words: "1 attendee", "3 attendees".
func inWords(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Role names who's role in the log: "instructor" or "attendee", the
// words of every door's log lines.
func (who Who) Role() string {
	if who.Instructor {
		return "instructor"
	}
	return "attendee"
}

// holds reports whether the room keeps a session from being idle: an
// attendee who follows a led room (a break is not a drop), and an
// instructor while the room is led (the room would be let go with them).
func holds(m *Member, who Who) bool {
	if who.Instructor {
		return m.Status(tui.FollowMsg{}).Leading
	}
	return m.Following()
}

// The largest terminal a session is drawn for. The client says its size
// (RFC 4254 §6.2, §6.7; a page says any number) and may say anything up
// to 2³²−1: drawn as asked, a 65535×65535 window keeps the renderer busy
// on four billion cells. No screen shows more than this; a larger window
// gets a frame of this size.
const (
	maxCols = 500
	maxRows = 200
)

// ClampSize is the size a session is drawn for when its client says w×h:
// at most maxCols×maxRows, never negative (0 stays 0: a client that did
// not say). Every door clamps by it.
func ClampSize(w, h int) (int, int) {
	return min(max(w, 0), maxCols), min(max(h, 0), maxRows)
}
