package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// truthVariant is one way the player can run a lesson other than as
// written: a preset, or one knob of the what-if menu.
type truthVariant struct {
	name string
	opts scenarios.Options
}

// truthVariants are every preset and every single-knob what-if the player
// offers for sc, from the menu's own lists (knobChoices, storageChoices).
func truthVariants(sc *scenarios.Scenario) []truthVariant {
	var out []truthVariant
	for _, p := range sim.Presets() {
		out = append(out, truthVariant{"preset " + p.Name, scenarios.Options{Preset: p.Name}})
	}
	for _, kc := range knobChoices {
		for _, v := range kc.values {
			out = append(out, truthVariant{kc.key + "=" + v, scenarios.Options{Set: []scenarios.Setting{{Key: kc.key, Value: v}}}})
		}
	}
	if offersStorage(sc) {
		for _, s := range storageChoices() {
			out = append(out, truthVariant{"storage " + string(s), scenarios.Options{Storage: string(s)}})
		}
	}
	return out
}

// flat collapses whitespace and Markdown quote marks, so that wrapped text
// can be searched for a sentence.
func flat(s string) string {
	s = strings.ReplaceAll(ansi.Strip(s), "\n> ", "\n")
	return strings.Join(strings.Fields(s), " ")
}

// opening is the first words of a narration: enough to find it.
func opening(text string) string {
	f := strings.Fields(text)
	return strings.Join(f[:min(len(f), 5)], " ")
}

// markedBefore fails unless mark appears in text, and before the lesson's
// text when that text is shown at all.
func markedBefore(t *testing.T, where, text, mark, lesson string) {
	t.Helper()
	m := strings.Index(text, mark)
	if m < 0 {
		t.Errorf("%s: the lesson's text is shown without %q:\n%s", where, mark, text)
		return
	}
	if l := strings.Index(text, lesson); l >= 0 && l < m {
		t.Errorf("%s: the lesson's text (%q) comes before its mark", where, lesson)
	}
}

