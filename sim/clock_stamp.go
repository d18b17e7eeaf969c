package sim

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// Stamps: the times a hosted world hands to clients.
//
// A hosted world's clock is virtual (clock_running.go): it runs xN and
// jumps with Advance, and everything the server decides (code, refresh and
// session expiry, the event log) reads it. Its clients read times with
// their own wall clock: a relying party checks exp and may reject an ID
// token issued too far from its current time (OIDC Core §3.1.3.7: strict
// libraries allow a second of skew, or none, for an iat in their future),
// compares auth_time with max_age (same section), and any JWT reader
// refuses a token after exp (RFC 7519 §4.1.4) and may refuse one before nbf
// or with a future iat (§4.1.5, §4.1.6). So every time a client reads is a stamp: the virtual
// instant t written as wall time anchored at the present,
//
//	stamp(t) = wall_now + (t - V_now)/N
//
// A token issued now says iat = wall now, truncated to the second (never in
// the future), and exp = iat + its lifetime/N in whole seconds (the
// expires_in of RFC 6749 §5.1); an auth_time (OIDC Core §2) lies as far in
// the wall past as the sign-in lies in the virtual past, so an advance ages
// the AS session for the RP too. On a manual clock (every lesson) every
// mapping here is the identity, and transcripts do not change.
//
// Reading a stamp back (the world's own API validating its JWTs) must see
// the advances made since it was stamped, or a token would outlive the jump
// that was meant to expire it: a stamp written at anchor is compared with
// wall_now + J/N, where J is the sum of the jumps made after anchor
// (inFrame). A stamp has whole seconds, so a jump made in the same second
// as the stamp counts as made before it: the other choice would make a
// token issued just after an advance look aged by it, and expired at once.
// A token issued in the same second just before an advance must be aged by
// it all the same (a script takes a token and advances at once): so a jump
// waits for the second of the newest iat to end (Clock.jump).

// maxJumps bounds a running clock's jump history, which every JWT the API
// reads consults: the advance endpoint refuses more, rather than coalesce
// jumps silently and age tokens wrongly.
const maxJumps = 10_000

// jump is one Advance of a running clock: the wall instant it was made at
// and the total of every jump so far, this one included.
type jump struct {
	wall  time.Time
	total time.Duration
}

// record remembers a jump of d made at the wall instant w. The caller holds the clock's lock.
func (r *running) record(d time.Duration, w time.Time) error {
	if len(r.jumps) >= maxJumps {
		return fmt.Errorf("clock: this server has been advanced %d times, the most it remembers (its API reads every token's age from the jumps); restart it to start again", maxJumps)
	}
	var last jump
	if n := len(r.jumps); n > 0 {
		last = r.jumps[n-1]
	}
	if d > math.MaxInt64-last.total {
		return fmt.Errorf("clock: the jumps would add up to more than %s, the longest time.Duration", time.Duration(math.MaxInt64))
	}
	// Wall time can be set back under a running server; the history stays
	// in order so that it can be searched.
	if w.Before(last.wall) {
		w = last.wall
	}
	r.jumps = append(r.jumps, jump{wall: w, total: last.total + d})
	return nil
}

// jumpedSince is the total of the jumps made after a stamp written at
// anchor: those made a whole second or more after it (see above). A zero
// anchor (a token without iat) counts every jump.
func (r *running) jumpedSince(anchor time.Time) time.Duration {
	n := len(r.jumps)
	after := anchor.Add(time.Second)
	i := sort.Search(n, func(i int) bool { return !r.jumps[i].wall.Before(after) })
	if i == n {
		return 0
	}
	var before time.Duration
	if i > 0 {
		before = r.jumps[i-1].total
	}
	return r.jumps[n-1].total - before
}

// read returns the virtual time and the wall reading it was computed from.
// The caller holds the clock's lock and has checked c.run.
func (c *Clock) read() (v, wall time.Time) {
	s := c.run.src()
	return c.run.at(c.now, s), s.Round(0).UTC()
}

