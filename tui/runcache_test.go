package tui

import (
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// rcWalk is every frame of a lesson from where it is to its end: a step
// forward at a time, each quiz answered with its first option (a wrong
// answer on some: the frames show both kinds).
func rcWalk(a *btApp) []string {
	a.tb.Helper()
	var frames []string
	for range len(a.pl().tl.steps) + 1 {
		frames = append(frames, a.view())
		if a.pl().tl.hidden(a.pl().tl.cur) {
			a.press("1")
			frames = append(frames, a.view())
		}
		a.press("l")
	}
	return frames
}

func rcSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d frames, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: frame %d differs from a session with its own run:\n%s\nwant:\n%s", what, i, got[i], want[i])
		}
	}
}

// Sessions that open a lesson through one RunCache (a workshop's) share
// its run, and show exactly what a session with a run of its own shows;
// what one session does (steps, answers, a what-if) leaves the frames of
// the others, opened before or after, as they were. Options that change
// the run (another preset) get another run.
func TestSharedRunIsolation(t *testing.T) {
	cache := scenarios.NewRunCache()
	sc := tuitest.Lookup(t, btLessonID)
	open := func(runs *scenarios.RunCache, preset string) *btApp {
		return btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Open: sc, Run: scenarios.Options{Runs: runs, Preset: preset}}, 100, 30)
	}
	a, b, own := open(cache, ""), open(cache, ""), open(nil, "")
	if a.lesson().base != b.lesson().base {
		t.Fatal("two sessions with one cache computed two runs")
	}
	if own.lesson().base == a.lesson().base {
		t.Fatal("a session without the cache got the cached run")
	}
	want := rcWalk(own)

	// One session plays the lesson; another asks what if rotation were
	// off (the what-if menu's first knob, second value) and plays it.
	rcSame(t, "the first session", rcWalk(a), want)
	c := open(cache, "")
	c.press("w", "1", "2")
	if c.pl().whatIf == "" {
		t.Fatalf("no what-if in force:\n%s", c.text())
	}
	whatIfRun := c.pl().tl.run
	rcWalk(c)
	if c.lesson().base != b.lesson().base {
		t.Fatal("a what-if replaced the shared run")
	}
	// The same what-if in another session (the instructor's, pushed to a
	// follower) shares its run, and shows what a run of its own shows.
	d, mine := open(cache, ""), open(nil, "")
	d.press("w", "1", "2")
	mine.press("w", "1", "2")
	if d.pl().tl.run != whatIfRun || mine.pl().tl.run == whatIfRun {
		t.Fatal("the same what-if of the shared run was computed again, or a session without the cache got it")
	}
	rcSame(t, "a shared what-if", rcWalk(d), rcWalk(mine))
	rcSame(t, "a session opened before the what-if", rcWalk(b), want)
	rcSame(t, "a session opened after it", rcWalk(open(cache, "")), want)

	other := open(cache, "keycloak")
	if other.lesson().base == a.lesson().base {
		t.Fatal("another preset got the tokensim preset's run")
	}
	rcSame(t, "another preset", rcWalk(other), rcWalk(open(nil, "keycloak")))
}
