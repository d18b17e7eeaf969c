package scenarios

import (
	"fmt"
	"io"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// TextOptions shapes the text transcript.
type TextOptions struct {
	Color bool // ANSI colour; only for terminals, never with NO_COLOR
	Width int  // wrap narration at this width; 0 means 80
}

// WriteText writes a readable transcript for terminals and projectors.
// Nothing depends on colour: statuses are spelled out and marks are
// characters.
func WriteText(w io.Writer, r *Run, opt TextOptions) error {
	if opt.Width <= 0 {
		opt.Width = 80
	}
	p := &printer{w: w, color: opt.Color}
	sc := r.Scenario
	p.line(p.bold(sc.ID+" — "+sc.Title), "")
	p.line(sc.Summary)
	p.line(fmt.Sprintf("preset %s · %s client · seed %d", r.Preset, clientName(sc), r.Options.Seed))
	for _, s := range r.Steps {
		p.line()
		t := s.Snapshot.Time
		p.line(p.bold(fmt.Sprintf("Step %d/%d  %s", s.Index, len(r.Steps), stepTitle(s.Step))) +
			fmt.Sprintf("   [%s, +%s]", t.Format("Jan 2 15:04:05"), sim.FormatDuration(t.Sub(sim.Epoch()))))
		for _, l := range wrap(s.Step.Narration, opt.Width-2) {
			p.line("  " + l)
		}
		if q := s.Step.Quiz; q != nil {
			p.hanging("  ? ", "    ", q.Question, opt.Width)
			for i, o := range q.Options {
				mark := " "
				if i+1 == q.Answer {
					mark = "✓"
				}
				p.hanging(fmt.Sprintf("    %s %d. ", mark, i+1), "         ", o, opt.Width)
			}
			for _, l := range wrap(q.Explain, opt.Width-4) {
				p.line("    " + l)
			}
		}
		// An exchange made while another was being answered (the API
		// fetching keys during a call) is indented under it with ↳: it
		// happened before that call's response, whatever the line order.
		var nest sim.Nesting
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
		if len(s.Failures) == 0 && s.Step.Expect != nil {
			p.line("  " + p.green("✓ expectations held"))
		}
		for _, f := range s.Failures {
			p.line("  " + p.red("✗ "+f.Key+": expected "+f.Expected+", got "+f.Got))
		}
	}
	p.line()
	if r.OK() {
		p.line(p.green("All expectations held."))
	} else {
		p.line(p.red(fmt.Sprintf("%d expectation(s) failed.", len(r.Failures()))))
	}
	return p.err
}

func clientName(sc *Scenario) string {
	if sc.Topology == string(sim.TopologyFirstParty) {
		return "first-party"
	}
	if sc.Client == string(sim.KindWeb) {
		return "confidential web"
	}
	return "single-page app"
}

func stepTitle(st *Step) string {
	if st.Title != "" {
		return st.Title
	}
	return st.Do
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
	return "• " + string(e.Kind) + ": " + eventText(e)
}

// eventText is a state change in words: the cause first, then what it did.
func eventText(e sim.Event) string {
	switch {
	case e.Reason == "":
		return e.Summary
	case e.Summary == "":
		return e.Reason
	}
	return e.Reason + "; " + e.Summary
}

func (p *printer) status(code int, errCode string) string {
	s := fmt.Sprintf("%d %s", code, statusWord(code))
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

func statusWord(code int) string {
	switch code {
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 204:
		return "No Content"
	case 302:
		return "Found"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 413:
		return "Content Too Large"
	}
	return ""
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
func (p *printer) hanging(first, rest, text string, width int) {
	for i, l := range wrap(text, width-len([]rune(rest))) {
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

// wrap breaks text into lines of at most width runes, keeping paragraphs.
func wrap(text string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		words := strings.Fields(para)
		line := ""
		for _, w := range words {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, line)
		}
		out = append(out, "")
	}
	if len(out) > 0 {
		out = out[:len(out)-1]
	}
	return out
}

// localOutcome describes a refusal that happened without any exchange (the
// app had no token, the attacker's position did not reach one), which the
// events alone would leave unsaid. It is "" when the step made a request or
// the refusal was already told as an event.
func localOutcome(s StepResult) string {
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
