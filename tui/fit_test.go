package tui_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// fitFlat joins a screen's lines with spaces and collapses runs of spaces,
// so that a text wrapped over several lines is found as one.
func fitFlat(s string) string { return strings.Join(strings.Fields(s), " ") }

// fitTail is the last words of s, enough to prove its end is on screen;
// "" when they hold a placeholder the run fills in.
func fitTail(s string, n int) string {
	w := strings.Fields(s)
	w = w[max(len(w)-n, 0):]
	t := strings.Join(w, " ")
	if strings.ContainsAny(t, "{}") {
		return ""
	}
	return t
}

// TestQuizFitsAt80x24 plays every quiz of every built-in lesson at 80×24
// (issue 14: the size most terminals open at) and checks, without a key
// that scrolls, that the question's options and the key that answers are
// on screen, then, once answered, the verdict, the end of the explanation
// and the outcome it reveals.
func TestQuizFitsAt80x24(t *testing.T) {
	for _, sc := range tuitest.Catalogue(t) {
		m := gtNew(t, sc, false, scenarios.Options{}, 80, 24)
		run, err := scenarios.Execute(sc, scenarios.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range sc.Steps {
			m = gtPress(t, m, "right")
			q := run.Steps[i].Text.Quiz // as this run shows it: a computed quiz's options are the run's
			if q == nil {
				continue
			}
			name := fmt.Sprintf("%s step %d", sc.ID, i+1)
			s := gtScreen(m)
			gtFits(t, s, 80, 24)
			flat := fitFlat(s)
			for n, o := range q.Options {
				if !strings.Contains(flat, fmt.Sprintf("%d. ", n+1)) {
					t.Errorf("%s: option %d is not on screen:\n%s", name, n+1, s)
				}
				if tail := fitTail(o, 2); tail != "" && !strings.Contains(flat, tail) {
					t.Errorf("%s: the end of option %d (%q) is not on screen:\n%s", name, n+1, tail, s)
				}
			}
			if !strings.Contains(flat, fmt.Sprintf("Press 1–%d to answer", len(q.Options))) {
				t.Errorf("%s: the key that answers is not on screen:\n%s", name, s)
			}
			wrong := 1
			if q.Answer == 1 {
				wrong = 2
			}
			pick := q.Answer
			if i%2 == 1 {
				pick = wrong // both verdicts, across the catalogue
			}
			m = gtPress(t, m, strconv.Itoa(pick))
			s = gtScreen(m)
			flat = fitFlat(s)
			verdict := "✓ Right."
			if pick != q.Answer {
				verdict = fmt.Sprintf("✗ Not quite: the answer is %d.", q.Answer)
			}
			if !strings.Contains(flat, verdict) {
				t.Errorf("%s: the verdict %q is not on screen:\n%s", name, verdict, s)
			}
			if tail := fitTail(q.Explain, 4); tail != "" && !strings.Contains(flat, tail) {
				t.Errorf("%s: the end of the explanation (%q) is not on screen:\n%s", name, tail, s)
			}
			if !strings.Contains(flat, "Outcome: ") && !strings.Contains(flat, "as the lesson expects") {
				t.Errorf("%s: the outcome the answer reveals is not on screen:\n%s", name, s)
			}
		}
	}
}

// TestDiagramScrolls checks that a diagram taller than its panel says so
// and scrolls: { shows the rows above, } comes back to the current step.
func TestDiagramScrolls(t *testing.T) {
	sc := tuitest.Lookup(t, "first-party")
	m := gtToLast(t, gtNew(t, sc, false, scenarios.Options{}, 80, 24), sc)
	end := gtScreen(m)
	if !strings.Contains(end, "more rows: {") {
		t.Fatalf("no hint that rows are out of view:\n%s", end)
	}
	m = gtPress(t, m, "{")
	up := gtScreen(m)
	if up == end || !strings.Contains(up, "↓") {
		t.Fatalf("{ did not scroll the diagram up:\n%s", up)
	}
	if got := gtScreen(gtPress(t, m, "}")); got != end {
		t.Errorf("} did not come back:\n%s\nwant:\n%s", got, end)
	}
	for range 40 {
		m = gtPress(t, m, "{")
	}
	if s := gtScreen(m); !strings.Contains(s, "1. Alice") {
		t.Errorf("{ did not reach the first step:\n%s", s)
	}
}
