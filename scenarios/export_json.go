package scenarios

import (
	"encoding/json"
	"io"
	"time"

	"github.com/tokensim/tokensim/sim"
)

// JSONEvent is one line of `tokensim run --format json`. The schema is
// stable (docs/json-schema.md): fields are added, never renamed or removed.
// The first nine fields are always present, empty when they do not apply.
type JSONEvent struct {
	Scenario string    `json:"scenario"`
	Step     int       `json:"step"`
	Seq      int       `json:"seq"`
	Time     time.Time `json:"time"` // virtual, RFC 3339
	Kind     string    `json:"kind"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Status   int       `json:"status"`
	Error    string    `json:"error"`
	Reason   string    `json:"reason"`
	Token    string    `json:"token,omitempty"`
	Family   string    `json:"family,omitempty"`
	Summary  string    `json:"summary,omitempty"`
	// Only on kind "step.started".
	Title     string `json:"title,omitempty"`
	Action    string `json:"action,omitempty"`
	Narration string `json:"narration,omitempty"`
	// Only on kind "step.started" of a preset or --set run: what differs
	// from the lesson's own run (on a step that does), and the policy the
	// narration was written for, which is not this run's.
	Differs      []string `json:"differs,omitempty"`
	NarrationFor string   `json:"narration_for,omitempty"`
	// Only on kind "scenario.finished".
	OK       *bool    `json:"ok,omitempty"`
	Failures []string `json:"failures,omitempty"`
	// DifferingSteps are the steps that differ from the lesson's own run,
	// the count every front end reports (steps, not expectations).
	DifferingSteps []int `json:"differing_steps,omitempty"`
}

// Kinds the exporter adds to the engine's own.
const (
	KindStepStarted      = "step.started"
	KindScenarioFinished = "scenario.finished"
)

// WriteJSON writes the run as JSON lines: a step.started line before each
// step's events, each engine event, and a closing scenario.finished line.
func WriteJSON(w io.Writer, r *Run) error {
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
			if err := enc.Encode(jsonEvent(id, s.Index, e)); err != nil {
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

func jsonEvent(id string, step int, e sim.Event) JSONEvent {
	return JSONEvent{Scenario: id, Step: step, Seq: e.Seq, Time: e.Time, Kind: string(e.Kind),
		From: string(e.From), To: string(e.To), Method: e.Method, Path: e.Path, Status: e.Status,
		Error: e.Error, Reason: e.Reason, Token: e.Token, Family: e.Family, Summary: e.Summary}
}
