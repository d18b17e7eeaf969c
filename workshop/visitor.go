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

	since time.Time // when the connection was accepted

	// A logged-in connection that runs no session (ssh -N, or a
	// multiplexing client that keeps the connection after its session)
	// is closed after idle with none; sessions time themselves.
	idle      time.Duration
	afterFunc func(time.Duration, func()) func() bool
	closeConn func()

	mu         sync.Mutex
	pre        gossh.ServerPreAuthConn // sends banners before login (RFC 4252 §5.4)
	bannered   map[string]bool         // each banner once a connection
	loggedIn   bool
	instructor bool
	credential string // Who.Credential: the proof's name, never the secret
	pending    func() // gives back the not-yet-logged-in place
	slot       func() // gives back the logged-in place on the address
	deadline   *time.Timer
	sessions   int         // sessions running on the connection
	stopIdle   func() bool // the no-session timer, while set
	keepAlive  bool        // its keepalives have started (keepalive.go)
	stopAlive  func() bool // the next keepalive's timer
	closed     bool
}

// keepAliveStarted reports whether this call is the first: keepalives
// run once per connection, not per session.
func (v *visitor) keepAliveStarted() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	first := !v.keepAlive && !v.closed
	v.keepAlive = true
	return first
}

// setKeepAlive holds the next keepalive's timer, stopped at close.
func (v *visitor) setKeepAlive(stop func() bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		stop()
		return
	}
	v.stopAlive = stop
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

// admitted records a login that the limits let in: the role and the
// credential it proved, and the address place it holds until the
// connection closes.
func (v *visitor) admitted(instructor bool, credential string, slot func()) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.slot != nil || v.closed { // one login a connection; never after close
		slot()
		return
	}
	v.instructor, v.credential, v.slot = instructor, credential, slot
}

// who is the logged-in session as the room knows it.
func (v *visitor) who(user string) Who {
	v.mu.Lock()
	defer v.mu.Unlock()
	return Who{User: user, Credential: v.credential, Instructor: v.loggedIn && v.instructor}
}

// sessionStarted and sessionEnded count the connection's sessions; with
// none, the connection's idle timer runs.
func (v *visitor) sessionStarted() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.sessions++
	v.stopIdleLocked()
}

func (v *visitor) sessionEnded() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.sessions--
	v.armIdleLocked()
}

func (v *visitor) armIdleLocked() {
	if v.idle > 0 && v.sessions == 0 && v.loggedIn && !v.closed && v.stopIdle == nil {
		v.stopIdle = v.afterFunc(v.idle, v.idleFired)
	}
}

// idleFired closes the connection if it still runs no session: a session
// that began as the timer fired keeps it.
func (v *visitor) idleFired() {
	v.mu.Lock()
	idle := v.sessions == 0 && !v.closed
	v.mu.Unlock()
	if idle {
		v.closeConn()
	}
}

func (v *visitor) stopIdleLocked() {
	if v.stopIdle != nil {
		v.stopIdle()
		v.stopIdle = nil
	}
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
	v.armIdleLocked()
	if v.pending != nil {
		v.pending()
		v.pending = nil
	}
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
	v.stopIdleLocked()
	if v.stopAlive != nil {
		v.stopAlive()
		v.stopAlive = nil
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
