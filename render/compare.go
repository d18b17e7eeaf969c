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
// the attacker.
func WriteComparison(w io.Writer, c *scenarios.Comparison) error {
	fmt.Fprintf(w, "%s under %s\n\n", c.Scenario.ID, strings.Join(c.Presets, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "step\t\taction\t%s\n", strings.Join(c.Presets, "\t"))
	anyDiffer := false
	triesRefresh, forges := false, 0
	for _, st := range c.Scenario.Steps {
		switch {
		case st.Do == "attacker.refresh" || (st.Do == "steal" && st.Params["token"] == "refresh"):
			triesRefresh = true
		case st.Do == "attacker.forge":
			forges++
		}
	}
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
	fmt.Fprintln(w, "\nThe attacker, per preset:")
	// Names padded to the longest plus one, so that at least two spaces
	// part every name from its summary (node-oidc-provider is long).
	width := 0
	for _, p := range c.Presets {
		width = max(width, len(p)+1)
	}
	for j, r := range c.Runs {
		end := r.Steps[len(r.Steps)-1].Snapshot
		held := false
		for _, s := range r.Steps {
			held = held || s.Snapshot.Attacker.HoldsRefresh
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
			fmt.Fprintf(w, "  %-*s tried no refresh token in this lesson%s; at the end it %s\n", width, c.Presets[j], forged, end.Attacker.Summary)
		case !held:
			fmt.Fprintf(w, "  %-*s never held a refresh token (the preset gave the app none, or it stayed out of reach); at the end it %s\n", width, c.Presets[j], end.Attacker.Summary)
		case n > 0:
			fmt.Fprintf(w, "  %-*s refresh token stopped at step %d (+%s): %s; at the end it %s\n", width, c.Presets[j], n, text.FormatDuration(at.Sub(sim.Epoch())), what, end.Attacker.Summary)
		default:
			fmt.Fprintf(w, "  %-*s never stopped by the AS; at the end it %s\n", width, c.Presets[j], end.Attacker.Summary)
		}
	}
	return nil
}
