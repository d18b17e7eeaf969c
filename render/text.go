package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// TextOptions shapes the text transcript.
type TextOptions struct {
	Color bool // ANSI colour; only for terminals, never with NO_COLOR
	Width int  // wrap narration at this many terminal cells (text.Wrap); 0 means 80
}

// WriteText writes a readable transcript for terminals and projectors.
// Nothing depends on colour: statuses are spelled out and marks are
// characters.
func WriteText(w io.Writer, r *scenarios.Run, opt TextOptions) error {
	if opt.Width <= 0 {
		opt.Width = 80
	}
	p := &printer{w: w, color: opt.Color}
	sc := r.Scenario
	p.line(p.bold(sc.ID+" — "+sc.Title), "")
	p.line(sc.Summary)
	p.line(fmt.Sprintf("preset %s · %s client · seed %d", r.Preset, clientName(sc), r.Options.Seed) + r.Departures(" · "))
	diffs := r.Differences()
	if len(diffs) > 0 {
		for _, l := range text.Lines(r.DivergenceSummary(diffs)+". On those steps the run's account comes first; the lesson's narration and quiz follow, marked as written for its own policy.", opt.Width) {
			p.line(p.red(l))
		}
	}
	for _, s := range r.Steps {
		p.line()
		t := s.Snapshot.Time
		p.line(p.bold(fmt.Sprintf("Step %d/%d  %s", s.Index, len(r.Steps), s.Step.Heading())) +
			fmt.Sprintf("   [%s, +%s]", text.FormatDate(t, sim.Epoch()), text.FormatDuration(t.Sub(sim.Epoch()))))
		d, differs := r.Difference(s.Index)
		if differs {
			// The engine's account first: what happened here and why.
			p.events(s)
			p.hanging("  ≠ ", "    ", "This step differs from the lesson's own run: "+strings.Join(d.What, "; ")+".", opt.Width)
			p.hanging("  ", "  ", r.LessonNote()+":", opt.Width)
			for _, l := range text.Lines(s.Text.Narration, opt.Width-4) {
				p.line("    " + l)
			}
			p.quiz(s, opt.Width, "    ")
		} else {
			if n := r.SameNote(s); n != "" {
				p.hanging("  ", "  ", "("+n+".)", opt.Width)
			}
			for _, l := range text.Lines(s.Text.Narration, opt.Width-2) {
				p.line("  " + l)
			}
			p.quiz(s, opt.Width, "")
			p.events(s)
		}
		p.verdict(r, s)
	}
	p.line()
	switch {
	case len(diffs) > 0:
		p.line(p.red(r.DivergenceSummary(diffs) + "."))
	case r.OK() && r.Lesson != nil:
		p.line(p.green("Every step turned out as in the lesson's own run, and all its expectations held."))
	case r.OK():
		p.line(p.green("All expectations held."))
	default:
		p.line(p.red(fmt.Sprintf("%d expectation(s) failed.", len(r.Failures()))))
	}
	return p.err
}

// quiz writes a step's quiz with its answer marked; indent is added to
// every line (a differing step's lesson text is indented under its note).
func (p *printer) quiz(s scenarios.StepResult, width int, indent string) {
	q := s.Text.Quiz
	if q == nil {
		return
	}
	p.hanging(indent+"  ? ", indent+"    ", q.Question, width)
	for i, o := range q.Options {
		mark := " "
		if i+1 == q.Answer {
			mark = "✓"
		}
		p.hanging(fmt.Sprintf("%s    %s %d. ", indent, mark, i+1), indent+"         ", o, width)
	}
	for _, l := range text.Lines(q.Explain, width-4-len(indent)) {
		p.line(indent + "    " + l)
	}
}

// events writes what the step did: its exchanges and state changes, and a
// refusal made before anything was sent.
func (p *printer) events(s scenarios.StepResult) {
	// An exchange made while another was being answered (the API
	// fetching keys during a call) is indented under it with ↳: it
	// happened before that call's response, whatever the line order.
	var nest Nesting
	for _, e := range s.Events {
		_, depth := nest.Next(e)
		l := p.event(e)
		if l == "" {
			continue
		}
		indent := "  "
		if e.Kind == sim.KindExchange && depth > 0 {
			indent += strings.Repeat("  ", depth-1) + "  ↳ "
			l = strings.ReplaceAll(l, "\n      because", "\n"+strings.Repeat(" ", len(indent)+4)+"because")
		}
		p.line(indent + l)
	}
	if l := localOutcome(s); l != "" {
		p.line("  " + p.red("✗ "+l))
	}
}

// verdict writes the step's expectations: held, or each one that failed.
// Under a preset or a what-if they are the lesson's, written for its own
// policy, and the line says so (scenarios.Run.Verdict).
func (p *printer) verdict(r *scenarios.Run, s scenarios.StepResult) {
	if s.Step.Expect == nil {
		return
	}
	lines := r.Verdict(s)
	if r.Lesson == nil {
		lines = nil
		if len(s.Failures) == 0 {
			lines = append(lines, "✓ expectations held")
		}
		for _, f := range s.Failures {
			lines = append(lines, "✗ "+f.Key+": expected "+f.Expected+", got "+f.Got)
		}
	}
	for _, l := range lines {
		if len(s.Failures) == 0 {
			p.line("  " + p.green(l))
		} else {
			p.line("  " + p.red(l))
		}
	}
}

func clientName(sc *scenarios.Scenario) string {
	if sc.Topology == string(sim.TopologyFirstParty) {
		return "first-party"
	}
	if sc.Client == string(sim.KindWeb) {
		return "confidential web"
	}
	return "single-page app"
}

// event renders one event as a line; exchanges as arrows with their result.
func (p *printer) event(e sim.Event) string {
	switch e.Kind {
	case sim.KindExchange:
		s := fmt.Sprintf("%-11s → %-12s %s %s  %s", e.From.Title(), e.To.Title(), e.Method, e.Path, p.status(e.Status, e.Error))
		if e.Reason != "" {
			s += "\n      because " + e.Reason
		}
		return s
	case sim.KindClock:
		return "⏱ " + e.Summary
	}
	return "• " + string(e.Kind) + ": " + Account(e)
}

func (p *printer) status(code int, errCode string) string {
	s := fmt.Sprintf("%d %s", code, StatusWord(code))
	if errCode != "" {
		s += " " + errCode
	}
	switch {
	case code >= 200 && code < 400:
		return p.green(s)
	case code >= 400:
		return p.red(s)
	}
	return s
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) line(parts ...string) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintln(p.w, strings.Join(parts, ""))
}

// hanging writes text wrapped to width, the first line after first and the
// others indented by rest.
func (p *printer) hanging(first, rest, s string, width int) {
	for i, l := range text.Lines(s, width-len([]rune(rest))) {
		if i == 0 {
			p.line(first + l)
		} else {
			p.line(rest + l)
		}
	}
}

func (p *printer) ansi(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) bold(s string) string  { return p.ansi("1", s) }
func (p *printer) green(s string) string { return p.ansi("32", s) }
func (p *printer) red(s string) string   { return p.ansi("31", s) }

// localOutcome describes a refusal that happened without any exchange (the
// app had no token, the attacker's position did not reach one), which the
// events alone would leave unsaid. It is "" when the step made a request or
// the refusal was already told as an event.
func localOutcome(s scenarios.StepResult) string {
	o := s.Outcome
	if o.Error == "" || o.Status != 0 {
		return ""
	}
	for _, e := range s.Events {
		if e.Kind == sim.KindExchange || e.Reason == o.Reason {
			return ""
		}
	}
	return o.Error + ": " + o.Reason
}
