package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/tokensim/tokensim/scenarios"
)

func (e *env) list(args []string) int {
	fs := newFlags("list", "list [--json]", "  tokensim list\n  tokensim list --json | jq -r '.[].id'\n", e.stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tokensim list: unexpected argument %q\n", pos[0])
		return exitUsage
	}
	all, err := scenarios.Catalogue()
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim: the built-in catalogue is broken: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		type entry struct {
			ID      string   `json:"id"`
			Level   string   `json:"level"`
			Theme   string   `json:"theme"`
			Title   string   `json:"title"`
			Summary string   `json:"summary"`
			Goals   []string `json:"goals"`
			Steps   int      `json:"steps"`
		}
		out := []entry{}
		for _, sc := range all {
			out = append(out, entry{sc.ID, sc.Level, sc.Theme, sc.Title, sc.Summary, sc.Goals, len(sc.Steps)})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return exitFailed
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tTITLE\tSUMMARY")
	for _, sc := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sc.ID, sc.Level, sc.Title, sc.Summary)
	}
	if tw.Flush() != nil {
		return exitFailed
	}
	return exitOK
}
