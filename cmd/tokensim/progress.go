package main

import (
	"fmt"
	"io"
	"os"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

const progressExamples = `  tokensim progress
  tokensim progress --reset      # forget every lesson's progress
  TOKENSIM_NO_PROGRESS=1 tokensim play login   # keep none this time
`

// openProgress opens the learner's progress file, unless progress is
// turned off (--no-progress, or TOKENSIM_NO_PROGRESS=1): then nil. The
// warning is one line to show the learner (a file set aside, a directory
// that cannot be written); the File is usable either way.
func openProgress(off bool) (*progress.File, string) {
	if off || progress.Disabled(os.Getenv) {
		return nil, ""
	}
	path, err := progress.DefaultPath(os.Getenv)
	if err != nil {
		return nil, "progress will not be saved: " + err.Error()
	}
	f, err := progress.Open(path)
	if err != nil {
		return f, err.Error()
	}
	return f, ""
}

// progressCmd prints the path with the learner's marks, or clears them.
func (e *env) progressCmd(args []string) int {
	fs := newFlags("progress", "progress [--reset]", progressExamples, e.stderr)
	reset := fs.Bool("reset", false, "forget the progress of every lesson")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tokensim progress: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	cat, err := scenarios.Catalogue()
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim: the built-in catalogue is broken: %v\n", err)
		return exitFailed
	}
	if progress.Disabled(os.Getenv) {
		fmt.Fprintf(e.stdout, "Progress is turned off (%s is set): nothing is kept.\n", progress.EnvDisable)
		return exitOK
	}
	f, warn := openProgress(false)
	if warn != "" {
		fmt.Fprintln(e.stderr, "tokensim progress: "+warn)
	}
	if f == nil {
		return exitFailed
	}
	defer f.Close()
	if *reset {
		n, err := f.Reset()
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim progress: could not clear %s: %v\n", f.Path(), err)
			return exitFailed
		}
		fmt.Fprintf(e.stdout, "Cleared the progress of %d %s in %s.\n", n, text.Plural(n, "lesson", "lessons"), f.Path())
		return exitOK
	}
	writePath(e.stdout, progress.Path(cat), f, f.Path())
	return exitOK
}

// writePath prints the path, level by level, each lesson with its place,
// its id and its mark. The width is stable whatever the terminal: the ids
// are padded to the longest id, and a line is at most 4 + that + 2 + the
// longest mark (about 64 columns for the built-in lessons).
func writePath(w io.Writer, path []*scenarios.Scenario, store progress.Store, where string) {
	idw, done := 0, 0
	for _, sc := range path {
		idw = max(idw, len(sc.ID))
		if r, ok := store.Load(sc.ID); ok && r.Done {
			done++
		}
	}
	fmt.Fprintf(w, "Your path: %d of %d lessons done (%s)\n", done, len(path), where)
	level := ""
	for i, sc := range path {
		if sc.Level != level {
			level = sc.Level
			fmt.Fprintf(w, "\n%s\n", level)
		}
		r, ok := store.Load(sc.ID)
		fmt.Fprintf(w, "%3d  %-*s  %s\n", i+1, idw, sc.ID, progress.Mark(r, ok))
	}
	if done < len(path) {
		for _, sc := range path {
			if r, ok := store.Load(sc.ID); !ok || !r.Done {
				fmt.Fprintf(w, "\nNext: tokensim play %s\n", sc.ID)
				break
			}
		}
	}
}
