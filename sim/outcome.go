package sim

import (
	"context"
	"io"
	"net/http"
)

// Outcome is what an action amounted to, for scenarios to check and
// transcripts to show: the HTTP status of the last exchange the action made,
// the protocol's error code, and the engine's reason in words.
type Outcome struct {
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`  // OAuth / RFC 6750 error code, or a tokensim code for local refusals
	Reason string `json:"reason,omitempty"` // why, in words
	Token  string `json:"token,omitempty"`  // label of the token concerned
}

// OK reports whether the action succeeded.
// An action that sent no request (a theft, a clock jump) has no status and
// succeeded when it has no error.
func (o Outcome) OK() bool {
	return o.Error == "" && (o.Status == 0 || o.Status >= 200 && o.Status < 300)
}

// outcomeSince builds the Outcome of the last exchange actor started after
// event n.
func outcomeSince(l *Log, n int, actor Actor) Outcome {
	evs := l.Since(n)
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.Kind == KindExchange && e.From == actor {
			return Outcome{Status: e.Status, Error: e.Error, Reason: e.Reason, Token: e.Token}
		}
	}
	return Outcome{}
}

// send performs req with hc and returns the response, its body (read, at
// most MaxBodyBytes, and closed) and the Outcome of exactly this exchange:
// the wire reports which event the request became, so that a tab's outcome
// is never a sibling tab's, however the requests interleave.
func (e *env) send(hc *http.Client, req *http.Request) (*http.Response, []byte, Outcome) {
	seq := new(int)
	resp, err := hc.Do(req.WithContext(context.WithValue(req.Context(), receiptKey{}, seq)))
	if err != nil {
		return nil, nil, Outcome{Error: "transport", Reason: err.Error()}
	}
	body := readAll(resp)
	if ev, ok := e.log.at(*seq); ok && ev.Kind == KindExchange {
		return resp, body, Outcome{Status: ev.Status, Error: ev.Error, Reason: ev.Reason, Token: ev.Token}
	}
	// Not on the wire (a real socket): the answer itself is all there is.
	return resp, body, Outcome{Status: resp.StatusCode, Error: errorCodeOf(resp.Header, body)}
}

// readAll reads and closes r's body (at most MaxBodyBytes).
func readAll(r *http.Response) []byte {
	b, _ := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
	_, _ = io.Copy(io.Discard, r.Body)
	_ = r.Body.Close()
	return b
}
