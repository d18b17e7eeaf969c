package scenarios

import (
	"strings"
	"testing"
)

// TestCatalogue runs every built-in scenario: all its expectations must
// hold. A failure prints the step, the expectation, what happened and the
// engine's reason.
func TestCatalogue(t *testing.T) {
	all, err := Catalogue()
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	for _, sc := range all {
		t.Run(sc.ID, func(t *testing.T) {
			r, err := Execute(sc, Options{Seed: 1})
			if err != nil {
				t.Fatalf("execute: %v", err)
			}
			for _, f := range r.Failures() {
				t.Error(f)
			}
		})
	}
}

// TestCatalogueComplete checks the catalogue promise of curriculum.md:
// every ID present, each with title, summary, goals, level, theme,
// narration on every step and at least one quiz.
func TestCatalogueComplete(t *testing.T) {
	all, err := Catalogue()
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	byID := map[string]*Scenario{}
	for _, sc := range all {
		byID[sc.ID] = sc
	}
	for _, id := range builtinIDs {
		sc, ok := byID[id]
		if !ok {
			t.Errorf("built-in scenario %q is missing", id)
			continue
		}
		quizzes := 0
		for i, st := range sc.Steps {
			if strings.TrimSpace(st.Narration) == "" {
				t.Errorf("%s step %d has no narration", id, i+1)
			}
			if st.Quiz != nil {
				quizzes++
			}
		}
		if quizzes == 0 {
			t.Errorf("%s has no predict-then-reveal quiz", id)
		}
		if sc.Title == "" || sc.Summary == "" || len(sc.Goals) == 0 || sc.Level == "" || sc.Theme == "" {
			t.Errorf("%s lacks title, summary, goals, level or theme", id)
		}
	}
}

// Texts lists everything a learner reads, once each, in reading order: a
// check that walks it (placeholders, wrapping) sees every quiz option and
// every goal.
func TestScenarioTexts(t *testing.T) {
	sc := &Scenario{Title: "T", Summary: "S", Goals: []string{"G1", "G2"}, Steps: []*Step{
		{Title: "one", Narration: "N1"},
		{Title: "two", Narration: "N2", Quiz: &Quiz{Question: "Q", Options: []string{"a", "b"}, Explain: "E"}},
	}}
	if got, want := strings.Join(sc.Texts(), "|"), "T|S|G1|G2|one|N1|two|N2|Q|a|b|E"; got != want {
		t.Fatalf("Texts() = %q, want %q", got, want)
	}
}
