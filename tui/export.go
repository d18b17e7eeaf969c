package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/scenarios"
)

// export writes the run shown as Markdown, like `run --format markdown`,
// into dir as name.md: after a what-if, the run under the what-if, with
// its preset and settings. note (exportNote) says what the run was played
// under. It never overwrites a file: a name taken gets -2, -3… The file
// write is a command, off the update path.
func (s *stepper) export(dir, name string, note func(*scenarios.Run) string) tea.Cmd {
	run := *s.tl.run
	run.Steps = s.tl.steps
	text := note(&run)
	mark := exportMark{s.tl.run, len(s.tl.steps)}
	return func() tea.Msg {
		var b bytes.Buffer
		if err := rendering.WriteMarkdown(&b, &run); err != nil {
			return exportedMsg{err: err}
		}
		path, err := writeNew(dir, name, ".md", withNote(b.Bytes(), text))
		return exportedMsg{path: path, err: err, mark: mark}
	}
}

// exportNote says, in Markdown, what the exported run was played under
// beyond the preset that WriteMarkdown names: first, lines of the owner's
// (the sandbox's world, the what-if in force), then every setting on top
// of the preset.
func exportNote(run *scenarios.Run, first ...string) string {
	lines := slices.Clone(first)
	var set []string
	for _, s := range slices.Concat(run.Scenario.Set, run.Options.Set) {
		set = append(set, "`"+s.Key+"="+s.Value+"`")
	}
	if len(set) > 0 {
		lines = append(lines, fmt.Sprintf("Settings on top of preset `%s`, in order: %s.", run.Preset, strings.Join(set, ", ")))
	}
	return strings.Join(lines, "\n\n")
}

// withNote puts note after the Markdown's line naming the scenario and
// its preset, or after its title if that line is not found.
func withNote(md []byte, note string) []byte {
	if note == "" {
		return md
	}
	at := bytes.Index(md, []byte("\nScenario `"))
	if at >= 0 {
		if end := bytes.Index(md[at+1:], []byte("\n\n")); end >= 0 {
			at += 1 + end + 2
		} else {
			at = -1
		}
	}
	if at < 0 {
		at = bytes.Index(md, []byte("\n\n")) + 2
		if at < 2 {
			at = len(md)
		}
	}
	return slices.Concat(md[:at], []byte(note+"\n\n"), md[at:])
}

// writeNew writes data to dir/name+ext, or, if that file exists, to
// dir/name-2+ext, dir/name-3+ext…, never replacing a file. It returns the
// path written.
func writeNew(dir, name, ext string, data []byte) (string, error) {
	for n := 1; ; n++ {
		path := filepath.Join(dir, name+ext)
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, n, ext))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && n < 10000 {
			continue
		}
		if err != nil {
			return path, err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return path, err
	}
}
