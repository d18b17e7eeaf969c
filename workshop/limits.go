package workshop

import (
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
	max int // 0: no limit
	mu  sync.Mutex
	n   int
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
	s.n--
}

// count is the number of sessions running.
func (s *slots) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
