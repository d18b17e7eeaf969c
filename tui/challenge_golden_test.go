package tui_test

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/tui"
)

// gtChallenge is the root model with challenge id open (nil: the
// picker), a progress store, sized w×h.
func gtChallenge(tb testing.TB, id string, store progress.Store, w, h int) tea.Model {
	tb.Helper()
	opts := tui.Options{Catalogue: tuitest.Catalogue(tb), Progress: store, ExportDir: tb.TempDir()}
	if id != "" {
		ch, err := scenarios.ChallengeByID(id)
		if err != nil {
			tb.Fatal(err)
		}
		opts.Challenge = ch
	} else {
		// A fixed list: the picker's golden does not change each time a
		// challenge is added to the built-ins.
		for _, id := range []string{"no-second-login", "service-token", "stop-the-thief"} {
			ch, err := scenarios.ChallengeByID(id)
			if err != nil {
				tb.Fatal(err)
			}
			opts.Challenges = append(opts.Challenges, ch)
		}
	}
	m, err := tui.New(opts)
	if err != nil {
		tb.Fatalf("tui.New: %v", err)
	}
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return tm
}

// TestGoldenChallenge: a challenge as it opens (goal, the rule of a try),
// after a wrong move (the engine's why, a hint), solved (the score), and
// the picker's list of challenges with one solved, at 80×24 and 200×60.
//
//	go test ./tui -run TestGoldenChallenge -update
func TestGoldenChallenge(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			t.Run("start", func(t *testing.T) {
				gtGolden(t, gtChallenge(t, "stop-the-thief", nil, sz.w, sz.h), sz.w, sz.h)
			})
			t.Run("not-yet", func(t *testing.T) {
				gtGolden(t, gtPress(t, gtChallenge(t, "stop-the-thief", nil, sz.w, sz.h), "r"), sz.w, sz.h)
			})
			t.Run("solved", func(t *testing.T) {
				gtGolden(t, gtPress(t, gtChallenge(t, "stop-the-thief", nil, sz.w, sz.h), "w", "1", "1", "r"), sz.w, sz.h)
			})
			t.Run("picker", func(t *testing.T) {
				store := &progress.Memory{}
				store.Save(progress.ChallengeID("no-second-login"), progress.Record{Step: 1, Done: true, Stars: 2})
				store.Save(progress.ChallengeID("service-token"), progress.Record{Step: 1})
				gtGolden(t, gtPress(t, gtChallenge(t, "", store, sz.w, sz.h), "C"), sz.w, sz.h)
			})
		})
	}
}
