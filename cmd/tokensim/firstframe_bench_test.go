package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// BenchmarkFirstFramePTY times what a learner waits for: the real binary,
// started with no command on an 80×24 pseudo-terminal, from exec to the
// picker's first frame on the terminal (target < 50 ms). It reports the
// median and the slowest start as ms/first-frame and max-ms; the benchmark's
// own ns/op also counts killing the process, which a learner never waits for.
//
// benchProgressState prepares the state directory the binary reads its
// progress from, so that the frame includes reading and marking a progress
// file.
func BenchmarkFirstFramePTY(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "tokensim")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	state := benchProgressState(b)
	// The picker's first frame counts what the file says is done.
	n := len(scenarios.BuiltinIDs())
	marker := fmt.Appendf(nil, "%d of %d done", (n+2)/3, n) // lessons 0, 3, 6, … of the file
	var took []time.Duration
	buf := make([]byte, 64<<10)
	for b.Loop() {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+state, "TERM=xterm-256color", "COLORTERM=truecolor")
		start := time.Now()
		f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
		if err != nil {
			b.Fatal(err)
		}
		var seen []byte
		for !bytes.Contains(seen, marker) {
			n, err := f.Read(buf)
			if err != nil {
				b.Fatalf("no first frame (%v) after %q", err, seen)
			}
			seen = append(seen, buf[:n]...)
		}
		took = append(took, time.Since(start))
		b.StopTimer()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = f.Close()
		b.StartTimer()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms/first-frame")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
}

// benchProgressState returns a state directory holding a progress file
// of 50 lessons (the built-in ones, as the picker marks them, and more),
// as DefaultPath finds it under XDG_STATE_HOME.
func benchProgressState(b *testing.B) string {
	state := b.TempDir()
	path, err := progress.DefaultPath(func(k string) string {
		if k == "XDG_STATE_HOME" {
			return state
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	f, err := progress.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	cat, err := scenarios.Catalogue()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		id := fmt.Sprintf("lesson-%02d", i)
		if i < len(cat) {
			id = cat[i].ID
		}
		if err := f.Save(id, progress.Record{Steps: 12, Step: i % 13, Done: i%3 == 0, Right: 1, Quizzes: 2, Answers: map[int]int{2: 1}}); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return state
}
