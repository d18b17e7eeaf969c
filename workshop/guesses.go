package workshop

import (
	"sync"
	"time"
)

// guesses counts failed passwords per address over the last minute and
// locks an address's passwords out once it has failed max times (0: no
// limit). Together with the delay after each failure and x/crypto's six
// attempts per connection, it turns thousands of guesses a second into a
// few a minute. The clock is a field so that tests move it.
type guesses struct {
	max     int
	lockout time.Duration
	now     func() time.Time

	mu     sync.Mutex
	failed map[string][]time.Time // per host, within the last window
	locked map[string]time.Time   // per host, until when
}

// guessWindow is the span over which failures are counted.
const guessWindow = time.Minute

func newGuesses(max int, lockout time.Duration, now func() time.Time) *guesses {
	return &guesses{max: max, lockout: lockout, now: now, failed: map[string][]time.Time{}, locked: map[string]time.Time{}}
}

// lockedFor is how much longer host's passwords are refused; 0 when they
// are not.
func (g *guesses) lockedFor(host string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	until, ok := g.locked[host]
	if !ok {
		return 0
	}
	left := until.Sub(g.now())
	if left <= 0 {
		delete(g.locked, host)
		return 0
	}
	return left
}

// fail records a failed password from host. It reports true once: when
// this failure locks the address out, so that the lockout is logged once
// per address, not once per guess.
func (g *guesses) fail(host string) (lockedNow bool) {
	if g.max <= 0 {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if len(g.failed)+len(g.locked) > maxRemembered {
		g.forgetLocked(now)
	}
	recent := g.failed[host][:0]
	for _, t := range g.failed[host] {
		if now.Sub(t) < guessWindow {
			recent = append(recent, t)
		}
	}
	recent = append(recent, now)
	if len(recent) < g.max {
		g.failed[host] = recent
		return false
	}
	delete(g.failed, host)
	g.locked[host] = now.Add(g.lockout)
	return true
}

// maxRemembered is how many addresses guesses keeps before it forgets
// the ones that no longer matter.
const maxRemembered = 1024

// forgetLocked drops what is known of addresses that have neither failed
// within the window nor are locked, so that the maps do not grow with
// every address ever seen.
func (g *guesses) forgetLocked(now time.Time) {
	for host, ts := range g.failed {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= guessWindow {
			delete(g.failed, host)
		}
	}
	for host, until := range g.locked {
		if !now.Before(until) {
			delete(g.locked, host)
		}
	}
}
