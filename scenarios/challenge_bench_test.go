package scenarios

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// loadRecorded reads every built-in challenge with its recorded solution.
func loadRecorded(b *testing.B) ([]*Challenge, []*Solution) {
	b.Helper()
	cs, err := Challenges()
	if err != nil {
		b.Fatal(err)
	}
	sols := make([]*Solution, len(cs))
	for i, c := range cs {
		f := filepath.Join("challenges", "testdata", c.ID+".solution.yaml")
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if sols[i], err = LoadSolution(f, data); err != nil {
			b.Fatal(err)
		}
	}
	return cs, sols
}

// BenchmarkChallengeCheck is the verdict the player asks for after each of
// the learner's actions: every built-in challenge at the end of its
// recorded solution, checked once (its probes replay the world on a copy).
// One iteration is all the built-ins; the figure per check is ns/op over
// their number, reported as ns/check.
func BenchmarkChallengeCheck(b *testing.B) {
	cs, sols := loadRecorded(b)
	attempts := make([]*Attempt, len(cs))
	for i, c := range cs {
		a, v, err := c.Solve(sols[i], Options{Seed: 1})
		if err != nil || !v.Met {
			b.Fatalf("%s: met %v, %v", c.ID, v.Met, err)
		}
		attempts[i] = a
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range attempts {
			if !a.Check().Met {
				b.Fatal("a check changed its verdict")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(attempts)), "ns/check")
}

// BenchmarkChallengeCheckSlowest is the dearest of those checks alone:
// the one whose probes replay the most.
func BenchmarkChallengeCheckSlowest(b *testing.B) {
	cs, sols := loadRecorded(b)
	var slowest *Attempt
	var worst time.Duration
	for i, c := range cs {
		a, _, err := c.Solve(sols[i], Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for range 5 {
			a.Check()
		}
		if d := time.Since(start); d > worst {
			slowest, worst = a, d
		}
	}
	b.Log("slowest check:", slowest.Challenge.ID)
	b.ReportAllocs()
	for b.Loop() {
		slowest.Check()
	}
}

// BenchmarkChallengeSolveAll plays every built-in's recorded solution from
// a fresh start, a check after each action as the player does: what
// `go test ./scenarios -run TestChallengesSolved` costs per seed.
func BenchmarkChallengeSolveAll(b *testing.B) {
	cs, sols := loadRecorded(b)
	b.ReportAllocs()
	for b.Loop() {
		for i, c := range cs {
			a, err := c.Start(Options{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			var v Verdict
			for _, st := range sols[i].Steps {
				if _, err := a.Do(st.Do, st.Params); err != nil {
					b.Fatal(err)
				}
				v = a.Check()
			}
			if !v.Met {
				b.Fatalf("%s: not met", c.ID)
			}
		}
	}
}

// BenchmarkChallengeCheckLongAttempt is a check after 40 of the learner's
// actions: a probe replays the whole attempt on its copy of the world
// (Live.Branch), so the cost grows with the attempt's length.
func BenchmarkChallengeCheckLongAttempt(b *testing.B) {
	c, err := ChallengeByID("stop-the-thief")
	if err != nil {
		b.Fatal(err)
	}
	a, err := c.Start(Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for range 40 {
		if _, err := a.Do("call", map[string]string{"path": "/api/orders"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		a.Check()
	}
}
