package workshop

import (
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// DefaultKeepAlive is how often tokensim ssh asks each connection whether
// its client is still there (Config.KeepAlive), as OpenSSH's
// ClientAliveInterval does (sshd_config(5)).
const DefaultKeepAlive = 15 * time.Second

// keepAliveMax is how many keepalives may go unanswered before the
// connection is closed: OpenSSH's ClientAliveCountMax default (3).
const keepAliveMax = 3

// keepAliveRequest is the global request OpenSSH's sshd sends as its
// client-alive check (RFC 4254 §4 global requests; the name is OpenSSH's,
// PROTOCOL). A client answers a global request it does not know with
// SSH_MSG_REQUEST_FAILURE when want-reply is set (RFC 4254 §4): any answer,
// success or failure, shows the client is there.
const keepAliveRequest = "keepalive@openssh.com"

// keepAlive asks the session's connection every Config.KeepAlive whether
// its client is there, once per connection however many sessions it
// runs, and closes the connection when keepAliveMax asks in a row went
// unanswered: a client whose network vanished then stops holding its
// place, its world and the lead. Without it that took TCP's own
// keep-alive, minutes, and longer while frames were unacknowledged.
func (s *Server) keepAlive(ctx ssh.Context, v *visitor, who Who) {
	every := s.cfg.KeepAlive
	conn, _ := ctx.Value(ssh.ContextKeyConn).(gossh.Conn)
	if every <= 0 || conn == nil || !v.keepAliveStarted() {
		return
	}
	var (
		mu      sync.Mutex
		waiting bool // a keepalive is unanswered
		missed  int  // checks since it was sent
	)
	var tick func()
	tick = func() {
		mu.Lock()
		if waiting {
			missed++
		}
		if missed >= keepAliveMax {
			mu.Unlock()
			s.cfg.Logf("closed the connection of %s %q from %s: %d keepalives in a row went unanswered (every %s)", who.Role(), who.User, v.addr, keepAliveMax, every)
			v.closeConn()
			return
		}
		send := !waiting
		waiting = true
		mu.Unlock()
		if send {
			go func() {
				// Blocks until the answer, or until the connection closes
				// (an error: no answer).
				_, _, err := conn.SendRequest(keepAliveRequest, true, nil)
				if err != nil {
					return
				}
				mu.Lock()
				waiting, missed = false, 0
				mu.Unlock()
				if s.cfg.keepAliveAnswered != nil {
					s.cfg.keepAliveAnswered()
				}
			}()
		}
		v.setKeepAlive(s.cfg.afterFunc(every, tick))
	}
	v.setKeepAlive(s.cfg.afterFunc(every, tick))
}
