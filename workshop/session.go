package workshop

import (
	"fmt"

	"github.com/charmbracelet/colorprofile"
	"github.com/gliderlabs/ssh"
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

// handle is the SSH door: it checks that the session asks for the player
// on a terminal, and hands the channel and its pty to play (play.go),
// which runs the session as every door's are run.
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
	who := v.who(sess.User())
	s.keepAlive(sess.Context(), v, who)
	// The client's TERM decides the colours (the channel is not a TTY, so
	// detection from the output would strip them all); NO_COLOR sent by
	// the client is honoured the same way.
	env := append(sess.Environ(), "TERM="+pty.Term)
	sizes := make(chan Size)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for w := range winCh {
			select {
			case sizes <- Size{Width: w.Width, Height: w.Height}:
			case <-done:
				return
			}
		}
		// The client closed its requests: no more sizes.
		close(sizes)
	}()
	line, refused := s.play(sess.Context(), Terminal{
		Who: who, Addr: sess.RemoteAddr().String(),
		In: sess, Out: sess, Env: env, Profile: colorprofile.Env(env),
		Width: pty.Window.Width, Height: pty.Window.Height, Resize: sizes,
		Since: v.since, TakeOver: byKey(who), CloseConn: v.closeConn,
	})
	// From here the client has a terminal: say why on it, not on stderr.
	// A session that ran has left the alternate screen and shown the
	// cursor, so the line stays in the attendee's terminal, above their
	// shell prompt.
	if line != "" {
		fmt.Fprint(sess, line+"\r\n")
	}
	if refused {
		_ = sess.Exit(1)
		return
	}
	_ = sess.Exit(0)
}
