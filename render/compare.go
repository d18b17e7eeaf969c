package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// outcomeCell is a step's outcome in a comparison table.
func outcomeCell(s scenarios.StepResult) string {
	o := s.Outcome
	switch {
	case o.Status == 0 && o.Error == "" && (s.Step.Do == "advance" || s.Step.Do == "set"):
		return "—"
	case o.Status == 0 && o.Error == "":
		return "ok" // done without an HTTP request: a theft, an admin revoke
	case o.Error != "":
		if o.Status == 0 {
			return o.Error
		}
		return fmt.Sprintf("%d %s", o.Status, o.Error)
	}
	return fmt.Sprint(o.Status)
}

// refreshStopped finds the first attacker refresh the AS refused, and when:
// the moment the stolen refresh token stopped minting access tokens.
func refreshStopped(r *scenarios.Run) (int, string, time.Time) {
	for _, s := range r.Steps {
		if s.Step.Do == "attacker.refresh" && s.Outcome.Status != 0 && !s.Outcome.OK() {
			return s.Index, s.Step.Do + " → " + outcomeCell(s), s.Snapshot.Time
		}
	}
	return 0, "", time.Time{}
}

// WriteComparison prints the steps side by side, marking with * the steps
// whose outcome differs between presets, then says where each preset stopped
// the attacker. It is WriteComparisonWidth with no width limit.
func WriteComparison(w io.Writer, c *scenarios.Comparison) error {
	return writeWide(w, c)
}

// WriteComparisonWidth prints the comparison to fit width terminal cells:
// the wide table (a column per preset) when it fits, else a layout that
// fits any width from 40: each step on its own line with its outcomes,
// each outcome followed by the presets that had it, wrapped, and the
// attacker's summaries wrapped too. width 0 means no limit (the wide
// table).
func WriteComparisonWidth(w io.Writer, c *scenarios.Comparison, width int) error {
	var wide strings.Builder
	if err := writeWide(&wide, c); err != nil {
		return err
	}
	if width <= 0 || maxWidth(wide.String()) <= width {
		_, err := io.WriteString(w, wide.String())
		return err
	}
	return writeNarrow(w, c, width)
}

// maxWidth is the width of the widest line of s, in cells.
func maxWidth(s string) int {
	n := 0
	for l := range strings.SplitSeq(s, "\n") {
		n = max(n, text.Width(l))
	}
	return n
}

