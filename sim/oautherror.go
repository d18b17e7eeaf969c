package sim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// oauthError is a §5.2 error: the code the protocol defines, a short
// description for the wire, and the causal reason the learner is shown.
type oauthError struct {
	status int
	code   string
	desc   string // error_description: short, ASCII, no quotes (§5.2)
	reason string // the causal story, for the event log; defaults to desc
	token  string // label of the token concerned
	family string
}

func (e *oauthError) Error() string { return e.code + ": " + e.desc }

func newErr(status int, code, desc string) *oauthError {
	return &oauthError{status: status, code: code, desc: desc}
}

func (e *oauthError) because(reason string) *oauthError { e.reason = reason; return e }

func (e *oauthError) about(token, family string) *oauthError {
	e.token, e.family = token, family
	return e
}

// noStore sets the headers RFC 6749 §5.1 requires on every token-endpoint
// response, errors included (§5.2 refers back to them).
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(v)
	_, _ = w.Write(b)
}

// writeOAuthError answers with a §5.2 JSON error and records its reason.
func writeOAuthError(w http.ResponseWriter, r *http.Request, e *oauthError) {
	n := noteOf(r)
	n.err, n.reason, n.token, n.family = e.code, e.reason, e.token, e.family
	if n.reason == "" {
		n.reason = e.desc
	}
	noStore(w)
	if e.status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
		// §5.2: a client that tried the Authorization header gets the
		// scheme it used back in WWW-Authenticate.
		w.Header().Set("WWW-Authenticate", `Basic realm="tokensim"`)
	}
	writeJSON(w, e.status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description,omitempty"`
	}{e.code, errorDescription(e.desc)})
}

// errorDescription keeps only the characters §5.2 allows in
// error_description (%x20-21 / %x23-5B / %x5D-7E): no quote, no backslash,
// no non-ASCII. RFC 6750 §3 challenge parameters obey the same rule.
func errorDescription(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"' || r == '\\':
			return '\''
		case r < 0x20 || r > 0x7e:
			return -1
		}
		return r
	}, s)
}
