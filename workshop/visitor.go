package workshop

import (
	"net"
	"sync"
	"time"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// visitor is one connection from accept to close: where it comes from,
// the places it holds, what it tried, and whether and as whom it logged
// in. The role is set in one place, login, which the authentication
// callbacks reach only after the proof their method requires has been
// checked: a password compared, or a key's signature verified
// (RFC 4252 §7) — never a key merely offered.
type visitor struct {
	host string // the remote address without port: what limits count
	addr string // host:port, for the log

	logins logins

	mu         sync.Mutex
	pre        gossh.ServerPreAuthConn // sends banners before login (RFC 4252 §5.4)
	bannered   map[string]bool         // each banner once a connection
	loggedIn   bool
	instructor bool
	pending    func() // gives back the not-yet-logged-in place
	slot       func() // gives back the logged-in place on the address
	deadline   *time.Timer
	closed     bool
}

const ctxVisitor ctxKey = "tokensim-visitor"

type ctxKey string

// visitorOf is the connection's visitor; admit puts it in every
// connection's context before the handshake.
func visitorOf(ctx ssh.Context) *visitor {
	v, _ := ctx.Value(ctxVisitor).(*visitor)
	return v
}

func (v *visitor) setPreAuth(c gossh.ServerPreAuthConn) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.pre = c
}

// banner tells the client why it was refused, once per message: OpenSSH
// prints a banner before its next prompt or its "Permission denied".
func (v *visitor) banner(msg string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.pre == nil || v.bannered[msg] {
		return
	}
	if v.bannered == nil {
		v.bannered = map[string]bool{}
	}
	v.bannered[msg] = true
	_ = v.pre.SendAuthBanner("tokensim: " + msg + "\r\n")
}

// admitted records a login that the limits let in: the role it proved and
// the address place it holds until the connection closes.
func (v *visitor) admitted(instructor bool, slot func()) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.slot != nil || v.closed { // one login a connection; never after close
		slot()
		return
	}
	v.instructor, v.slot = instructor, slot
}

// authenticated is called once x/crypto has accepted a method: the login
// deadline stops and the not-yet-logged-in place is given back.
func (v *visitor) authenticated() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.loggedIn = true
	if v.deadline != nil {
		v.deadline.Stop()
	}
	if v.pending != nil {
		v.pending()
		v.pending = nil
	}
}

// isInstructor reports whether the connection logged in as an instructor.
func (v *visitor) isInstructor() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.loggedIn && v.instructor
}

func (v *visitor) isLoggedIn() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.loggedIn
}

// close gives back every place the connection holds, once.
func (v *visitor) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	v.closed = true
	if v.deadline != nil {
		v.deadline.Stop()
	}
	for _, release := range []func(){v.pending, v.slot} {
		if release != nil {
			release()
		}
	}
	v.pending, v.slot = nil, nil
}

// visitorConn is an accepted connection that tells its visitor when it
// closes.
type visitorConn struct {
	net.Conn
	once    sync.Once
	onClose func()
}

func (c *visitorConn) Close() error {
	c.once.Do(c.onClose)
	return c.Conn.Close()
}
