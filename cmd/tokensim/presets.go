package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// presets prints every preset's figures side by side, then the notes that
// say where a preset departs from its vendor or could not be verified. The
// words come from the engine (Policy.DescribeRefresh, DescribeRotation,
// Preset.Notes): a refresh lifetime is shown only for an app that gets a
// refresh token.
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
	fmt.Fprintln(tw, "PRESET\tACCESS\tREFRESH TOKEN\tROTATION")
	for _, p := range sim.Presets() {
		pol := p.Policy
		refresh := pol.DescribeRefresh(sim.KindSPA)
		if issue, _ := pol.IssuesRefresh(sim.KindSPA, true); !issue {
			refresh = "none to a single-page app; web app: " + pol.DescribeRefresh(sim.KindWeb)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, text.FormatDuration(pol.AccessTTL), refresh, pol.DescribeRotation())
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	fmt.Fprintln(e.stdout, "\nREFRESH TOKEN is what the lessons' single-page app gets when it asks for offline_access.")
	fmt.Fprintln(e.stdout, "\nWhere a preset departs from its vendor, or a figure could not be verified:")
	width := 0
	for _, p := range sim.Presets() {
		width = max(width, len(p.Name))
	}
	for _, p := range sim.Presets() {
		for i, n := range p.Notes {
			name := p.Name
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(e.stdout, "  %-*s  %s\n", width, name, n)
		}
	}
	fmt.Fprintln(e.stdout, "\nEach figure's source is cited in sim/preset.go and the README's preset table.")
	// The AS's sign-in session, a layer the token columns do not show
	// (curriculum idea 10), with each preset's source or its "unverified"
	// and "not modelled" labels, as sim states them.
	fmt.Fprintln(e.stdout, "\nAS session (session_idle / session_max / logout_revokes_refresh):")
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, p := range sim.Presets() {
		pol := p.Policy
		fmt.Fprintf(tw, "  %s\t%s / %s / %v\t%s\n", p.Name, noLimit(pol.SessionIdle), noLimit(pol.SessionMax), pol.LogoutRevokesRefresh, p.Session)
	}
	if err := tw.Flush(); err != nil {
		return 1
	}
	return 0
}

// noLimit is a session lifetime, or "no limit" for 0 (the knob's meaning).
func noLimit(d time.Duration) string {
	if d == 0 {
		return "no limit"
	}
	return text.FormatDuration(d)
}