// stamp writes the virtual instant t as the wall time a client reads: the
// identity on a manual clock. A zero t stays zero.
func (c *Clock) stamp(t time.Time) time.Time {
	if c.run == nil || t.IsZero() {
		return t
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, wall := c.read()
	return wall.Add(t.Sub(v) / time.Duration(c.run.factor))
}

// stampSpan stamps the iat and exp of a token the world issued at the
// virtual instant iat for life (introspection's view of a record). The
// record was read back from the token's own stamps (unstampSpan), so on a
// running clock iat is rounded to the nearest second: the round trip may
// lose a few nanoseconds, and truncating would say a second less than the
// token. exp - iat is wallLife(life); a manual clock returns iat and
// iat+life.
func (c *Clock) stampSpan(iat time.Time, life time.Duration) (time.Time, time.Time) {
	if c.run == nil {
		return iat, iat.Add(life)
	}
	s := c.stamp(iat).Round(time.Second)
	return s, s.Add(c.wallLife(life))
}

// issueSpan stamps the iat and exp of a token issued now for life: what
// the AS signs. Now is read here, after any pending jump (Clock.jump) has
// been made: a token requested while an advance waits is issued after it,
// at the time then, never at a virtual now read before the jump (16
// minutes in the past after a 16m advance). A manual clock returns now and
// now+life.
func (c *Clock) issueSpan(life time.Duration) (time.Time, time.Time) {
	if c.run == nil {
		now := c.Now()
		return now, now.Add(life)
	}
	c.mu.Lock()
	for c.run.pending {
		c.cond.Wait()
	}
	_, wall := c.read()
	s := wall.Truncate(time.Second)
	if s.After(c.run.lastIat) {
		c.run.lastIat = s
	}
	c.mu.Unlock()
	return s, s.Add(c.wallLife(life))
}

// jump advances a running clock by d, once the wall second of the newest
// iat it stamped has ended. A stamp has whole seconds, so a jump made in
// that second could not be told from one made before the stamp: a script
// that takes a token, advances and calls the API at once would find the
// token unaged (the jump counts as made before it, see above). So the jump
// waits for the second to end, at most a second of wall time, and is
// recorded no earlier than it: every token stamped before the jump is
// aged by it, every token stamped after has a later iat and is not. While
// it waits no token is issued (issueSpan waits for it): one stamped in the
// next second would otherwise move the second to wait for. The wait is on
// the real clock; a source that does not move (a test's frozen clock) is
// waited for once, then the jump is recorded at the second's end all the
// same.
func (c *Clock) jump(d time.Duration) error {
	c.mu.Lock()
	for c.run.pending {
		c.cond.Wait()
	}
	// While the jump is pending no token is stamped (stampSpan waits), so
	// lastIat stays where it is read here.
	c.run.pending = true
	last := c.run.lastIat
	end := last.Add(time.Second)
	w := c.run.src()
	c.mu.Unlock()
	if !last.IsZero() && w.Before(end) {
		c.run.sleep(min(end.Sub(w), time.Second)) // the wall clock may have been set back
	}
	c.mu.Lock()
	at := c.run.src().Round(0)
	if at.Before(end) {
		at = end
	}
	err := c.run.record(d, at)
	if err == nil {
		c.now = c.now.Add(d)
	}
	c.run.pending = false
	c.cond.Broadcast()
	c.mu.Unlock()
	return err
}

// wallLife is how long the lifetime d lasts in wall time, as expires_in
// and a cookie's Max-Age state it: d on a manual clock; on a running one
// d/N rounded to whole seconds (as serve's banner states it) and at least
// one, so that a live token never reads as already expired.
func (c *Clock) wallLife(d time.Duration) time.Duration {
	if c.run == nil || d <= 0 {
		return d
	}
	return max((d / time.Duration(c.run.factor)).Round(time.Second), time.Second)
}

// toWall scales a virtual duration (a leeway, a skew) to wall time: the
// identity on a manual clock.
func (c *Clock) toWall(d time.Duration) time.Duration {
	if c.run == nil {
		return d
	}
	return d / time.Duration(c.run.factor)
}

// inFrame returns the virtual instant v (the present, or the present moved
// by an API's skew) in the frame of a stamp written at anchor: its stamp,
// moved on by the jumps made since anchor. A token's exp, nbf and iat are
// compared with it, so that an advance ages the tokens it followed. The
// identity on a manual clock.
func (c *Clock) inFrame(v, anchor time.Time) time.Time {
	if c.run == nil {
		return v
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now, wall := c.read()
	n := time.Duration(c.run.factor)
	return wall.Add(v.Sub(now)/n + c.run.jumpedSince(anchor)/n)
}

// unstamp reads the stamp s of a token stamped at anchor back as the
// virtual instant it stands for, jumps included: what reasons print beside
// the virtual clock. The identity on a manual clock.
func (c *Clock) unstamp(s, anchor time.Time) time.Time {
	if c.run == nil {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now, wall := c.read()
	return addScaled(now, s.Sub(wall), c.run.factor).Add(-c.run.jumpedSince(anchor))
}

// unstampSpan reads the stamps iat and exp of one token back as virtual
// instants from one reading of the clock, so that the span between them is
// exactly N times the stamped one (two readings would differ by the time
// between them, times N).
func (c *Clock) unstampSpan(iat, exp time.Time) (time.Time, time.Time) {
	if c.run == nil {
		return iat, exp
	}
	v := c.unstamp(iat, iat)
	return v, addScaled(v, exp.Sub(iat), c.run.factor)
}
