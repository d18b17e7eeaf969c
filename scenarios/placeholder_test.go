package scenarios

import (
	"strings"
	"testing"
)

// TestCataloguePlaceholdersResolve: in each lesson's own run every
// placeholder of every narration and quiz names a fact the run has, and
// none is left in the text a learner reads.
func TestCataloguePlaceholdersResolve(t *testing.T) {
	cat, err := Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range cat {
		r, err := Execute(sc, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range r.Steps {
			texts := []string{s.Text.Narration}
			if q := s.Text.Quiz; q != nil {
				texts = append(texts, q.Texts()...)
			}
			for _, txt := range texts {
				if strings.Contains(txt, "{{") || strings.Contains(txt, "}}") {
					t.Errorf("%s step %d: a placeholder is left in %q", sc.ID, s.Index, txt)
				}
			}
			if len(s.Text.Unresolved) > 0 {
				t.Errorf("%s step %d: %v name nothing in the lesson's own run", sc.ID, s.Index, s.Text.Unresolved)
			}
		}
	}
}

// TestPlaceholdersFollowTheRun: a what-if with another access_ttl prints
// that run's lifetime and expiry, not the ones the author saw (issue 12:
// "a what-if with another access_ttl must not print the old expiry time").
func TestPlaceholdersFollowTheRun(t *testing.T) {
	sc, err := Lookup("logout")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ttl, want, not string
	}{
		{"", "The app holds at-1 (15m, until 09:15:00)", "(5m"},
		{"5m", "The app holds at-1 (5m, until 09:05:00)", "09:15"},
		{"1h", "The app holds at-1 (1h, until 10:00:00)", "09:15"},
	} {
		opts := Options{Seed: 1}
		if c.ttl != "" {
			opts.Set = []Setting{{Key: "access_ttl", Value: c.ttl}}
		}
		r, err := Execute(sc, opts)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(strings.Fields(r.Steps[0].Text.Narration), " ")
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("access_ttl=%q: step 1 reads %q; want %q", c.ttl, got, c.want)
		}
	}
}

// TestPlaceholderFacts resolves each kind of placeholder against a run.
func TestPlaceholderFacts(t *testing.T) {
	sc, err := Lookup("refresh-theft-rotation")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Execute(sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	snap := r.Steps[3].Snapshot // the attacker has refreshed: rt-1 rotated, rt-2 its
	for in, want := range map[string]string{
		"preset": "tokensim", "access_ttl": "15m", "leeway": "30s", "now": "09:15:31",
		"label attacker.refresh": "rt-2", "state rt-1": "rotated", "exp at-2": "09:30:31",
		"until at-2": "09:31:01", "lifetime at-2": "15m", "issued at-2": "09:15:31", "left at-2": "15m",
		"exp rt-1": "Feb 14 09:00:00", "lifetime app.refresh": "30d",
	} {
		if got, ok := resolve(in, r.Preset, snap); !ok || got != want {
			t.Errorf("{{%s}} = %q (%v), want %q", in, got, ok, want)
		}
	}
	if got, ok := resolve("label rt-9", r.Preset, snap); ok || !strings.Contains(got, "no rt-9 in this run") {
		t.Errorf("a token the run never issued reads %q (%v)", got, ok)
	}
}
