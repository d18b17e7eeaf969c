package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/tokensim/tokensim/sim"
)

// presets prints every preset's figures side by side.
func (e *env) presets(args []string) int {
	fs := newFlags("presets", "presets", "  tokensim presets\n", e.stderr)
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tokensim presets: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRESET\tACCESS\tREFRESH ABS\tREFRESH IDLE\tROTATION\tREUSE DETECTION\tGRACE\tSUMMARY")
	for _, p := range sim.Presets() {
		pol := p.Policy
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%v\t%s\t%s\n", p.Name, sim.FormatDuration(pol.AccessTTL),
			orNone(pol.RefreshAbsolute), orNone(pol.RefreshIdle), pol.Rotation, pol.ReuseDetection, sim.FormatDuration(pol.ReuseGrace), p.Summary)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	// The AS's sign-in session, a layer the token columns do not show
	// (curriculum idea 10), with each preset's source or its "unverified"
	// and "not modelled" labels, as sim states them.
	fmt.Fprintln(e.stdout, "\nAS session (session_idle / session_max / logout_revokes_refresh):")
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, p := range sim.Presets() {
		pol := p.Policy
		fmt.Fprintf(tw, "  %s\t%s / %s / %v\t%s\n", p.Name, orNone(pol.SessionIdle), orNone(pol.SessionMax), pol.LogoutRevokesRefresh, p.Session)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

func orNone(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return sim.FormatDuration(d)
}
