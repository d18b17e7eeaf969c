package sim

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// running is what makes a clock move by itself: a time source and a speed,
// and the history of its jumps, which stamps read back need
// (clock_stamp.go).
type running struct {
	src      func() time.Time
	srcStart time.Time
	factor   int64
	jumps    []jump
	// lastIat is the newest iat issued (a whole second): a jump waits
	// for its second to end (Clock.jump, clock_stamp.go).
	lastIat time.Time
	// pending is set while a jump waits for lastIat's second to end: no
	// token is issued meanwhile (issueSpan waits on Clock.cond).
	pending bool
	// sleep waits on the real clock (time.Sleep); tests move src instead.
	sleep func(time.Duration)
}

// at returns the virtual time t moved on by factor times the time src has
// run at the reading s: one reading serves both the virtual time and the
// wall time it is stamped with (clock_stamp.go).
func (r *running) at(t, s time.Time) time.Time { return addScaled(t, s.Sub(r.srcStart), r.factor) }

// addScaled returns t + factor×d. The product is split into whole hours and
// the rest, and the hours are added in chunks that fit time.Duration, so
// that a server left running for months at x3600 keeps a clock that moves
// forward instead of overflowing into the past.
func addScaled(t time.Time, d time.Duration, factor int64) time.Time {
	hours, rest := int64(d/time.Hour), d%time.Hour
	t = t.Add(time.Duration(factor) * rest) // |rest| < 1h, factor ≤ 3600: fits
	n := hours * factor                     // ≤ 2.6e6 h × 3600: fits int64
	const chunk = int64(math.MaxInt64 / int64(time.Hour))
	for n > chunk {
		t, n = t.Add(time.Duration(chunk)*time.Hour), n-chunk
	}
	for n < -chunk {
		t, n = t.Add(-time.Duration(chunk)*time.Hour), n+chunk
	}
	return t.Add(time.Duration(n) * time.Hour)
}

// Wall returns the time of the clock's source: for a running clock (a
// hosted world) the real time its factor and the jumps of Advance do not touch, for
// a manual clock (every lesson) the virtual time itself. Real clients stamp
// DPoP proofs with their own wall clock (RFC 9449 §4.2 iat), so a hosted
// world checks proofs against Wall, not against a virtual time that runs
// xN and jumps; a lesson's in-process client stamps them with the virtual
// time, which Wall then is.
func (c *Clock) Wall() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.run != nil {
		return c.run.src()
	}
	return c.now
}

// newRunningClock returns a clock that moves by itself, for a hosted world,
// where real clients expect time to pass: it starts at src() and runs
// factor times as fast as src (1 is wall time when src is time.Now).
// Advance still jumps it forward, which is what the admin endpoint does in
// demos. Every other world keeps the manual clock of newClock: lessons must
// replay identically. Tests inject src instead of sleeping.
func newRunningClock(src func() time.Time, factor int) (*Clock, error) {
	if src == nil {
		src = time.Now
	}
	if factor < 1 || factor > MaxClockFactor {
		return nil, fmt.Errorf("clock: speed x%d is outside x1..x%d", factor, MaxClockFactor)
	}
	start := src()
	// The virtual time is wall time (or src's) at the start, without the
	// monotonic reading, so that it prints and serializes as plain UTC;
	// elapsed time is still measured on src's monotonic clock.
	c := &Clock{now: start.Round(0).UTC(), run: &running{src: src, srcStart: start, factor: int64(factor), sleep: time.Sleep}}
	c.cond = sync.NewCond(&c.mu)
	return c, nil
}
