package render

import (
	"encoding/json"
	"io"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// WriteJSON writes the run as JSON lines: a step.started line before each
// step's events, each engine event, and a closing scenario.finished line.
func WriteJSON(w io.Writer, r *scenarios.Run) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	id := r.Scenario.ID
	now := sim.Epoch()
	for _, s := range r.Steps {
		start := JSONEvent{Scenario: id, Step: s.Index, Time: now, Kind: KindStepStarted,
			Title: s.Step.Title, Action: s.Step.Do, Narration: s.Text.Narration}
		if d, ok := r.Difference(s.Index); ok {
			start.Differs, start.NarrationFor = d.What, "the lesson's own policy ("+r.LessonPolicy()+"), not this run"
		} else if r.Lesson != nil {
			start.NarrationFor = "the lesson's own policy (" + r.LessonPolicy() + "); this step turned out the same under this one"
		}
		if err := enc.Encode(start); err != nil {
			return err
		}
		for _, e := range s.Events {
			if err := enc.Encode(EventJSON(id, s.Index, e)); err != nil {
				return err
			}
		}
		now = s.Snapshot.Time
	}
	ok := r.OK()
	fin := JSONEvent{Scenario: id, Time: now, Kind: KindScenarioFinished, OK: &ok}
	for _, f := range r.Failures() {
		fin.Failures = append(fin.Failures, f.String())
	}
	for _, d := range r.Differences() {
		fin.DifferingSteps = append(fin.DifferingSteps, d.Step)
	}
	return enc.Encode(fin)
}

// EventJSON is the one JSON form of an engine event: the line `run
// --format json` writes for it (docs/json-schema.md), given its context,
// the scenario's id and the step it belongs to (1-based). Serve's live
// JSON log is the same stream with scenario "serve" and step 0, so it
// calls EventJSON("serve", 0, e) rather than copying the fields itself.
func EventJSON(scenario string, step int, e sim.Event) JSONEvent {
	return JSONEvent{Scenario: scenario, Step: step, Seq: e.Seq, Time: e.Time, Kind: string(e.Kind),
		From: string(e.From), To: string(e.To), Method: e.Method, Path: e.Path, Status: e.Status,
		Error: e.Error, Reason: e.Reason, Token: e.Token, Family: e.Family, Summary: e.Summary}
}
