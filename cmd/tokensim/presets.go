package main

import (
	"bytes"
	"fmt"
	"io"
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
	fs := newFlags("presets", "presets", "  tokensim presets\n"+
		"\nIn a terminal narrower than the tables, each preset takes a block of wrapped lines.\n"+
		"Off a terminal the tables are printed whatever their width; COLUMNS=80 asks for the blocks.\n", e.stderr)
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tokensim presets: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	var wide bytes.Buffer
	if err := presetsWide(&wide); err != nil {
		return 1
	}
	if e.width > 0 && widest(wide.String()) > e.width {
		presetsNarrow(e.stdout, e.width)
		return 0
	}
	_, _ = e.stdout.Write(wide.Bytes())
	return 0
}

// presetsWide is the presets as tables, a column per figure.
func presetsWide(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRESET\tACCESS\tREFRESH TOKEN\tROTATION")
	for _, p := range sim.Presets() {
		pol := p.Policy
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, text.FormatDuration(pol.AccessTTL), presetRefresh(pol), pol.DescribeRotation())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nREFRESH TOKEN is what the lessons' single-page app gets when it asks for offline_access.")
	fmt.Fprintln(w, "\nWhere a preset departs from its vendor, or a figure could not be verified:")
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
			fmt.Fprintf(w, "  %-*s  %s\n", width, name, n)
		}
	}
	fmt.Fprintln(w, "\nEach figure's source is cited in sim/preset.go and the README's preset table.")
	// The AS's sign-in session, a layer the token columns do not show
	// (curriculum idea 10), with each preset's source or its "unverified"
	// and "not modelled" labels, as sim states them.
	fmt.Fprintln(w, "\nAS session (session_idle / session_max / logout_revokes_refresh):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range sim.Presets() {
		pol := p.Policy
		fmt.Fprintf(tw, "  %s\t%s / %s / %v\t%s\n", p.Name, noLimit(pol.SessionIdle), noLimit(pol.SessionMax), pol.LogoutRevokesRefresh, p.Session)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return nil
}

// presetsNarrow is the same facts for a terminal narrower than the
// tables: a block per preset, every line wrapped to width.
func presetsNarrow(w io.Writer, width int) {
	hang := func(s, indent string) { fmt.Fprintln(w, indent+text.Hang(s, width-len(indent), indent+"  ")) }
	for i, p := range sim.Presets() {
		if i > 0 {
			fmt.Fprintln(w)
		}
		pol := p.Policy
		fmt.Fprintln(w, p.Name)
		hang("access: "+text.FormatDuration(pol.AccessTTL), "  ")
		hang("refresh token: "+presetRefresh(pol), "  ")
		hang("rotation: "+pol.DescribeRotation(), "  ")
		hang(fmt.Sprintf("AS session: %s / %s / %v, %s", noLimit(pol.SessionIdle), noLimit(pol.SessionMax), pol.LogoutRevokesRefresh, p.Session), "  ")
		for _, n := range p.Notes {
			hang("note: "+n, "  ")
		}
	}
	fmt.Fprintln(w)
	for _, l := range []string{
		"refresh token is what the lessons' single-page app gets when it asks for offline_access.",
		"AS session is session_idle / session_max / logout_revokes_refresh.",
		"Each figure's source is cited in sim/preset.go and the README's preset table.",
	} {
		fmt.Fprintln(w, text.Wrap(l, width))
	}
}

// presetRefresh is the refresh token a preset gives the lessons'
// single-page app, in the engine's words.
func presetRefresh(pol sim.Policy) string {
	if issue, _ := pol.IssuesRefresh(sim.KindSPA, true); !issue {
		return "none to a single-page app; web app: " + pol.DescribeRefresh(sim.KindWeb)
	}
	return pol.DescribeRefresh(sim.KindSPA)
}

// noLimit is a session lifetime, or "no limit" for 0 (the knob's meaning).
func noLimit(d time.Duration) string {
	if d == 0 {
		return "no limit"
	}
	return text.FormatDuration(d)
}
