package render

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/tokensim/tokensim/internal/text"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// WriteJSON writes the run as JSON lines: a step.started line before each
// step's events, each engine event, and a closing scenario.finished line.
func WriteJSON(w io.Writer, r *scenarios.Run) error { return WriteJSONWith(w, r, JSONOptions{}) }

// JSONOptions are the choices of `run --format json`.
type JSONOptions struct {
	// Exchanges adds each exchange's full request and response (headers
	// and bodies) to its line (`--exchanges`; docs/json-schema.md).
	Exchanges bool
}

// WriteJSONWith is WriteJSON with options.
func WriteJSONWith(w io.Writer, r *scenarios.Run, opt JSONOptions) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	id := r.Scenario.ID
	now := sim.Epoch()
	for _, s := range r.Steps {
		start := JSONEvent{Scenario: id, Step: s.Index, Time: now, Kind: KindStepStarted,
			Title: s.Step.Title, Action: s.Step.Do, Narration: text.Unfold(s.Text.Narration)}
		if d, ok := r.Difference(s.Index); ok {
			start.Differs, start.NarrationFor = d.What, "the lesson's own policy ("+r.LessonPolicy()+"), not this run"
		} else if r.Lesson != nil {
			start.NarrationFor = "the lesson's own policy (" + r.LessonPolicy() + "); this step turned out the same under this one"
		}
		if err := enc.Encode(start); err != nil {
			return err
		}
		for _, e := range s.Events {
			line := EventJSON(id, s.Index, e)
			if opt.Exchanges && e.Exchange != nil {
				line.Request, line.Response = exchangeJSON(*e.Exchange)
			}
			if err := enc.Encode(line); err != nil {
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

// exchangeJSON is an exchange's request and response as --exchanges
// writes them. The URL is https: the world's hosts are served over https
// (sim.Issuer, sim.AppOrigin), as in the HAR export.
func exchangeJSON(x sim.Exchange) (*JSONRequest, *JSONResponse) {
	req := &JSONRequest{Method: x.Request.Method, URL: "https://" + x.Request.Host + x.Request.Target,
		Headers: headersJSON(x.Request.Header), Body: x.Request.Body}
	resp := &JSONResponse{Status: x.Response.Status, Headers: headersJSON(x.Response.Header), Body: x.Response.Body}
	return req, resp
}

// headersJSON is a header map that encodes as {} when empty, never null,
// each name spelled as its specification spells it (text.HeaderName: DPoP,
// not Go's Dpop), as the HTTP tab and the HAR export write them.
func headersJSON(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, v := range h {
		out[text.HeaderName(k)] = v
	}
	return out
}

// EventJSON is the one JSON form of an engine event: the line `run
// --format json` writes for it (docs/json-schema.md), given its context,
// the scenario's id and the step it belongs to (1-based). Serve's live
// JSON log is the same stream with scenario "serve" and step 0, so it
// calls EventJSON("serve", 0, e) rather than copying the fields itself.
func EventJSON(scenario string, step int, e sim.Event) JSONEvent {
	return JSONEvent{Scenario: scenario, Step: step, Seq: e.Seq, Time: e.Time, Kind: string(e.Kind),
		From: string(e.From), To: string(e.To), Method: e.Method, Path: e.Path, Status: e.Status,
		Error: e.Error, Reason: e.Reason, Token: e.Token, Family: e.Family, Summary: e.Summary, Tab: e.Tab}
}
