package progress

import (
	"fmt"
	"path/filepath"
	"testing"
)

// benchFile is a progress file holding n lessons' records.
func benchFile(b *testing.B, n int) *File {
	b.Helper()
	f, err := Open(filepath.Join(b.TempDir(), "tokensim", FileName))
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		f.Save(fmt.Sprintf("lesson-%02d", i), Record{Steps: 12, Step: 12, Done: true, Right: 2, Quizzes: 3, Answers: map[int]int{3: 1, 7: 2, 9: 1}})
	}
	if err := f.Flush(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

// BenchmarkSave is what a step costs the player: the record replaced and
// the writer asked to write (the write happens on the File's goroutine).
func BenchmarkSave(b *testing.B) {
	f := benchFile(b, 50)
	r := Record{Steps: 12, Answers: map[int]int{3: 1}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Step = i%12 + 1
		f.Save("lesson-07", r)
	}
}

// BenchmarkSaveWrite is a save written through to disk: the JSON of 50
// lessons, a temporary file, fsync, rename and the directory's fsync.
func BenchmarkSaveWrite(b *testing.B) {
	f := benchFile(b, 50)
	r := Record{Steps: 12, Answers: map[int]int{3: 1}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.Step = i%12 + 1
		f.Save("lesson-07", r)
		if err := f.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen reads a progress file of 50 lessons, as a fresh process
// does before its first frame.
func BenchmarkOpen(b *testing.B) {
	f := benchFile(b, 50)
	b.ReportAllocs()
	for b.Loop() {
		g, err := Open(f.Path())
		if err != nil {
			b.Fatal(err)
		}
		g.Close()
	}
}
