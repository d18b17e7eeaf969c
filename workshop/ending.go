package workshop

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// Why a session ended, for the leave log line and for the one line the
// attendee reads in their terminal when the server ended it.
type endReason int

const (
	endQuit     endReason = iota // the player quit (q, ctrl+c)
	endIdle                      // no key for Config.IdleTimeout
	endMax                       // the connection reached Config.MaxTimeout
	endShutdown                  // the server is shutting down
	endLost                      // the client's connection or channel closed
	endError                     // the program failed
)

// Lines for a session the server ended, printed after the player has left
// the alternate screen, so they stay above the attendee's shell prompt.
const (
	msgIdle    = "tokensim: ended after %s idle: ssh again to come back where you were."
	msgMaxAge  = "tokensim: ended at the %s limit: ssh again to come back where you were."
	msgGoodbye = "tokensim: the server is shutting down. Thank you! ssh again once it is back."
)

// The same lines for a door whose way back is not ssh (Terminal.Again).
const (
	msgIdleAgain    = "tokensim: ended after %s idle: %s to come back where you were."
	msgMaxAgeAgain  = "tokensim: ended at the %s limit: %s to come back where you were."
	msgGoodbyeAgain = "tokensim: the server is shutting down. Thank you! %s once it is back."
)

// says is the one line a server-ended session prints, and the log's why;
// again is how to come back (Terminal.Again; "": ssh again).
func (s *Server) says(r endReason, again string) (line, why string) {
	pick := func(ssh, other string, a ...any) string {
		if again == "" {
			return fmt.Sprintf(ssh, a...)
		}
		return fmt.Sprintf(other, append(a, again)...)
	}
	switch r {
	case endIdle:
		d := text.FormatDuration(s.cfg.IdleTimeout)
		return pick(msgIdle, msgIdleAgain, d), "idle for " + d
	case endMax:
		d := text.FormatDuration(s.cfg.MaxTimeout)
		return pick(msgMaxAge, msgMaxAgeAgain, d), "max duration " + d
	case endShutdown:
		return pick(msgGoodbye, msgGoodbyeAgain), "shutdown"
	case endReplaced:
		return msgReplaced, "connected again from elsewhere"
	case endLost:
		return "", "connection lost"
	case endError:
		return "", "error"
	}
	return "", "quit"
}

// session is one player's life on the server: when it began, when the
// client last typed, and why it ended. Its timer ends it when the client
// has typed nothing for Config.IdleTimeout, unless the room holds it
// (held), and when its connection is Config.MaxTimeout old. Ending here,
// not by the socket deadlines of gliderlabs' IdleTimeout and MaxTimeout
// (which close the connection from below), lets the program end properly:
// it leaves the alternate screen and shows the cursor before the line
// saying why.
type session struct {
	srv   *Server
	in    io.Reader   // the terminal's keys (Terminal.In)
	since time.Time   // the connection's start: MaxTimeout counts from it
	began time.Time   // the session's start, for the leave log line
	held  func() bool // the room keeps this session: not idle

	cancel context.CancelFunc // ends the program

	mu     sync.Mutex
	last   time.Time // the last key, resize or moment held
	ended  bool
	reason endReason
	stop   func() bool // the pending timer
}

// Read is the program's input: every key the client sends counts as
// activity, and the end of the input (the client closed the channel or
// the connection) ends the session.
func (ss *session) Read(p []byte) (int, error) {
	n, err := ss.in.Read(p)
	if n > 0 {
		ss.touch()
	}
	if err != nil {
		ss.end(endLost)
	}
	return n, err
}

func (ss *session) touch() {
	now := ss.srv.cfg.now()
	ss.mu.Lock()
	ss.last = now
	ss.mu.Unlock()
}

// start begins the session's clock.
func (ss *session) start(ctx context.Context) context.Context {
	ctx, ss.cancel = context.WithCancel(ctx)
	ss.mu.Lock()
	ss.began = ss.srv.cfg.now()
	ss.last = ss.began
	ss.mu.Unlock()
	ss.check()
	return ctx
}

// check ends the session if its time is up, else sets the timer for when
// it may be. While the room holds the session it counts as active,
// checked again every quarter of the idle timeout: after the room lets it
// go, it has at least three quarters of the timeout before it is idle.
func (ss *session) check() {
	cfg := &ss.srv.cfg
	held := cfg.IdleTimeout > 0 && ss.held()
	if r, due := ss.due(cfg.now(), held); due {
		ss.end(r)
	}
}

func (ss *session) due(now time.Time, held bool) (endReason, bool) {
	cfg := &ss.srv.cfg
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.ended {
		return 0, false
	}
	wait := time.Duration(-1)
	if cfg.MaxTimeout > 0 {
		left := ss.since.Add(cfg.MaxTimeout).Sub(now)
		if left <= 0 {
			return endMax, true
		}
		wait = left
	}
	if idle := cfg.IdleTimeout; idle > 0 {
		if held {
			ss.last = now
		}
		left := ss.last.Add(idle).Sub(now)
		if left <= 0 {
			return endIdle, true
		}
		if held {
			left = min(left, max(idle/4, time.Nanosecond))
		}
		if wait < 0 || left < wait {
			wait = left
		}
	}
	if wait >= 0 {
		ss.stop = cfg.afterFunc(wait, ss.check)
	}
	return 0, false
}

// end ends the session for r, once: the first reason is the one kept.
func (ss *session) end(r endReason) {
	ss.mu.Lock()
	if ss.ended {
		ss.mu.Unlock()
		return
	}
	ss.ended, ss.reason = true, r
	if ss.stop != nil {
		ss.stop()
	}
	ss.mu.Unlock()
	if ss.cancel != nil {
		ss.cancel()
	}
}

// finish is the reason the session ended; a program that returned with no
// reason recorded was quit by its user.
func (ss *session) finish(err error) endReason {
	r := endQuit
	if err != nil {
		r = endError
	}
	ss.end(r)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason
}
