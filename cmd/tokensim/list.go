package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tokensim/tokensim/internal/text"

	"github.com/tokensim/tokensim/scenarios"
)

func (e *env) list(args []string) int {
	fs := newFlags("list", "list [--json]", "  tokensim list\n  tokensim list --json | jq -r '.[].id'\n"+
		"\nIn a terminal narrower than the table, each lesson takes a few lines (id and level,\n"+
		"then its title and summary, wrapped). Off a terminal the table is printed with full\n"+
		"lines whatever their width; COLUMNS=80 asks for the layout that fits 80 columns.\n", e.stderr)
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
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tTITLE\tSUMMARY")
	for _, sc := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sc.ID, sc.Level, sc.Title, sc.Summary)
	}
	if tw.Flush() != nil {
		return exitFailed
	}
	if e.width > 0 && widest(table.String()) > e.width {
		// Too wide for the terminal: a block per lesson, wrapped.
		table.Reset()
		for i, sc := range all {
			if i > 0 {
				table.WriteString("\n")
			}
			table.WriteString(text.Wrap(sc.ID+" ("+sc.Level+")", e.width) + "\n")
			for _, l := range text.Lines(sc.Title, e.width-2) {
				table.WriteString("  " + l + "\n")
			}
			for _, l := range text.Lines(sc.Summary, e.width-2) {
				table.WriteString("  " + l + "\n")
			}
		}
	}
	if _, err := e.stdout.Write(table.Bytes()); err != nil {
		return exitFailed
	}
	return exitOK
}

// widest is the width of the widest line of s, in terminal cells.
func widest(s string) int {
	n := 0
	for l := range strings.SplitSeq(s, "\n") {
		n = max(n, text.Width(l))
	}
	return n
}
