package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// LogLine prints the live log: one readable line per event, or the JSON
// lines of `run --format json` (scenario "serve", step 0).
type LogLine struct {
	W    io.Writer
	JSON bool
}

// Print prints evs, one line each: a Follow callback.
func (s *LogLine) Print(evs []sim.Event) {
	for _, e := range evs {
		s.line(e)
	}
}

func (s *LogLine) line(e sim.Event) {
	if s.JSON {
		b, err := json.Marshal(scenarios.JSONEvent{Scenario: "serve", Seq: e.Seq, Time: e.Time, Kind: string(e.Kind),
			From: string(e.From), To: string(e.To), Method: e.Method, Path: e.Path, Status: e.Status,
			Error: e.Error, Reason: e.Reason, Token: e.Token, Family: e.Family, Summary: e.Summary})
		if err == nil {
			_, _ = s.W.Write(append(b, '\n'))
		}
		return
	}
	_, _ = io.WriteString(s.W, EventLine(e)+"\n")
}

// EventLine is one event as a line a person reads as it scrolls by.
func EventLine(e sim.Event) string {
	parts := []string{e.Time.UTC().Format("15:04:05")}
	if e.Kind == sim.KindExchange {
		parts = append(parts, fmt.Sprintf("%-4s → %-4s %s %s %d", e.From, e.To, e.Method, e.Path, e.Status))
		if e.Error != "" {
			parts = append(parts, e.Error)
		}
	} else {
		parts = append(parts, string(e.Kind))
	}
	var ids []string
	for _, id := range []string{e.Token, e.Family} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		parts = append(parts, "["+strings.Join(ids, " ")+"]")
	}
	for _, t := range []string{e.Reason, e.Summary} {
		if t != "" && !slices.Contains(parts, t) {
			parts = append(parts, "- "+t)
			break
		}
	}
	return strings.Join(parts, "  ")
}
