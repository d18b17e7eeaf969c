package render

import "time"

// JSONEvent is one line of `tokensim run --format json`. The schema is
// stable (docs/json-schema.md): fields are added, never renamed or removed.
// The first twelve fields (scenario to reason) are always present, empty when they do not apply.
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
	// Tab is, on an exchange one tab of a race sent, that tab (1 is the
	// app itself); absent otherwise.
	Tab int `json:"tab,omitempty"`
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
	// Only on kind "exchange", with --exchanges: the full messages.
	Request  *JSONRequest  `json:"request,omitempty"`
	Response *JSONResponse `json:"response,omitempty"`
}

// JSONRequest is an exchange's request as it crossed the wire: headers by
// canonical name, each with its values in order; the body as sent (cut
// after 64 KiB with "…(truncated)").
type JSONRequest struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
}

// JSONResponse is an exchange's response, as JSONRequest.
type JSONResponse struct {
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
}

// Kinds the exporter adds to the engine's own.
const (
	KindStepStarted      = "step.started"
	KindScenarioFinished = "scenario.finished"
)
