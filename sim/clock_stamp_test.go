package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/testclock"
)

// TestStampManualIdentity: on a manual clock (every lesson) every mapping of
// clock_stamp.go is the identity, so transcripts do not change.
func TestStampManualIdentity(t *testing.T) {
	c := newClock(Epoch().Add(1500 * time.Millisecond))
	now := c.Now()
	past := now.Add(-time.Hour)
	if got := c.stamp(past); !got.Equal(past) {
		t.Errorf("stamp %s, want %s", got, past)
	}
	if iat, exp := c.stampSpan(now, 90*time.Second); !iat.Equal(now) || !exp.Equal(now.Add(90*time.Second)) {
		t.Errorf("stampSpan %s %s", iat, exp)
	}
	if iat, exp := c.issueSpan(90 * time.Second); !iat.Equal(now) || !exp.Equal(now.Add(90*time.Second)) {
		t.Errorf("issueSpan %s %s", iat, exp)
	}
	if err := c.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := c.inFrame(c.Now(), now); !got.Equal(c.Now()) {
		t.Errorf("inFrame %s, want %s", got, c.Now())
	}
	if got := c.unstamp(past, now); !got.Equal(past) {
		t.Errorf("unstamp %s, want %s", got, past)
	}
	if c.wallLife(500*time.Millisecond) != 500*time.Millisecond || c.toWall(-30*time.Second) != -30*time.Second {
		t.Error("wallLife or toWall scaled a manual clock")
	}
}

// TestStampRunning: a running clock's stamps are wall time anchored at the
// present (RFC 7519 §4.1.4, §4.1.6; OIDC Core §2 auth_time), lifetimes are
// N times shorter in whole seconds (RFC 6749 §5.1 expires_in), and a stamp
// read back counts the advances made after it, not those made before or in
// its own second.
func TestStampRunning(t *testing.T) {
	for _, n := range []int{1, 60} {
		src := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
		c, err := newRunningClock(src.Now, n)
		if err != nil {
			t.Fatal(err)
		}
		signIn := c.Now()
		src.Advance(2*time.Second + 300*time.Millisecond)
		now := c.Now()
		if got := c.stamp(now); !got.Equal(src.Now()) {
			t.Errorf("x%d: stamp(now) %s, want the wall time %s", n, got, src.Now())
		}
		iat, exp := c.issueSpan(15 * time.Minute)
		if want := src.Now().Truncate(time.Second); !iat.Equal(want) {
			t.Errorf("x%d: iat %s, want %s: never in the wall clock's future", n, iat, want)
		}
		if got, want := exp.Sub(iat), 15*time.Minute/time.Duration(n); got != want {
			t.Errorf("x%d: exp - iat %s, want %s", n, got, want)
		}
		// The sign-in lies 2.3 s of wall time in the past.
		if got, want := c.stamp(signIn), src.Now().Add(-2300*time.Millisecond); !got.Equal(want) {
			t.Errorf("x%d: auth_time %s, want %s", n, got, want)
		}
		if frame := c.inFrame(c.Now(), iat); !frame.Equal(src.Now()) || !frame.Before(exp) {
			t.Errorf("x%d: before an advance the token's frame is %s, want the wall time %s", n, frame, src.Now())
		}

		src.Advance(time.Second)
		if err := c.Advance(16 * time.Minute); err != nil {
			t.Fatal(err)
		}
		// The advance ages what was stamped before it...
		aged := src.Now().Add(16 * time.Minute / time.Duration(n))
		if frame := c.inFrame(c.Now(), iat); !frame.Equal(aged) || frame.Before(exp) {
			t.Errorf("x%d: after the advance the old token's frame is %s, want %s, past its exp %s", n, frame, aged, exp)
		}
		if got, want := c.unstamp(exp, iat), now.Add(15*time.Minute).Truncate(time.Second); n == 1 && !got.Equal(want) {
			t.Errorf("x%d: unstamp(exp) %s, want the virtual expiry %s", n, got, want)
		}
		if got, want := c.stamp(signIn), src.Now().Add(-3300*time.Millisecond-16*time.Minute/time.Duration(n)); !got.Equal(want) {
			t.Errorf("x%d: auth_time after the advance %s, want %s: the advance ages the session", n, got, want)
		}
		// ...and not what is stamped after it, even in the same second.
		iat2, exp2 := c.issueSpan(15 * time.Minute)
		if frame := c.inFrame(c.Now(), iat2); !frame.Equal(src.Now()) || !frame.Before(exp2) {
			t.Errorf("x%d: a token issued after the advance is in frame %s, want %s", n, frame, src.Now())
		}
		if got := c.inFrame(c.Now(), time.Time{}); !got.Equal(aged) {
			t.Errorf("x%d: a token without iat is in frame %s, want %s (older than every advance)", n, got, aged)
		}
		if got, want := c.wallLife(30*time.Second), max(30*time.Second/time.Duration(n), time.Second); got != want {
			t.Errorf("x%d: wallLife(30s) %s, want %s (at least a second)", n, got, want)
		}
		if got, want := c.wallLife(100*time.Second), map[int]time.Duration{1: 100 * time.Second, 60: 2 * time.Second}[n]; got != want {
			t.Errorf("x%d: wallLife(100s) %s, want %s (rounded, as the banner says)", n, got, want)
		}
	}
}

