package tui

// The stepper's header line: the step, the virtual time, the preset, the
// quiz score, autoplay and any departure from the lesson's own run.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
)

func (s *stepper) header() string {
	t := &s.tl
	now := t.snapshot().Time
	parts := []string{
		fmt.Sprintf("step %d/%d", t.cur+1, len(t.steps)),
		// Time since the run began: Epoch for lessons, the start of
		// `tokensim serve` for its live view (whose clock is wall time).
		fmt.Sprintf("%s %s (+%s)", iconTime, text.FormatTime(now, t.initial.Time), text.FormatDuration(now.Sub(t.initial.Time).Truncate(time.Second))),
		"preset " + t.preset,
	}
	switch right, answered, total := t.score(); {
	case answered > 0:
		parts = append(parts, fmt.Sprintf("quiz %d of %d right", right, answered))
	case total > 0:
		parts = append(parts, "no quiz answered") // not "quiz 0 of 0 right"
	}
	if s.auto {
		parts = append(parts, fmt.Sprintf("▶ autoplay %s", speeds[s.speed]))
	}
	// A run that departs from the lesson's own says so for as long as it
	// is shown, and names the steps (the count `run` and the exports
	// give: scenarios.Run.Differences).
	mark := ""
	if s.whatIf != "" {
		mark = " what-if"
	}
	if ds := t.run.Differences(); len(ds) > 0 {
		if mark != "" {
			mark += ":"
		}
		if len(ds) == 1 {
			mark += " step " + scenarios.DifferingSteps(ds) + " differs"
		} else {
			mark += " steps " + scenarios.DifferingSteps(ds) + " differ"
		}
	}
	if mark != "" {
		parts = append(parts, s.st.Changed.Render(iconChanged+mark))
	}
	if s.status != "" {
		parts = append(parts, s.st.Status.Render(s.status))
	}
	// The title goes last on narrow screens, where the line is cut: the
	// step and the clock matter more than a title the picker showed. On
	// wide ones it goes first only if the whole line fits: first, it cut
	// the status off at 120-160 columns.
	title := s.st.Title.Render(t.title)
	if s.w >= 120 {
		if line := strings.Join(append([]string{title}, parts...), " · "); ansi.StringWidth(line) <= s.w {
			return line
		}
	}
	// The status answers the last key (why a step was refused, where an
	// export went, which steps a what-if changed); last, it was cut off
	// below about 110 columns. When the line is too long it comes before
	// the clock and the preset, which the next key shows again. (Exactly w
	// cells is too long: the title follows, and cutting it takes the last
	// cell of the status for "…".)
	if s.status != "" && ansi.StringWidth(strings.Join(parts, " · ")) >= s.w {
		parts = slices.Concat(parts[:1], parts[3:], parts[1:3])
	}
	return strings.Join(append(parts, title), " · ")
}