// writeNarrow is the comparison grouped by outcome, for a narrow terminal.
func writeNarrow(w io.Writer, c *scenarios.Comparison, width int) error {
	var b strings.Builder
	b.WriteString(text.Wrap(c.Scenario.ID+" under "+strings.Join(c.Presets, ", "), width) + "\n\n")
	anyDiffer := false
	for i, st := range c.Scenario.Steps {
		var order []string
		by := map[string][]string{}
		for j, r := range c.Runs {
			cell := outcomeCell(r.Steps[i])
			if _, seen := by[cell]; !seen {
				order = append(order, cell)
			}
			by[cell] = append(by[cell], c.Presets[j])
		}
		mark := " "
		if len(order) > 1 {
			mark, anyDiffer = "*", true
		}
		fmt.Fprintf(&b, "%2d %s %s\n", i+1, mark, st.Do)
		switch {
		case len(order) == 1 && order[0] == "—":
			// advance, set: nothing to compare
		case len(order) == 1:
			b.WriteString("     " + text.Hang(order[0]+" under every preset", width-5, "       ") + "\n")
		default:
			for _, cell := range order {
				b.WriteString("     " + text.Hang(cell+": "+strings.Join(by[cell], ", "), width-5, "       ") + "\n")
			}
		}
	}
	if anyDiffer {
		b.WriteString("\n" + text.Wrap("* the outcome differs between presets", width) + "\n")
	} else {
		b.WriteString("\n" + text.Wrap("Every step has the same outcome under every preset.", width) + "\n")
	}
	if c.Architectures != nil {
		b.WriteString("\n" + text.Wrap(archHeading(c), width) + "\n")
		for j := range c.Runs {
			b.WriteString("  " + c.Presets[j] + "\n")
			for k, s := range c.Architectures {
				b.WriteString("    " + text.Hang(s.Architecture()+": "+attackerSummary(c, c.ByArchitecture[j][k]), width-4, "      ") + "\n")
			}
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("\nThe attacker, per preset:\n")
	for j, r := range c.Runs {
		b.WriteString("  " + text.Hang(c.Presets[j]+": "+attackerSummary(c, r), width-2, "    ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeWide(w io.Writer, c *scenarios.Comparison) error {
	fmt.Fprintf(w, "%s under %s\n\n", c.Scenario.ID, strings.Join(c.Presets, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "step\t\taction\t%s\n", strings.Join(c.Presets, "\t"))
	anyDiffer := false
	for i, st := range c.Scenario.Steps {
		cells := make([]string, len(c.Runs))
		differ := false
		for j, r := range c.Runs {
			cells[j] = outcomeCell(r.Steps[i])
			if cells[j] != cells[0] {
				differ = true
			}
		}
		mark := ""
		if differ {
			mark, anyDiffer = "*", true
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, mark, st.Do, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if anyDiffer {
		fmt.Fprintln(w, "\n* the outcome differs between presets")
	} else {
		fmt.Fprintln(w, "\nEvery step has the same outcome under every preset.")
	}
	if c.Architectures != nil {
		fmt.Fprintln(w, "\n"+archHeading(c))
		archWidth := 0
		for _, s := range c.Architectures {
			archWidth = max(archWidth, len(s.Architecture())+1)
		}
		for j := range c.Runs {
			fmt.Fprintf(w, "  %s\n", c.Presets[j])
			for k, s := range c.Architectures {
				fmt.Fprintf(w, "    %-*s %s\n", archWidth, s.Architecture(), attackerSummary(c, c.ByArchitecture[j][k]))
			}
		}
		return nil
	}
	fmt.Fprintln(w, "\nThe attacker, per preset:")
	// Names padded to the longest plus one, so that at least two spaces
	// part every name from its summary (node-oidc-provider is long).
	width := 0
	for _, p := range c.Presets {
		width = max(width, len(p)+1)
	}
	for j, r := range c.Runs {
		fmt.Fprintf(w, "  %-*s %s\n", width, c.Presets[j], attackerSummary(c, r))
	}
	return nil
}

// archHeading introduces the attacker per preset and browser
// architecture, naming the lesson's own.
func archHeading(c *scenarios.Comparison) string {
	own := c.Runs[0].World.App().Storage()
	if c.Runs[0].Lesson != nil {
		own = c.Runs[0].Lesson.World.App().Storage()
	}
	return "The attacker, per preset and browser architecture (the same injected script; the lesson's own: " + own.Architecture() + "):"
}

// attackerSummary says where the preset's run stopped the attacker, and
// what the attacker holds at the end (the engine's summary).
func attackerSummary(c *scenarios.Comparison, r *scenarios.Run) string {
	triesRefresh, usesRefresh, forges := false, false, 0
	for _, st := range c.Scenario.Steps {
		switch {
		case st.Do == "attacker.refresh" || (st.Do == "steal" && st.Params["token"] == "refresh"):
			triesRefresh = true
			usesRefresh = usesRefresh || st.Do == "attacker.refresh"
		case st.Do == "attacker.forge":
			forges++
		}
	}
	end := r.Steps[len(r.Steps)-1].Snapshot
	held, issued := false, false
	for _, s := range r.Steps {
		held = held || s.Snapshot.Attacker.HoldsRefresh
		for _, t := range s.Snapshot.Tokens {
			issued = issued || t.Kind == "refresh" && t.Holder != sim.ActorAttacker
		}
	}
	forged := ""
	if forges > 0 {
		in := 0
		for i, st := range c.Scenario.Steps {
			if st.Do == "attacker.forge" && r.Steps[i].Outcome.OK() {
				in++
			}
		}
		forged = fmt.Sprintf("; %d of %d forged tokens got in", in, forges)
	}
	switch n, what, at := refreshStopped(r); {
	case !held && !triesRefresh:
		return fmt.Sprintf("tried no refresh token in this lesson%s; at the end it %s", forged, end.Attacker.Summary)
	case !held && !issued:
		return fmt.Sprintf("never held a refresh token: the app was issued none; at the end it %s", end.Attacker.Summary)
	case !held:
		// The engine's own words for the failed theft: "out of reach" is
		// not always a defence (memory: a script in the page can still
		// intercept the tokens).
		why := "the app's stayed out of its reach"
		for i, st := range c.Scenario.Steps {
			if o := r.Steps[i].Outcome; st.Do == "steal" && st.Params["token"] == string(sim.TokenRefresh) && !o.OK() && o.Reason != "" {
				why = o.Reason
				break
			}
		}
		return fmt.Sprintf("never held a refresh token: %s; at the end it %s", why, end.Attacker.Summary)
	case !usesRefresh:
		return fmt.Sprintf("held a refresh token it never uses in this lesson; at the end it %s", end.Attacker.Summary)
	case n > 0:
		return fmt.Sprintf("refresh token stopped at step %d (+%s): %s; at the end it %s", n, text.FormatDuration(at.Sub(sim.Epoch())), what, end.Attacker.Summary)
	}
	return fmt.Sprintf("never stopped by the AS; at the end it %s", end.Attacker.Summary)
}
