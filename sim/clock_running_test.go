package sim

import (
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/testclock"
)

// TestRunningClock: a hosted world's clock runs with its source, xN times as
// fast, and Advance still jumps it.
func TestRunningClock(t *testing.T) {
	src := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	c, err := newRunningClock(src.Now, 60)
	if err != nil {
		t.Fatal(err)
	}
	start := c.Now()
	if !start.Equal(src.Now()) {
		t.Fatalf("start %s, want %s", start, src.Now())
	}
	src.Advance(2 * time.Second)
	if got := c.Elapsed(start); got != 2*time.Minute {
		t.Fatalf("x60 after 2s: %s, want 2m", got)
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := c.Elapsed(start); got != time.Hour+2*time.Minute {
		t.Fatalf("after Advance(1h): %s", got)
	}
	if err := c.Advance(-time.Second); err == nil {
		t.Fatal("a running clock accepted a negative advance")
	}
	for _, f := range []int{0, -1, MaxClockFactor + 1} {
		if _, err := newRunningClock(src.Now, f); err == nil {
			t.Errorf("factor %d accepted", f)
		}
	}
}

// TestRunningClockNoOverflow: at x3600 the virtual time elapsed
// passes time.Duration's 292 years after 29.7 days of wall time; the clock
// must keep moving forward, not wrap into the past.
func TestRunningClockNoOverflow(t *testing.T) {
	src := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	c, err := newRunningClock(src.Now, MaxClockFactor)
	if err != nil {
		t.Fatal(err)
	}
	start := c.Now()
	for _, days := range []int64{29, 30, 365} {
		src.Advance(start.Add(time.Duration(days)*24*time.Hour + 1500*time.Millisecond).Sub(src.Now()))
		got := c.Now()
		// days×24h×3600 of virtual time, plus 1.5 s × 3600 = 90 min.
		want := start.Unix() + days*24*3600*MaxClockFactor + 90*60
		if got.Unix() != want || got.Nanosecond() != 0 {
			t.Fatalf("after %d days at x%d: %s (unix %d), want unix %d", days, MaxClockFactor, got, got.Unix(), want)
		}
	}
	if w := c.Wall(); !w.Equal(src.Now()) {
		t.Fatalf("Wall %s, want the source's %s", w, src.Now())
	}
}