// TestStampJumpLimit: the jump history is bounded, and the advance past the
// bound is refused with a reason, not coalesced.
func TestStampJumpLimit(t *testing.T) {
	src := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	c, err := newRunningClock(src.Now, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range maxJumps {
		if err := c.Advance(time.Second); err != nil {
			t.Fatal(err)
		}
	}
	before := c.Now()
	if err := c.Advance(time.Second); err == nil || !strings.Contains(err.Error(), "10000 times") {
		t.Fatalf("advance %d: %v", maxJumps+1, err)
	}
	if !c.Now().Equal(before) {
		t.Fatal("a refused advance moved the clock")
	}
	c2, _ := newRunningClock(src.Now, 1)
	huge := time.Duration(1<<63 - 1)
	if err := c2.Advance(huge); err != nil {
		t.Fatal(err)
	}
	if err := c2.Advance(time.Hour); err == nil {
		t.Fatal("jumps adding up past time.Duration were accepted")
	}
}

// TestStampJumpUnderTraffic: a token requested while an advance waits for
// the second of the newest iat to end is stamped after the jump and is not
// aged by it (found by review: it moved the second to wait for, the jump
// was recorded a second late, and every token of that second came out
// expired); the token stamped before the advance is aged by it.
func TestStampJumpUnderTraffic(t *testing.T) {
	src := testclock.New(time.Date(2026, 11, 22, 15, 0, 2, 300_000_000, time.UTC))
	c, err := newRunningClock(src.Now, 1)
	if err != nil {
		t.Fatal(err)
	}
	waiting, resume := make(chan struct{}), make(chan struct{})
	c.run.sleep = func(d time.Duration) {
		src.Advance(d + 100*time.Millisecond) // the wait overshoots a little
		close(waiting)
		<-resume
	}
	life := 15 * time.Minute
	expired := func(iat, exp time.Time) bool { return !c.inFrame(c.Now(), iat).Before(exp) }

	beforeIat, beforeExp := c.issueSpan(life) // 15:00:02
	jumped := make(chan error, 1)
	go func() { jumped <- c.Advance(16 * time.Minute) }()
	<-waiting // 15:00:03.1, the jump pending
	type span struct{ iat, exp, recExp time.Time }
	during := make(chan span, 1)
	go func() {
		// As mintAccess does: the stamps, then the AS's record read back
		// from them.
		iat, exp := c.issueSpan(life)
		_, recExp := c.unstampSpan(iat, exp)
		during <- span{iat, exp, recExp}
	}()
	// It must wait for the jump: a token stamped now, before the jump is
	// made, would be read back by the AS with the clock as it was.
	// (Showing that something does not happen needs a bounded wait.)
	select {
	case d := <-during:
		t.Fatalf("a token was issued (iat %s) while the advance was pending", d.iat.Format(time.TimeOnly))
	case <-time.After(100 * time.Millisecond):
	}
	close(resume)
	if err := <-jumped; err != nil {
		t.Fatal(err)
	}
	d := <-during
	src.Advance(100 * time.Millisecond)
	afterIat, afterExp := c.issueSpan(life)

	if !expired(beforeIat, beforeExp) {
		t.Errorf("the token stamped at %s, before the 16m advance, is not aged by it", beforeIat.Format(time.TimeOnly))
	}
	if expired(d.iat, d.exp) {
		t.Errorf("the token requested while the advance waited (iat %s) came out expired", d.iat.Format(time.TimeOnly))
	}
	if !d.recExp.After(c.Now()) {
		t.Errorf("the AS's record of the token requested while the advance waited expires at %s, before now %s: introspection and the API would disagree", d.recExp.Format(time.TimeOnly), c.Now().Format(time.TimeOnly))
	}
	if expired(afterIat, afterExp) {
		t.Errorf("the token stamped after the advance (iat %s) came out expired", afterIat.Format(time.TimeOnly))
	}
}
