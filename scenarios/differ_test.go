package scenarios

import (
	"slices"
	"strings"
	"testing"
)

// TestDifferencesCountSteps (issue 12's repro): refresh-theft-rotation with
// rotation off differs from the lesson's own run at steps 4 to 11, counted
// as steps (the CLI once said "13 step(s) differ" for 11 steps), and a
// longer access_ttl, which the lesson's clock follows, changes no step.
func TestDifferencesCountSteps(t *testing.T) {
	sc, err := Lookup("refresh-theft-rotation")
	if err != nil {
		t.Fatal(err)
	}
	own, err := Execute(sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if own.Lesson != nil || own.Differences() != nil {
		t.Fatalf("the lesson's own run is compared with something: %v", own.Differences())
	}
	for _, c := range []struct {
		set, steps string
	}{{"rotation=false", "4–11"}, {"access_ttl=1h", ""}} {
		k, v, _ := strings.Cut(c.set, "=")
		opts := Options{Seed: 1, Set: []Setting{{Key: k, Value: v}}}
		r, err := Execute(sc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := DifferingSteps(r.Differences()); got != c.steps {
			t.Errorf("%s: steps %q differ, want %q", c.set, got, c.steps)
		}
		// Handing Execute the lesson's run gives the same answer.
		opts.Lesson = own
		again, err := Execute(sc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if again.Lesson != own || !slices.EqualFunc(again.Differences(), r.Differences(), func(a, b Difference) bool {
			return a.Step == b.Step && slices.Equal(a.What, b.What)
		}) {
			t.Errorf("%s: with the lesson's run given, %v; computed, %v", c.set, again.Differences(), r.Differences())
		}
	}
	r, _ := Execute(sc, Options{Seed: 1, Set: []Setting{{Key: "rotation", Value: "false"}}})
	d, ok := r.Difference(6)
	if !ok || d.Lesson != "400 invalid_grant, reuse detected, family revoked, the app logged out" || d.Here != "200" {
		t.Errorf("step 6: %+v", d)
	}
	if got := r.DivergenceSummary(r.Differences()); got != "Under this policy 8 of 11 steps differ from the lesson's own run (preset tokensim): steps 4–11" {
		t.Errorf("summary %q", got)
	}
}

// TestDifferingStepsRanges names runs of steps as ranges.
func TestDifferingStepsRanges(t *testing.T) {
	var ds []Difference
	for _, n := range []int{1, 3, 4, 6, 7, 8, 11} {
		ds = append(ds, Difference{Step: n})
	}
	if got := DifferingSteps(ds); got != "1, 3, 4, 6–8, 11" {
		t.Errorf("DifferingSteps = %q", got)
	}
}
