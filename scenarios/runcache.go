package scenarios

import (
	"strconv"
	"strings"
	"sync"
)

// RunCache keeps lessons' runs for every player that opens the same lesson
// under the same options: a workshop server's sessions (Options.Runs). A
// run is deterministic (the same scenario, options and seed give the same
// steps, snapshots and text: README, "Determinism"), and nothing changes a
// Run once Execute has returned it (the player's answers, what-ifs and
// selections are the player's own: tui's timeline), so sessions can share
// one instead of each computing and holding its own. A what-if's run (one
// given a Lesson to compare with) is shared too when that lesson's run is
// one of the cache's: the instructor's what-if reaches every follower,
// and each computing it (some 13 ms) made a push cost the room seconds.
// The cache is bounded (maxRuns): when it is full, a finished run is
// forgotten to make room (the next caller computes it again).
type RunCache struct {
	mu   sync.Mutex
	runs map[runKey]*cachedRun
	keys map[*Run]string // the key each cached run was computed under
}

// maxRuns bounds a RunCache: a lesson's run is some 150 KB, and start
// over (a new seed each time) or attendees' own what-ifs could otherwise
// grow the cache without end.
const maxRuns = 256

type runKey struct {
	sc   *Scenario
	opts string // every field of Options that changes a run (runKeyOf)
}

// cachedRun is one run, computed once: later callers wait for the first.
type cachedRun struct {
	done chan struct{}
	run  *Run
	err  error
}

// NewRunCache makes an empty cache.
func NewRunCache() *RunCache {
	return &RunCache{runs: map[runKey]*cachedRun{}, keys: map[*Run]string{}}
}

// Execute is Execute(sc, opts), computed once per scenario and options for
// all callers. A nil cache computes every time; so does a run given a
// Lesson to compare with that the cache did not compute (its key would
// need all of that lesson).
func (c *RunCache) Execute(sc *Scenario, opts Options) (*Run, error) {
	if c == nil {
		return Execute(sc, opts)
	}
	key := runKeyOf(opts)
	c.mu.Lock()
	if opts.Lesson != nil {
		base, ok := c.keys[opts.Lesson]
		if !ok {
			c.mu.Unlock()
			return Execute(sc, opts)
		}
		key += " compared with " + base
	}
	k := runKey{sc, key}
	e, ok := c.runs[k]
	if !ok {
		c.makeRoomLocked()
		e = &cachedRun{done: make(chan struct{})}
		c.runs[k] = e
	}
	c.mu.Unlock()
	if ok {
		<-e.done
		return e.run, e.err
	}
	e.run, e.err = Execute(sc, opts)
	c.mu.Lock()
	if e.err != nil {
		// An error is for bad options and costs nothing to find again;
		// the next caller tries afresh.
		delete(c.runs, k)
	} else {
		c.keys[e.run] = key
	}
	c.mu.Unlock()
	close(e.done)
	return e.run, e.err
}

// makeRoomLocked forgets finished runs until there is room for one more.
// Which ones is left to map order: the runs a room uses are asked for
// again at once and come back.
func (c *RunCache) makeRoomLocked() {
	for k, e := range c.runs {
		if len(c.runs) < maxRuns {
			return
		}
		select {
		case <-e.done:
			delete(c.runs, k)
			delete(c.keys, e.run)
		default: // still being computed: others wait for it
		}
	}
}

// runKeyOf is every field of Options that Execute reads, as one string:
// two options with the same key run a scenario the same way.
func runKeyOf(o Options) string {
	var b strings.Builder
	for _, s := range []string{o.Preset, o.Storage, strconv.FormatUint(o.Seed, 10)} {
		b.WriteString(strconv.Quote(s))
	}
	for _, s := range o.Set {
		b.WriteString(strconv.Quote(s.Key) + "=" + strconv.Quote(s.Value))
	}
	return b.String()
}
