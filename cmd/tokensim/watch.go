package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/tui"
)

// watchEvery is how often a watched file is looked at: often enough that
// a save shows at once, rarely enough to cost nothing (one stat and one
// read of a file of at most scenarios.MaxFileBytes).
const watchEvery = 300 * time.Millisecond

// fingerprint is what a watcher compares between two looks at a path: its
// size, modification time and content hash (a save within the file
// system's mtime granularity, at the same size, still differs), or why it
// could not be read (a file being replaced by an editor's rename is
// missing for a moment). For a directory, the same of each scenario file
// in it.
type fingerprint struct {
	err  string
	size int64
	mod  time.Time
	sum  [sha256.Size]byte
}

func fingerprintOf(path string) fingerprint {
	st, err := os.Stat(path)
	if err != nil {
		return fingerprint{err: err.Error()}
	}
	h := sha256.New()
	if st.IsDir() {
		ents, err := os.ReadDir(path)
		if err != nil {
			return fingerprint{err: err.Error()}
		}
		for _, e := range ents {
			if n := e.Name(); strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml") {
				f := fingerprintOf(filepath.Join(path, n))
				fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00%x\n", n, f.err, f.size, f.mod.UnixNano(), f.sum)
			}
		}
	} else if st.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			return fingerprint{err: err.Error()}
		}
		_, err = io.Copy(h, io.LimitReader(f, scenarios.MaxFileBytes+1))
		f.Close()
		if err != nil {
			return fingerprint{err: err.Error()}
		}
	}
	var fp fingerprint
	if !st.IsDir() { // a directory's own time changes with any file in it
		fp.size, fp.mod = st.Size(), st.ModTime()
	}
	h.Sum(fp.sum[:0])
	return fp
}

// watcher looks at paths when asked and reports those that changed since
// the look before. It has no clock of its own: the command asks on each
// tick of a time.Ticker (every), tests ask directly and never sleep.
type watcher struct {
	paths []string
	last  map[string]fingerprint
}

// newWatcher takes the paths' fingerprints now, before the caller first
// loads them: a save between this look and that load is seen on the first
// tick (and loaded twice) rather than missed.
func newWatcher(paths []string) *watcher {
	w := &watcher{paths: paths, last: map[string]fingerprint{}}
	for _, p := range paths {
		w.last[p] = fingerprintOf(p)
	}
	return w
}

// changed looks at every path once and returns those that changed.
func (w *watcher) changed() []string {
	var out []string
	for _, p := range w.paths {
		if fp := fingerprintOf(p); fp != w.last[p] {
			w.last[p] = fp
			out = append(out, p)
		}
	}
	return out
}

// every calls f with the time of each tick, until ctx ends or ticks is
// closed.
func every(ctx context.Context, ticks <-chan time.Time, f func(at time.Time)) {
	for {
		select {
		case <-ctx.Done():
			return
		case at, ok := <-ticks:
			if !ok {
				return
			}
			f(at)
		}
	}
}

// watchable are the arguments that name a file or a directory (a built-in
// lesson's id names neither: it cannot change).
func watchable(args []string) []string {
	var out []string
	for _, a := range args {
		if _, err := os.Stat(a); err == nil {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// revalidation is validate --watch: the files named, the watcher of those
// that can change, and the last validation's status.
type revalidation struct {
	e      *env
	files  []string
	w      *watcher
	status int
}

// startRevalidation validates files once and says what it watches; false
// when nothing named can change (built-in lessons only).
func (e *env) startRevalidation(files []string) (*revalidation, bool) {
	paths := watchable(files)
	if len(paths) == 0 {
		fmt.Fprintln(e.stderr, "tokensim validate: --watch needs a file or directory to watch (a built-in lesson does not change)")
		return nil, false
	}
	v := &revalidation{e: e, files: files, w: newWatcher(paths)}
	v.status = e.validate(files)
	fmt.Fprintf(e.stderr, "watching %s; ctrl+c to stop\n", strings.Join(paths, ", "))
	return v, true
}

// tick validates again if a file changed, saying when and which.
func (v *revalidation) tick(at time.Time) {
	if changed := v.w.changed(); len(changed) > 0 {
		fmt.Fprintf(v.e.stdout, "\n— %s: %s changed —\n", at.Format("15:04:05"), strings.Join(changed, ", "))
		v.status = v.e.validate(v.files)
	}
}

// validateWatching is validate --watch until an interrupt; it returns the
// last validation's status.
func (e *env) validateWatching(files []string) int {
	v, ok := e.startRevalidation(files)
	if !ok {
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	every(ctx, t.C, v.tick)
	return v.status
}

// playWatch opens a lesson file in the player and reloads it each time it
// is saved (tui.Reload): its problems show in place, and the player stays.
func (e *env) playWatch(path string, opts scenarios.Options, plain bool) int {
	if plain || !e.interactive {
		fmt.Fprintln(e.stderr, "tokensim play: --watch needs the interactive player, in a terminal (off one, use 'tokensim validate --watch')")
		return exitUsage
	}
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(e.stderr, "tokensim play: --watch needs a lesson file: %v\n", err)
		return exitUsage
	}
	// Bad options are the command line's, not the file's: they end here.
	if _, _, err := scenarios.Policy(&scenarios.Scenario{}, opts); err != nil {
		fmt.Fprintf(e.stderr, "tokensim play: %v\n", err)
		return exitUsage
	}
	w := newWatcher([]string{path})
	first := reloadOf(path)
	return e.tui(tui.Options{Watch: &first, Run: opts}, func(ctx context.Context, p *tea.Program) {
		t := time.NewTicker(watchEvery)
		defer t.Stop()
		every(ctx, t.C, func(time.Time) {
			if len(w.changed()) > 0 {
				p.Send(reloadOf(path))
			}
		})
	})
}

// reloadOf loads the lesson file at path, as play and validate do.
func reloadOf(path string) tui.Reload {
	sc, err := loadScenario(path)
	return tui.Reload{Path: path, Scenario: sc, Err: err}
}
