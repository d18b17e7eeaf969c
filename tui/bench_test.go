package tui_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/tui"
)

// Performance targets (issue): View of a busy player at 200×60 and at 80×24
// < 1 ms; one
// step forward (Update + View) < 1 ms; one step back on the longest lesson
// (Update + View) < 2 ms; first frame < 50 ms. Run with
//
//	go test ./tui -run '^$' -bench . -benchmem -count 3

// gtFirstFrameEnv makes the test binary a helper process that draws the
// first frame of `tokensim play refresh-theft-rotation` and exits, so that
// BenchmarkFirstFrame/process can time a process from exec to first frame.
const gtFirstFrameEnv = "TOKENSIM_GT_FIRST_FRAME"

func init() {
	if os.Getenv(gtFirstFrameEnv) == "" {
		return
	}
	frame, err := gtFirstFrame(140, 45)
	if err != nil || !strings.Contains(frame, "step 0/") {
		fmt.Fprintln(os.Stderr, "no first frame:", err)
		os.Exit(1)
	}
	fmt.Println("frame", len(frame))
	os.Exit(0)
}

// gtFirstFrame does what `tokensim play refresh-theft-rotation` does before
// its first frame: load the catalogue, build the model (running the lesson),
// take the window size and render.
func gtFirstFrame(w, h int) (string, error) {
	cat, err := scenarios.Catalogue()
	if err != nil {
		return "", err
	}
	sc, err := scenarios.Lookup("refresh-theft-rotation")
	if err != nil {
		return "", err
	}
	m, err := tui.New(tui.Options{Catalogue: cat, Open: sc, ExportDir: os.TempDir()})
	if err != nil {
		return "", err
	}
	tm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return tm.View().Content, nil
}

// gtLongest is the built-in lesson with the most steps.
func gtLongest(tb testing.TB) *scenarios.Scenario {
	tb.Helper()
	var best *scenarios.Scenario
	for _, sc := range tuitest.Catalogue(tb) {
		if best == nil || len(sc.Steps) > len(best.Steps) {
			best = sc
		}
	}
	return best
}

// gtView renders and fails the benchmark on a blank frame, so that the
// work cannot be optimised away or silently broken.
func gtView(b *testing.B, m tea.Model) {
	if len(m.View().Content) == 0 {
		b.Fatal("blank frame")
	}
}

func BenchmarkPlayerView200x60(b *testing.B) { benchPlayerView(b, 200, 60) }

// BenchmarkPlayerView80x24 is the same at the size most terminals open
// at, where the panels are stacked (issue 14: View < 1 ms there too).
func BenchmarkPlayerView80x24(b *testing.B) { benchPlayerView(b, 80, 24) }

func benchPlayerView(b *testing.B, w, h int) {
	for _, tc := range []struct{ id, tab string }{
		{"first-party", "1"}, // the most diagram rows
		{"refresh-theft-rotation", "2"},
		{"refresh-theft-rotation", "3"},
	} {
		b.Run(tc.id+"/tab"+tc.tab, func(b *testing.B) {
			sc := tuitest.Lookup(b, tc.id)
			m := gtToLast(b, gtNew(b, sc, false, scenarios.Options{}, w, h), sc)
			m = gtPress(b, m, tc.tab)
			b.ReportAllocs()
			for b.Loop() {
				gtView(b, m)
			}
		})
	}
	// A quiz waiting, and its feedback: the frames issue 14 is about.
	b.Run("quiz", func(b *testing.B) {
		sc := tuitest.Lookup(b, "refresh-theft-rotation")
		q, right := gtQuiz(b, sc)
		m := gtSteps(b, gtNew(b, sc, false, scenarios.Options{}, w, h), q)
		m = gtPress(b, m, right)
		b.ReportAllocs()
		for b.Loop() {
			gtView(b, m)
		}
	})
}

func BenchmarkStepForward(b *testing.B) {
	sc := gtLongest(b)
	m := gtToLast(b, gtNew(b, sc, false, scenarios.Options{}, 140, 45), sc) // answers the quizzes
	m = gtPress(b, m, "g")
	right := tuitest.Key("right")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if n == len(sc.Steps) {
			b.StopTimer()
			m = gtPress(b, m, "g")
			n = 0
			b.StartTimer()
		}
		m, _ = m.Update(right)
		gtView(b, m)
		n++
	}
}

func BenchmarkStepBackLongest(b *testing.B) {
	sc := gtLongest(b)
	for _, alg := range []string{"RS256", "EdDSA"} {
		b.Run(alg, func(b *testing.B) {
			run := scenarios.Options{Set: []scenarios.Setting{{Key: "alg", Value: alg}}}
			m := gtToLast(b, gtNew(b, sc, false, run, 140, 45), sc)
			gtHasAlg(b, m, sc, alg)
			left := tuitest.Key("left")
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if n == len(sc.Steps) {
					b.StopTimer()
					m = gtPress(b, m, "end")
					n = 0
					b.StartTimer()
				}
				m, _ = m.Update(left)
				gtView(b, m)
				n++
			}
		})
	}
	b.Logf("longest lesson: %s, %d steps", sc.ID, len(sc.Steps))
}

// gtHasAlg fails unless the Tokens tab, at some step going back from the
// current one, shows a token signed with alg; it leaves the model where it
// found it, on the Narration tab.
func gtHasAlg(b *testing.B, m tea.Model, sc *scenarios.Scenario, alg string) {
	b.Helper()
	m = gtPress(b, m, "3")
	found := false
	for range sc.Steps {
		if strings.Contains(gtScreen(m), "hdr alg        "+alg) {
			found = true
			break
		}
		m = gtPress(b, m, "left")
	}
	m = gtPress(b, m, "end", "1")
	if !found {
		b.Fatalf("no %s token anywhere in %s", alg, sc.ID)
	}
}

func BenchmarkFirstFrame(b *testing.B) {
	if _, err := scenarios.Catalogue(); err != nil { // loaded once per process
		b.Fatal(err)
	}
	b.Run("model", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			frame, err := gtFirstFrame(140, 45)
			if err != nil || frame == "" {
				b.Fatalf("first frame: %v", err)
			}
		}
	})
	// process: exec the test binary as a helper (see init) and wait for its
	// first frame: process start, package initialisation, the catalogue's
	// YAML, running the lesson, and the first View. The tokensim binary does
	// the same, plus bubbletea's terminal set-up.
	b.Run("process", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), gtFirstFrameEnv+"=1")
			out, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "frame ") {
				b.Fatalf("helper: %q %v", line, err)
			}
			b.StopTimer() // reaping the process is not start-up
			if err := cmd.Wait(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}
