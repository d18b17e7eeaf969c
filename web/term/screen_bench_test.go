package term

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// benchScreen is a 120×40 screen drawn as a lesson is: every row full,
// with a few coloured and bold runs in each.
func benchScreen(b *testing.B) *Screen {
	b.Helper()
	sc := NewScreen(120, 40)
	var sb strings.Builder
	for y := range 40 {
		fmt.Fprintf(&sb, "\x1b[%d;1H", y+1)
		for x := 0; x < 120; x += 20 {
			fmt.Fprintf(&sb, "\x1b[38;2;%d;%d;200m\x1b[1mstep %02d\x1b[m %-11s", y*6, x, y, "│ lane text")
		}
	}
	if _, err := sc.Write([]byte(sb.String())); err != nil {
		b.Fatal(err)
	}
	if _, ok := sc.Frame(); !ok {
		b.Fatal("no first frame")
	}
	return sc
}

// BenchmarkFrame: what a frame costs the server at 120×40. "full" is
// every row (after connect or a resize: the page has nothing); "one row"
// is a step counter redrawn, the write included (each frame compares
// every row with what was sent, so it reads all 4,800 cells either way);
// "none" is a frame with nothing changed; "json full" and "json one row"
// encode the frame as the session sends it.
func BenchmarkFrame(b *testing.B) {
	b.Run("full", func(b *testing.B) {
		sc := benchScreen(b)
		b.ReportAllocs()
		for b.Loop() {
			sc.mu.Lock()
			sc.sent = nil
			sc.mu.Unlock()
			if f, ok := sc.Frame(); !ok || len(f.Lines) != 40 {
				b.Fatalf("%d rows", len(f.Lines))
			}
		}
	})
	b.Run("one row", func(b *testing.B) {
		sc := benchScreen(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			if _, err := fmt.Fprintf(sc, "\x1b[1;1Hstep %d/11", i%2); err != nil {
				b.Fatal(err)
			}
			if f, ok := sc.Frame(); !ok || len(f.Lines) != 1 {
				b.Fatalf("%d rows", len(f.Lines))
			}
		}
	})
	b.Run("none", func(b *testing.B) {
		sc := benchScreen(b)
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := sc.Frame(); ok {
				b.Fatal("a frame with nothing changed")
			}
		}
	})
	b.Run("json full", func(b *testing.B) {
		sc := benchScreen(b)
		sc.sent = nil
		f, _ := sc.Frame()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json one row", func(b *testing.B) {
		sc := benchScreen(b)
		if _, err := fmt.Fprintf(sc, "\x1b[1;1Hstep 1/11"); err != nil {
			b.Fatal(err)
		}
		f, _ := sc.Frame()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
