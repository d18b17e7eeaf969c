package workshop

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/gliderlabs/ssh"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/tui"
)

// One-line answers to sessions that cannot get a player.
const (
	msgNoPty      = "tokensim needs a terminal: connect with ssh -t (or without -T), from a terminal."
	msgExec       = "tokensim runs no commands: connect with plain ssh (no command) for the player."
	msgFull       = "the room is full (%s): try again in a moment."
	msgFullForAll = "the room is full (all %d places taken): try again in a moment."
	msgClosing    = "the workshop server is shutting down."

	// Refused before or at login (banners, or a line before the SSH
	// version); each names the limit and what to do.
	msgPerAddr     = "%d connections from your address: ask to raise --max-per-addr."
	msgPending     = "too many connections waiting to log in (%d): try again in a minute."
	msgPendingAddr = "too many logins pending from your address (%d): retry in a minute."
	msgLongUser    = "user names are at most %d bytes: log in with a shorter one."
	msgLockedOut   = "too many failed passwords: refused for %s; wait, or use a key."
)

// handle runs one session: its own world and player (tui.New, as
// tokensim play builds it, or the world this user left, on a reconnect),
// its window size, its terminal's colours, and the room.
func (s *Server) handle(sess ssh.Session) {
	v := visitorOf(sess.Context())
	v.sessionStarted()
	defer v.sessionEnded()
	refuse := func(msg string) {
		fmt.Fprintln(sess.Stderr(), msg)
		_ = sess.Exit(1)
	}
	if sess.RawCommand() != "" {
		refuse(msgExec)
		return
	}
	pty, winCh, ok := sess.Pty()
	if !ok {
		refuse(msgNoPty)
		return
	}
	// From here the client has a terminal: say why on it, not on stderr.
	refuse = func(msg string) {
		fmt.Fprint(sess, msg+"\r\n")
		_ = sess.Exit(1)
	}
	who := v.who(sess.User())
	role := roleOf(who)
	s.keepAlive(sess.Context(), v, who)
	// The same key again: its older session ends and gives back its slot
	// and world first (takeover.go).
	replaced := s.takeOver(who, sess.RemoteAddr().String(), sess.Context().Done())
	ls := &liveSession{closeConn: v.closeConn, addr: sess.RemoteAddr().String(), done: make(chan struct{})}
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
		refuse("tokensim: " + msg)
		s.cfg.Logf("refused %s %q from %s: the room is full (%s)", role, who.User, sess.RemoteAddr(), why)
		return
	}
	defer s.sessions.releaseAs(who.Instructor)
	if s.ctx.Err() != nil { // checked after acquire: Shutdown waits for every acquired slot
		refuse("tokensim: " + msgClosing)
		return
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
			refuse("tokensim: " + err.Error())
			return
		}
	}
	switch {
	case found && replaced > 0:
		s.cfg.Logf("%s %q rejoined from %s by the same key, back where their older session was", role, who.User, sess.RemoteAddr())
	case found:
		s.cfg.Logf("%s %q rejoined from %s, back where they left", role, who.User, sess.RemoteAddr())
	case busy:
		s.cfg.Logf("%s %q joined from %s, a fresh world: a session of the same name and credential is still connected", role, who.User, sess.RemoteAddr())
	default:
		s.cfg.Logf("%s %q joined from %s", role, who.User, sess.RemoteAddr())
	}
	ss := &session{srv: s, in: sess, since: v.since, held: func() bool { return holds(member, who) }}
	ctx := ss.start(sess.Context())
	s.live.started(ls, ss.end)
	stop := context.AfterFunc(s.ctx, func() { ss.end(endShutdown) })
	defer stop()
	stopLost := context.AfterFunc(sess.Context(), func() { ss.end(endLost) })
	defer stopLost()

	// The client's TERM decides the colours (the channel is not a TTY, so
	// detection from the output would strip them all); NO_COLOR sent by
	// the client is honoured the same way.
	env := append(sess.Environ(), "TERM="+pty.Term)
	p := tea.NewProgram(m,
		tea.WithInput(ss), tea.WithOutput(sess),
		tea.WithEnvironment(env), tea.WithColorProfile(colorprofile.Env(env)),
		tea.WithWindowSize(clampSize(pty.Window.Width, pty.Window.Height)),
		// The server's own ctrl+c must not reach every player through a
		// signal handler; shutdown ends them through ctx instead.
		tea.WithoutSignalHandler(),
		// ctrl+z would suspend the program with no shell to return to.
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{}
			}
			return msg
		}))

	go member.Deliver(ctx, p.Send)
	screen := screenBudget(clampSize(pty.Window.Width, pty.Window.Height))
	s.budget.add(budgetSession + screen)
	var (
		resized sync.Mutex // screen and gone, between the window loop and the end
		gone    bool
	)
	defer func() {
		resized.Lock()
		defer resized.Unlock()
		s.budget.add(-budgetSession - screen)
		gone = true
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				p.Quit()
				return
			case w, ok := <-winCh:
				if !ok {
					// The client closed its requests: no more sizes, but
					// the program still ends only with ctx.
					winCh = nil
					continue
				}
				ss.touch() // a resize is the attendee at their terminal
				width, height := clampSize(w.Width, w.Height)
				resized.Lock()
				if !gone {
					next := screenBudget(width, height)
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
	// The program has ended: it has left the alternate screen and shown
	// the cursor, so the line stays in the attendee's terminal, above
	// their shell prompt.
	line, why := s.says(reason)
	if line != "" {
		fmt.Fprint(sess, line+"\r\n")
	}
	if err != nil {
		why += ": " + err.Error()
	}
	s.cfg.Logf("%s %q from %s left after %s: %s", role, who.User, sess.RemoteAddr(), text.FormatDuration(s.cfg.now().Sub(ss.began).Round(time.Second)), why)
	fm, isModel := final.(tui.Model)
	// Kept for a reconnect: a world the server or the network ended. One
	// its user quit is not (q asks first where there is something to
	// lose, and progress still offers to resume the lesson); a failed
	// program's model is not trusted; at shutdown nothing is kept anyway.
	keep := isModel && (reason == endIdle || reason == endMax || reason == endLost || reason == endReplaced)
	if dropped := s.worlds.leave(who, fm, keep); dropped > 0 {
		s.quiet.log("worlds", "forgot the oldest departed sessions' worlds: at most %d are kept", s.worlds.max)
	}
	_ = sess.Exit(0)
}

// inWords is n things in words: "1 attendee", "3 attendees".
func inWords(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// roleOf names a session's role in the log.
func roleOf(who Who) string {
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
// (RFC 4254 §6.2, §6.7) and may say anything up to 2³²−1: drawn as asked, a
// 65535×65535 window keeps the renderer busy on four billion cells. No
// screen shows more than this; a larger window gets a frame of this size.
const (
	maxCols = 500
	maxRows = 200
)

func clampSize(w, h int) (int, int) {
	return min(max(w, 0), maxCols), min(max(h, 0), maxRows)
}
