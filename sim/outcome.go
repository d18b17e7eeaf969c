package sim

import "net/http"

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
func (o Outcome) OK() bool { return o.Status >= 200 && o.Status < 300 && o.Error == "" }

// Local refusals: the actor did not even send a request.
const (
	ErrNoToken       = "no_token"       // the actor holds no token of the kind the action needs
	ErrUnreachable   = "unreachable"    // the attacker's position does not reach that token
	ErrStateMismatch = "state_mismatch" // the callback's state differs from the one the app stored
)

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

// outcomeOf builds the Outcome of the exchange that answered resp: the newest
// exchange actor started after event n with resp's method, target, status and
// (recorded) response body. Several tabs of one app share ActorApp and may
// talk at once (World.NewTab), so "the actor's last exchange" can be a
// sibling's: a tab refused with invalid_grant would then report the other
// tab's 200, keep a dead session and emit no session.ended. Matching the
// response keeps each caller's outcome its own; it falls back to
// outcomeSince when nothing matches.
func outcomeOf(l *Log, n int, actor Actor, resp *http.Response, body []byte) Outcome {
	if resp != nil && resp.Request != nil {
		evs := l.Since(n)
		rb := clip(string(body))
		for i := len(evs) - 1; i >= 0; i-- {
			e := evs[i]
			if e.Kind != KindExchange || e.From != actor || e.Exchange == nil {
				continue
			}
			if e.Status == resp.StatusCode && e.Method == resp.Request.Method &&
				e.Exchange.Request.Target == resp.Request.URL.RequestURI() && e.Exchange.Response.Body == rb {
				return Outcome{Status: e.Status, Error: e.Error, Reason: e.Reason, Token: e.Token}
			}
		}
	}
	return outcomeSince(l, n, actor)
}
