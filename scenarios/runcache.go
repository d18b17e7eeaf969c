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
// one instead of each computing and holding its own. The cache is bounded
// (maxRuns): beyond it, runs are computed and not kept.
type RunCache struct {
	mu   sync.Mutex
	runs map[runKey]*cachedRun
}

// maxRuns bounds a RunCache: a lesson's run is some 150 KB, and start
// over (a new seed each time) could otherwise grow the cache without end.
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
func NewRunCache() *RunCache { return &RunCache{runs: map[runKey]*cachedRun{}} }

// Execute is Execute(sc, opts), computed once per scenario and options for
// all callers. A nil cache computes every time; so do runs given a Lesson
// to compare with (what-ifs: a learner's own, and unbounded in number).
func (c *RunCache) Execute(sc *Scenario, opts Options) (*Run, error) {
	if c == nil || opts.Lesson != nil {
		return Execute(sc, opts)
	}
	k := runKey{sc, runKeyOf(opts)}
	c.mu.Lock()
	e, ok := c.runs[k]
	if !ok && len(c.runs) < maxRuns {
		e = &cachedRun{done: make(chan struct{})}
		c.runs[k] = e
	}
	c.mu.Unlock()
	switch {
	case e == nil: // full
		return Execute(sc, opts)
	case ok:
		<-e.done
		return e.run, e.err
	}
	e.run, e.err = Execute(sc, opts)
	if e.err != nil {
		// An error is for bad options and costs nothing to find again;
		// the next caller tries afresh.
		c.mu.Lock()
		delete(c.runs, k)
		c.mu.Unlock()
	}
	close(e.done)
	return e.run, e.err
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
