package workshop

import (
	"context"
	"fmt"
	"net"
	"sync"
)

// perAddr limits how many connections one remote address holds at once,
// so that one machine (or a loop in a script) cannot take the whole room.
type perAddr struct {
	max int // 0: no limit
	mu  sync.Mutex
	n   map[string]int
}

// acquire counts a connection from addr; false when addr is at its limit.
func (l *perAddr) acquire(addr net.Addr) (release func(), ok bool) {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
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

// countedConn gives its connection's slot back when it closes.
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// slots bounds the sessions running at once.
type slots struct {
	max  int // 0: no limit
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n drops to 0; nil when no one waits
}

func (s *slots) acquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.max > 0 && s.n >= s.max {
		return false
	}
	s.n++
	return true
}

func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
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
