// Package testclock is the one fake wall clock of tokensim's tests: a time
// the test moves, so that nothing sleeps. It is a leaf (standard library
// only), so that the tests of every package, sim's own included, can use it.
package testclock

import (
	"sync"
	"time"
)

// Clock is a wall clock that stands still until the test calls Advance. It
// is safe for concurrent use (a server's handlers read it).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock stopped at t.
func New(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