// TestWhatIfNeverPresentsFalseNarration (issue 12, section 1): every lesson
// under every preset and every single-knob what-if the player offers. On a
// step whose outcome differs from the lesson's own run, the player's
// narration tab, the text transcript, the Markdown and the JSON give the
// run's account and mark the lesson's narration and quiz as written for
// its own policy; on every other step the narration says which policy it
// was written for (it may state one: "rotation is on"); no "✓ expectations held" / "✓ as the lesson expects"
// appears in a diverged run without saying what it compares against; and
// every summary counts steps, the same ones.
func TestWhatIfNeverPresentsFalseNarration(t *testing.T) {
	cat := tuitest.Catalogue(t)
	var diverged atomic.Int64
	t.Run("lessons", func(t *testing.T) {
		for _, sc := range cat {
			t.Run(sc.ID, func(t *testing.T) {
				t.Parallel()
				own, err := scenarios.Execute(sc, scenarios.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range truthVariants(sc) {
					v.opts.Lesson = own
					r, err := scenarios.Execute(sc, v.opts)
					if err != nil {
						t.Errorf("%s under %s: %v", sc.ID, v.name, err)
						continue
					}
					ds := r.Differences()
					if len(ds) > 0 {
						diverged.Add(1)
					}
					where := sc.ID + " under " + v.name
					note := flat(r.LessonNote())
					summary := flat(r.DivergenceSummary(ds))
					if len(ds) > len(r.Steps) {
						t.Fatalf("%s: %d differences for %d steps", where, len(ds), len(r.Steps))
					}
					truthText(t, where, r, note, summary)
					truthMarkdown(t, where, r, note, summary)
					truthJSON(t, where, r)
					truthPlayer(t, where, r, note)
				}
			})
		}
	})
	if diverged.Load() == 0 {
		t.Fatal("no variant changed any lesson: the test checks nothing")
	}
}

func truthText(t *testing.T, where string, r *scenarios.Run, note, summary string) {
	t.Helper()
	var b bytes.Buffer
	if err := rendering.WriteText(&b, r, rendering.TextOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "✓ expectations held") || strings.Contains(out, "All expectations held") {
		t.Errorf("%s (text): an unqualified ✓ in a run under another policy", where)
	}
	if r.Diverged() && !strings.Contains(flat(out), summary) {
		t.Errorf("%s (text): no summary %q", where, summary)
	}
	sections := strings.Split(out, "\nStep ")
	for _, s := range r.Steps {
		if n := r.SameNote(s); n != "" {
			markedBefore(t, fmt.Sprintf("%s (text) step %d", where, s.Index), flat(sections[s.Index]), flat(n), opening(s.Text.Narration))
		}
	}
	for _, d := range r.Differences() {
		s := r.Steps[d.Step-1]
		sec := flat(sections[d.Step])
		markedBefore(t, fmt.Sprintf("%s (text) step %d", where, d.Step), sec, note, opening(s.Text.Narration))
		if !strings.Contains(sec, "≠ This step differs") {
			t.Errorf("%s (text) step %d: no account of the difference", where, d.Step)
		}
	}
}

func truthMarkdown(t *testing.T, where string, r *scenarios.Run, note, summary string) {
	t.Helper()
	var b bytes.Buffer
	if err := rendering.WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if r.Diverged() && !strings.Contains(flat(out), summary) {
		t.Errorf("%s (markdown): no summary %q", where, summary)
	}
	for _, s := range r.Steps {
		head := fmt.Sprintf("\n### %d. ", s.Index)
		i := strings.Index(out, head)
		if i < 0 {
			t.Fatalf("%s (markdown): no step %d", where, s.Index)
		}
		sec := out[i+len(head):]
		if j := strings.Index(sec, "\n### "); j >= 0 {
			sec = sec[:j]
		}
		mark := flat(r.SameNote(s))
		if _, differs := r.Difference(s.Index); differs {
			mark = note
		}
		markedBefore(t, fmt.Sprintf("%s (markdown) step %d", where, s.Index), flat(sec), mark, opening(s.Text.Narration))
	}
}

func truthJSON(t *testing.T, where string, r *scenarios.Run) {
	t.Helper()
	var b bytes.Buffer
	if err := rendering.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var marked, finished []int
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var e rendering.JSONEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		switch {
		case e.Kind == rendering.KindStepStarted && e.NarrationFor == "":
			t.Errorf("%s (json): step %d's narration does not say which policy it was written for", where, e.Step)
		case e.Kind == rendering.KindStepStarted && len(e.Differs) > 0:
			marked = append(marked, e.Step)
		case e.Kind == rendering.KindScenarioFinished:
			finished = e.DifferingSteps
		}
	}
	var want []int
	for _, d := range r.Differences() {
		want = append(want, d.Step)
	}
	if !slices.Equal(marked, want) || !slices.Equal(finished, want) {
		t.Errorf("%s (json): steps marked %v, finished lists %v; the run differs at %v", where, marked, finished, want)
	}
}

func truthPlayer(t *testing.T, where string, r *scenarios.Run, note string) {
	t.Helper()
	st := NewStyles(true)
	tl := newTimeline(r)
	for i, s := range r.Steps {
		tl.cur = i
		picks := []int{0}
		if q := s.Text.Quiz; q != nil {
			picks = []int{0, q.Answer, q.Answer%len(q.Options) + 1}
		}
		for _, pick := range picks {
			tl.answered[i] = pick
			tab := flat(narrationTab(&tl, st, 60, ""))
			w := fmt.Sprintf("%s (player) step %d, answer %d", where, i+1, pick)
			if strings.Contains(tab, "✓ as the lesson expects") || strings.Contains(tab, "✓ expectations held") {
				t.Errorf("%s: an unqualified ✓ in a diverged run:\n%s", w, tab)
			}
			if _, differs := r.Difference(i + 1); !differs {
				markedBefore(t, w, tab, flat(r.SameNote(s)), opening(s.Text.Narration))
				continue
			}
			if strings.Contains(tab, "Right.") || strings.Contains(tab, "Not quite") {
				t.Errorf("%s: the lesson's answer is judged as if it held here:\n%s", w, tab)
			}
			lesson := opening(s.Text.Narration)
			if q := s.Text.Quiz; q != nil && pick == 0 {
				lesson = opening(q.Question)
			}
			markedBefore(t, w, tab, note, lesson)
		}
	}
}
