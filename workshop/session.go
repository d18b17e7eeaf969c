package workshop

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/gliderlabs/ssh"
	"github.com/tokensim/tokensim/tui"
)

// One-line answers to sessions that cannot get a player.
const (
	msgNoPty   = "tokensim needs a terminal: connect with ssh -t (or without -T), from a terminal."
	msgExec    = "tokensim runs no commands: connect with plain ssh and no command to get the player."
	msgFull    = "the room is full (%d sessions): try again in a moment."
	msgClosing = "the workshop server is shutting down."
	msgGoodbye = "the workshop server is shutting down: goodbye, and thank you for coming."

	// Refused before or at login (banners, or a line before the SSH
	// version); each names the limit and what to do.
	msgPerAddr     = "too many connections from your address (%d): ask the instructor to raise --max-per-addr."
	msgPending     = "too many connections waiting to log in (%d): try again in a minute."
	msgPendingAddr = "too many connections waiting to log in from your address (%d): try again in a minute."
	msgLockedOut   = "too many failed logins from your address: passwords are refused for %s; try again then, or log in with a key."
)

// handle runs one session: its own world and player (tui.New, as
// tokensim play builds it), its window size, its terminal's colours, and
// the room.
func (s *Server) handle(sess ssh.Session) {
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
	if !s.sessions.acquire() {
		refuse(fmt.Sprintf(msgFull, s.cfg.MaxSessions))
		s.cfg.Logf("refused a session from %s: the room is full", sess.RemoteAddr())
		return
	}
	defer s.sessions.release()
	if s.ctx.Err() != nil { // checked after acquire: Shutdown waits for every acquired slot
		refuse(msgClosing)
		return
	}

	instructor := visitorOf(sess.Context()).isInstructor()
	who := "attendee"
	if instructor {
		who = "instructor"
	}
	s.cfg.Logf("%s %q joined from %s", who, sess.User(), sess.RemoteAddr())
	member := s.room.Join(Who{User: sess.User(), Instructor: instructor})
	defer member.Leave()
	m, err := tui.New(tui.Options{Catalogue: s.cfg.Catalogue, Run: s.cfg.Run, Room: member, Instructor: instructor, NoExport: true, NoCommandHints: true,
		Progress: s.progress.For(sess.User())})
	if err != nil {
		refuse("tokensim: " + err.Error())
		return
	}
	// The client's TERM decides the colours (the channel is not a TTY, so
	// detection from the output would strip them all); NO_COLOR sent by
	// the client is honoured the same way.
	env := append(sess.Environ(), "TERM="+pty.Term)
	p := tea.NewProgram(m,
		tea.WithInput(sess), tea.WithOutput(sess),
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

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel) // shutdown ends the session
	defer stop()
	go member.Deliver(ctx, p.Send)
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
				width, height := clampSize(w.Width, w.Height)
				p.Send(tea.WindowSizeMsg{Width: width, Height: height})
			}
		}
	}()
	_, err = p.Run()
	p.Kill()
	if s.ctx.Err() != nil {
		// The player has left the alternate screen: the line stays in the
		// attendee's terminal, above their shell prompt.
		fmt.Fprint(sess, "\r\n"+msgGoodbye+"\r\n")
	}
	if err != nil {
		s.cfg.Logf("%s %s@%s: %v", who, sess.User(), sess.RemoteAddr(), err)
	}
	_ = sess.Exit(0)
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
