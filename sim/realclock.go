package sim

import (
	"fmt"
	"time"
)

// MaxClockFactor bounds an accelerated clock: at x3600 an hour passes every
// second, already faster than a demo can follow, and the product of factor
// and elapsed time stays far inside time.Duration.
const MaxClockFactor = 3600

// running is what makes a clock move by itself: a time source and a speed.
type running struct {
	src      func() time.Time
	srcStart time.Time
	factor   int64
}

func (r *running) elapsed() time.Duration {
	return time.Duration(r.factor) * r.src().Sub(r.srcStart)
}

// NewRunningClock returns a clock that moves by itself, for serve mode,
// where real clients expect time to pass: it starts at src() and runs
// factor times as fast as src (1 is wall time when src is time.Now).
// Advance still jumps it forward, which is what the admin endpoint does in
// demos. Every other world keeps the manual clock of NewClock: lessons must
// replay identically. Tests inject src instead of sleeping.
func NewRunningClock(src func() time.Time, factor int) (*Clock, error) {
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
	return &Clock{now: start.Round(0).UTC(), run: &running{src: src, srcStart: start, factor: int64(factor)}}, nil
}
