package workshop

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"
)

// LoginLimits bound what a connection can do before it has logged in, so
// that nobody can lock the room out or guess its passwords at speed. A
// zero field turns its limit off; DefaultLoginLimits gives the ones
// tokensim ssh starts with.
type LoginLimits struct {
	// Timeout closes a connection that has not logged in this long after
	// it was accepted (OpenSSH's LoginGraceTime plays this part).
	Timeout time.Duration
	// MaxPending is how many connections may be not yet logged in at
	// once, from all addresses; MaxPendingPerAddr, from one address.
	// Logged-in connections count against Config.MaxPerAddr instead, so
	// connections that never log in cannot take a room's places.
	MaxPending, MaxPendingPerAddr int
	// MaxFailures failed passwords from one address within a minute lock
	// that address's passwords out for Lockout (keys still work: they
	// cannot be guessed).
	MaxFailures int
	Lockout     time.Duration
	// FailDelay is how long the server waits before it answers a wrong
	// password, on that connection.
	FailDelay time.Duration
}

// DefaultLoginLimits are tokensim ssh's defaults. 16 connections logging
// in at once from one address leaves room for a class behind one NAT typing
// the password together; an address that holds more waits, not the room.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		Timeout:    20 * time.Second,
		MaxPending: 64, MaxPendingPerAddr: 16,
		MaxFailures: 20, Lockout: time.Minute,
		FailDelay: time.Second,
	}
}

// hostOf is an address without its port: limits are per machine, not per
// connection.
func hostOf(addr net.Addr) string {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

// perAddr counts connections per remote host, up to max each (0: no limit).
type perAddr struct {
	max int
	mu  sync.Mutex
	n   map[string]int
}

// acquire counts one connection from host; false when host is at its
// limit. release gives the place back, once, however often it is called.
func (l *perAddr) acquire(host string) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.max > 0 && l.n[host] >= l.max {
		return nil, false
	}
	if l.n == nil {
		l.n = map[string]int{}
	}
	l.n[host]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.n[host]--; l.n[host] <= 0 {
				delete(l.n, host)
			}
		})
	}, true
}

// slots bounds the sessions running at once, keeping reserved of them
// for instructors: attendees may hold at most max−reserved, so that the
// instructor of a full room still gets in (an instructor takes any free
// slot).
type slots struct {
	max       int // 0: no limit
	reserved  int // of max, for instructors only
	mu        sync.Mutex
	n         int           // every session
	attendees int           // the attendees' among n
	zero      chan struct{} // closed when n drops to 0; nil when no one waits
}

// acquire takes a slot with no role (connections not yet logged in).
func (s *slots) acquire() bool { return s.acquireAs(true) }

func (s *slots) release() { s.releaseAs(true) }

// acquireAs takes a slot for an instructor or an attendee; false when the
// room has none left for that role.
func (s *slots) acquireAs(instructor bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.max > 0 && (s.n >= s.max || !instructor && s.attendees >= s.max-s.reserved) {
		return false
	}
	s.n++
	if !instructor {
		s.attendees++
	}
	return true
}

func (s *slots) releaseAs(instructor bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !instructor {
		s.attendees--
	}
	if s.n--; s.n == 0 && s.zero != nil {
		close(s.zero)
		s.zero = nil
	}
}

// drained waits until no session runs, or ctx ends.
func (s *slots) drained(ctx context.Context) error {
	s.mu.Lock()
	if s.n == 0 {
		s.mu.Unlock()
		return nil
	}
	if s.zero == nil {
		s.zero = make(chan struct{})
	}
	z := s.zero
	s.mu.Unlock()
	select {
	case <-z:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for %d sessions to end: %w", s.count(), ctx.Err())
	}
}

// count is the number of sessions running.
func (s *slots) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
