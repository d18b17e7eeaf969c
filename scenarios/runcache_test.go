package scenarios

import (
	"reflect"
	"slices"
	"sync"
	"testing"
)

func rcLesson(t *testing.T) *Scenario {
	t.Helper()
	sc, err := Lookup("login")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// Every caller with the same scenario and options gets the one run, even
// all at once; any option that changes a run gets another.
func TestRunCacheShares(t *testing.T) {
	c, sc := NewRunCache(), rcLesson(t)
	runs := make([]*Run, 16)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Go(func() {
			r, err := c.Execute(sc, Options{Seed: 7, Runs: c})
			if err != nil {
				t.Error(err)
			}
			runs[i] = r
		})
	}
	wg.Wait()
	for _, r := range runs[1:] {
		if r != runs[0] {
			t.Fatal("callers with the same options got different runs")
		}
	}
	for _, o := range []Options{
		{Seed: 8}, {Seed: 7, Preset: "keycloak"}, {Seed: 7, Storage: "memory"},
		{Seed: 7, Set: []Setting{{Key: "rotation", Value: "false"}}},
		{Seed: 7, Set: []Setting{{Key: "rotation", Value: "true"}}},
	} {
		r, err := c.Execute(sc, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if r == runs[0] {
			t.Errorf("%+v got the run of {Seed: 7}", o)
		}
		if again, _ := c.Execute(sc, o); again != r {
			t.Errorf("%+v: computed twice", o)
		}
	}
}

// runKeyOf must name every option Execute reads: a field added to Options
// and left out of the key would let two different runs share one.
func TestRunCacheKeyCoversOptions(t *testing.T) {
	var names []string
	for f := range reflect.TypeFor[Options]().Fields() {
		names = append(names, f.Name)
	}
	// Preset, Set, Storage and Seed are in the key; Lesson by the key
	// its run was cached under (or it bypasses the cache); Runs is the
	// cache.
	if want := []string{"Preset", "Set", "Storage", "Seed", "Lesson", "Runs"}; !slices.Equal(names, want) {
		t.Fatalf("Options has fields %v, runKeyOf knows %v: put the new one in the key (or say why not)", names, want)
	}
}

// A nil cache computes afresh and keeps nothing; so does a run compared
// with a lesson's run the cache did not compute, and a bad option. A
// what-if of a cached lesson's run (the instructor's, pushed to every
// follower) is shared. A full cache forgets to make room.
func TestRunCacheBypass(t *testing.T) {
	sc := rcLesson(t)
	var none *RunCache
	a, _ := none.Execute(sc, Options{Seed: 1})
	b, _ := none.Execute(sc, Options{Seed: 1})
	if a == nil || a == b {
		t.Fatal("a nil cache kept a run")
	}
	c := NewRunCache()
	lesson, _ := c.Execute(sc, Options{Seed: 1})
	wi := Options{Seed: 1, Set: []Setting{{Key: "rotation", Value: "false"}}, Lesson: lesson}
	x, _ := c.Execute(sc, wi)
	if x == nil || x.Lesson != lesson {
		t.Fatal("a what-if run did not compare with the lesson's")
	} else if y, _ := c.Execute(sc, wi); y != x {
		t.Fatal("a what-if of the cached lesson's run was computed twice")
	}
	own, _ := Execute(sc, Options{Seed: 1}) // a lesson's run from elsewhere
	wi.Lesson = own
	if y, _ := c.Execute(sc, wi); y == x || y.Lesson != own {
		t.Fatal("a what-if of another lesson's run got the cached one")
	} else if z, _ := c.Execute(sc, wi); z == y {
		t.Fatal("a what-if of a run the cache did not compute was kept")
	}
	if _, err := c.Execute(sc, Options{Preset: "no-such-preset"}); err == nil {
		t.Fatal("an unknown preset ran")
	}
	if len(c.runs) != 2 {
		t.Fatalf("%d runs kept, want the lesson's and its what-if's", len(c.runs))
	}
	for seed := range uint64(maxRuns + 10) {
		if _, err := c.Execute(sc, Options{Seed: 100 + seed}); err != nil {
			t.Fatal(err)
		}
	}
	if len(c.runs) != maxRuns || len(c.keys) != maxRuns {
		t.Fatalf("%d runs kept (%d keys), want at most %d", len(c.runs), len(c.keys), maxRuns)
	}
	last, _ := c.Execute(sc, Options{Seed: 100 + maxRuns + 9})
	if again, _ := c.Execute(sc, Options{Seed: 100 + maxRuns + 9}); again != last {
		t.Fatal("a full cache did not make room for the newest run")
	}
}
