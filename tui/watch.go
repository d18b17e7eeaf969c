package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
)

// Reload is a lesson file loaded again, for the authoring loop (tokensim
// play --watch): the lesson as the file now is, or why it could not be
// loaded. A watcher outside the TUI sends one each time the file changes
// (tea.Program.Send); Options.Watch is the first.
type Reload struct {
	Path     string
	Scenario *scenarios.Scenario // nil when Err is set
	Err      error
}

// watched is a lesson that its author is writing: each Reload replaces it
// with the file as saved, keeping the step shown where it still exists,
// and a file that does not load shows its problems in place, above the
// version that last loaded, instead of ending the player.
type watched struct {
	*lesson
	path string
	// problems are what is wrong with the file, one a line as
	// file:line:col: message, with what they mean in head; nil when the
	// file loaded and its expectations held.
	head     string
	problems []string
	lists    string // the command that lists every problem: validate, or run for failures
	w, h     int
}

var _ screen = (*watched)(nil)

// newWatched plays the first load of a lesson file. If it did not load,
// the player starts empty (no step) and says why, until a Reload brings a
// lesson.
func newWatched(k *KeyMap, st *Styles, first Reload, opts scenarios.Options, exportDir string) (*watched, error) {
	var l *lesson
	if first.Err == nil {
		if l, first.Err = newLesson(k, st, first.Scenario, opts, exportDir); first.Err != nil {
			l = nil
		}
	}
	if l == nil {
		// A lesson of no step, named after the file: the stepper has a
		// run to show while the author fixes the file.
		base := strings.TrimSuffix(filepath.Base(first.Path), filepath.Ext(first.Path))
		sc := &scenarios.Scenario{ID: base, Title: first.Path + " (not loaded)", Source: first.Path}
		var err error
		if l, err = newLesson(k, st, sc, opts, exportDir); err != nil {
			return nil, err
		}
	}
	w := &watched{lesson: l, path: first.Path}
	if first.Err != nil {
		w.showProblems(first.Err, "nothing loaded yet")
	} else {
		w.showFailures(l.base)
	}
	return w, nil
}

// Update reloads the lesson on a Reload, and is the lesson's otherwise.
func (w *watched) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(Reload); ok {
		w.reload(r)
		return nil
	}
	return w.lesson.Update(msg)
}

// reload shows the file as saved: the new lesson at the step shown (or its
// last step, if that one is gone), with the quiz answers whose question
// and options are unchanged and the what-if in force; or, if the file does
// not load, its problems above the version that last loaded.
func (w *watched) reload(r Reload) {
	defer w.SetSize(w.w, w.h) // the problems' lines change the player's height
	l := w.lesson
	var run *scenarios.Run
	err := r.Err
	if err == nil {
		run, err = scenarios.Execute(r.Scenario, l.opts)
	}
	if err != nil {
		w.showProblems(err, "showing the version that last loaded")
		l.status = "" // a "reloaded" from the save before is no longer true
		return
	}
	old, cur := l.tl, l.tl.cur
	l.sc, l.base = r.Scenario, run
	l.modal, l.auto = nil, false // a menu of the old lesson's choices
	t := newTimeline(run)
	t.cur, t.answered = old.cur, keptAnswers(old, run)
	l.show(t)
	dropped := ""
	if l.whatIf != "" {
		// Replayed under the same change; a change the new lesson refuses
		// is dropped, and the status says so.
		l.applyWhatIf(func(*whatIf) {}, "what-if")
		if l.tl.run == run {
			dropped = "; the what-if (" + l.whatIf + ") no longer applies"
			l.applied, l.whatIf = whatIf{}, ""
		}
	}
	l.goTo(cur + 1) // clamped to the last step; a quiz shows its question
	// Short: at 80 columns the status shares the header with the step and
	// the clock.
	l.status = fmt.Sprintf("reloaded: %d %s", len(run.Steps), text.Plural(len(run.Steps), "step", "steps"))
	if cur >= len(run.Steps) {
		l.status += fmt.Sprintf(", step %d gone", cur+1)
	}
	l.status += dropped
	w.showFailures(run)
}

// keptAnswers are old's quiz answers for the steps of run whose quiz asks
// the same question with the same options: an answer to a question that
// changed would be an answer the learner never gave.
func keptAnswers(old timeline, run *scenarios.Run) map[int]int {
	kept := map[int]int{}
	for i, a := range old.answered {
		if i >= len(run.Steps) || i >= len(old.steps) {
			continue
		}
		q, was := run.Steps[i].Text.Quiz, old.steps[i].Text.Quiz
		if q != nil && was != nil && q.Question == was.Question && slices.Equal(q.Options, was.Options) {
			kept[i] = a
		}
	}
	return kept
}

// showProblems shows why the file did not load: each positioned problem
// (scenarios.Problems) as the validator prints it, anything else after the
// file's name.
func (w *watched) showProblems(err error, shown string) {
	var probs scenarios.Problems
	w.problems = nil
	if errors.As(err, &probs) {
		for _, p := range probs {
			w.problems = append(w.problems, p.String())
		}
	} else {
		w.problems = []string{w.path + ": " + err.Error()}
	}
	n := len(w.problems)
	w.lists = "validate"
	w.head = fmt.Sprintf("%s %s does not load: %d %s; %s", iconBad, filepath.Base(w.path), n, text.Plural(n, "problem", "problems"), shown)
}

// showFailures shows the expectations that failed in the lesson's own
// run, as `tokensim run` prints them; none, and the problems are gone.
func (w *watched) showFailures(run *scenarios.Run) {
	w.problems, w.head, w.lists = nil, "", "run"
	fs := run.Failures()
	for _, f := range fs {
		w.problems = append(w.problems, f.String())
	}
	if n := len(fs); n > 0 {
		w.head = fmt.Sprintf("%s %s: %d %s failed", iconBad, filepath.Base(w.path), n, text.Plural(n, "expectation", "expectations"))
	}
}

// SetSize gives the problems the lines they need, up to a third of the
// screen, and the player the rest.
func (w *watched) SetSize(width, h int) {
	w.w, w.h = width, h
	w.lesson.SetSize(width, max(h-len(w.problemLines()), 0))
}

// problemLines are the problems as drawn: the head, then each problem
// wrapped, as many whole problems as fit in a third of the height, and a
// line saying how many more there are and which command lists them all.
func (w *watched) problemLines() []string {
	if w.head == "" || w.w <= 0 {
		return nil
	}
	lines := strings.Split(wrap(w.head, w.w), "\n")
	limit := max(w.h/3, len(lines)+1)
	for i, p := range w.problems {
		pl := strings.Split(hang(p, w.w, "    "), "\n")
		last := i == len(w.problems)-1
		if room := limit - len(lines); len(pl) > room || (!last && len(pl) == room) {
			more := len(w.problems) - i
			lines = append(lines, fmt.Sprintf("  … %d more: tokensim %s %s", more, w.lists, w.path))
			break
		}
		lines = append(lines, pl...)
	}
	return lines
}

// View draws the problems above the player.
func (w *watched) View() string {
	lines := w.problemLines()
	if len(lines) == 0 {
		return w.lesson.View()
	}
	for i, l := range lines {
		lines[i] = w.st.Bad.Render(clampBlock(l, w.w, 1))
	}
	return strings.Join(lines, "\n") + "\n" + w.lesson.View()
}
