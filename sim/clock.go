package sim

import (
	"fmt"
	"sync"
	"time"
)

// Epoch is the instant every world's clock starts at, so that transcripts
// read the same on every machine and every day.
//
// It is a function, not a variable, so that no importer can move it and
// break determinism.
func Epoch() time.Time { return time.Date(2026, time.January, 15, 9, 0, 0, 0, time.UTC) }

// Clock is the world's only source of time. It never moves by itself: the
// scenario (or the learner) advances it. Token iat/exp, expiry checks
// (through golang-jwt's WithTimeFunc) and every lifetime read it. A hosted
// world's clock runs by itself (clock_running.go) and stamps the times it
// hands to clients in wall time (clock_stamp.go).
type Clock struct {
	mu  sync.Mutex
	now time.Time
	// run, when set, makes the clock move by itself (a hosted world, see
	// newRunningClock): Now is now plus the time src has run since
	// srcStart, times factor.
	run *running
	// cond wakes the stamps and jumps waiting for a pending jump (Clock.jump).
	cond *sync.Cond
}

// newClock returns a clock set to start.
func newClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.run != nil {
		return c.run.at(c.now, c.run.src())
	}
	return c.now
}

// Advance moves the clock forward by d. Time never runs backwards inside a
// world: stepping back in the player is done with snapshots, not by
// rewinding the clock, so a negative d is an error.
func (c *Clock) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("clock: cannot advance by a negative duration %s", d)
	}
	if c.run != nil {
		// A running clock remembers the jump, so that the stamps it
		// handed out before it read as aged (clock_stamp.go).
		return c.jump(d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

// Elapsed returns how long the clock has run since start.
func (c *Clock) Elapsed(start time.Time) time.Duration { return c.Now().Sub(start) }
