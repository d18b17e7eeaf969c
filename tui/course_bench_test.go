package tui

import (
	"fmt"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/progress"
)

// BenchmarkPickerFirstView is the picker's first frame at 80×24 with a
// progress file of 50 lessons (the 22 built-in ones among them): the file
// read, the model made and sized, one View.
func BenchmarkPickerFirstView(b *testing.B) {
	cat := tuitest.Catalogue(b)
	path := filepath.Join(b.TempDir(), "tokensim", progress.FileName)
	f, err := progress.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		id := fmt.Sprintf("extra-%02d", i)
		if i < len(cat) {
			id = cat[i].ID
		}
		f.Save(id, progress.Record{Steps: 9, Step: 4 + i%6, Done: i%3 == 0, Right: 1, Quizzes: 2, Answers: map[int]int{2: 1}})
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := progress.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m, err := New(Options{Catalogue: cat, Progress: g})
		if err != nil {
			b.Fatal(err)
		}
		next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		_ = next.(Model).View()
		g.Close()
	}
}

// BenchmarkSaveProgressStep is a step in a lesson with progress kept in
// a file: the key, the record built and saved (written in the background).
func BenchmarkSaveProgressStep(b *testing.B) {
	f, err := progress.Open(filepath.Join(b.TempDir(), "tokensim", progress.FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	a := btNewApp(b, Options{Catalogue: tuitest.Catalogue(b), Open: tuitest.Lookup(b, "expiry"), Progress: f}, 80, 24)
	l := a.lesson()
	next, prev := tuitest.Key("l"), tuitest.Key("h")
	l.Update(next)
	b.ReportAllocs()
	for b.Loop() {
		// Between steps 1 and 2: every key moves, so every key saves.
		k := next
		if l.tl.cur == 1 {
			k = prev
		}
		l.Update(k)
	}
	if r, _ := f.Load("expiry"); r.Step < 1 {
		b.Fatalf("nothing saved: %+v", r)
	}
}
