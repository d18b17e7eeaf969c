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

// gtCourse is the root model with a progress store, sized w×h.
func gtCourse(tb testing.TB, open *scenarios.Scenario, store progress.Store, w, h int) tea.Model {
	tb.Helper()
	m, err := tui.New(tui.Options{Catalogue: tuitest.Catalogue(tb), Open: open, Progress: store, ExportDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("tui.New: %v", err)
	}
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return tm
}

// TestGoldenCourse: the picker with progress marks, the offer to resume,
// and the recap, at 80×24 (the size that matters most) and 200×60.
//
//	go test ./tui -run TestGoldenCourse -update
func TestGoldenCourse(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			store := &progress.Memory{}
			store.Save("login", progress.Record{Steps: 2, Step: 2, Done: true, Right: 1, Quizzes: 1, Answers: map[int]int{1: 2}})
			store.Save("bearer-calls", progress.Record{Steps: 7, Step: 3})
			t.Run("picker", func(t *testing.T) {
				gtGolden(t, gtPress(t, gtCourse(t, nil, store, sz.w, sz.h), "down"), sz.w, sz.h)
			})
			t.Run("resume", func(t *testing.T) {
				gtGolden(t, gtCourse(t, tuitest.Lookup(t, "bearer-calls"), store, sz.w, sz.h), sz.w, sz.h)
			})
			t.Run("recap", func(t *testing.T) {
				sc := tuitest.Lookup(t, "refresh-theft-rotation")
				m := gtToLast(t, gtCourse(t, sc, &progress.Memory{}, sz.w, sz.h), sc)
				gtGolden(t, gtPress(t, m, "right"), sz.w, sz.h)
			})
		})
	}
}
