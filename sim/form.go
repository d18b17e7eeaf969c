package sim

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// form is a parsed application/x-www-form-urlencoded body in which every
// parameter appears at most once (RFC 6749 §3.1, §3.2).
type form map[string]string

// get returns the parameter, "" when absent. §3.1: "Parameters sent without
// a value MUST be treated as if they were omitted from the request."
func (f form) get(k string) string { return f[k] }

var errTooLarge = errors.New("request body too large")

// maxFormFields is the most parameters a query or form body may carry:
// net/url's own default limit (url.ParseQuery refuses more, GODEBUG
// urlmaxqueryparams), checked here first so that the answer says what is
// wrong instead of "not valid form encoding".
const maxFormFields = 10_000

// errTooManyFields is a query or body with more than maxFormFields fields.
var errTooManyFields = fmt.Errorf("more than %d form fields", maxFormFields)

// fieldLimit refuses a query or form body (what names it in the error)
// with more than maxFormFields fields, counted as net/url counts them.
func fieldLimit(s, what string) error {
	if n := strings.Count(s, "&") + 1; n > maxFormFields {
		return fmt.Errorf("%w: the %s has %d", errTooManyFields, what, n)
	}
	return nil
}

// parseFields decodes a query or form body within fieldLimit.
func parseFields(s, what string) (url.Values, error) {
	if err := fieldLimit(s, what); err != nil {
		return nil, err
	}
	vals, err := url.ParseQuery(s)
	if err != nil {
		return nil, fmt.Errorf("the %s is not valid form encoding", what)
	}
	return vals, nil
}

// parsePostForm enforces the token endpoint's request rules: POST only
// (405 otherwise: sim policy), a form-encoded body (§3.2), at most 1 MiB,
// no repeated parameter. It writes the error response itself and returns
// false when the request cannot go on.
func parsePostForm(w http.ResponseWriter, r *http.Request) (form, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		noStore(w)
		noteOf(r).reason = r.Method + " is not allowed here: this endpoint takes POST only"
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": CodeInvalidRequest, "error_description": "use POST"})
		return nil, false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, r, newErr(400, CodeInvalidRequest, "the body must be application/x-www-form-urlencoded (RFC 6749 section 3.2)"))
		return nil, false
	}
	f, err := readForm(w, r)
	if errors.Is(err, errTooLarge) {
		noStore(w)
		noteOf(r).reason = "the request body is larger than 1 MiB"
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": CodeInvalidRequest, "error_description": "body too large"})
		return nil, false
	}
	if err != nil {
		writeOAuthError(w, r, newErr(400, CodeInvalidRequest, err.Error()))
		return nil, false
	}
	return f, true
}

// readForm reads and decodes a form body of at most MaxBodyBytes.
func readForm(w http.ResponseWriter, r *http.Request) (form, error) {
	vals, err := readValues(w, r)
	if err != nil {
		return nil, err
	}
	return singleValued(vals)
}

// readValues reads a form body of at most MaxBodyBytes, keeping every
// value of every parameter.
func readValues(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if r.Body == nil {
		// No body at all: a request made with http.NewRequest(…, nil) and
		// handed to ServeHTTP directly. Servers always set one, but a
		// handler must not crash on it: it is an empty form.
		return url.Values{}, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return parseFields(string(body), "body")
}

// errRepeated names, sorted, the parameters a request sent more than once.
type errRepeated []string

func (e errRepeated) Error() string {
	if len(e) == 1 {
		return "parameter " + e[0] + " is repeated"
	}
	return "parameters " + strings.Join(e, ", ") + " are repeated"
}

// singleValued flattens vals, dropping empty values (RFC 6749 §3.1: a
// parameter sent without a value is treated as omitted, so it cannot make
// another one "repeated") and refusing repeated parameters (§3.1, §3.2). On
// errRepeated the form still holds every parameter that was not repeated, so
// that the authorization endpoint can tell whether it may redirect
// (§4.1.2.1).
func singleValued(vals url.Values) (form, error) {
	f := form{}
	var rep errRepeated
	for k, vs := range vals {
		var set []string
		for _, v := range vs {
			if v != "" {
				set = append(set, v)
			}
		}
		switch {
		case len(set) > 1:
			rep = append(rep, k)
		case len(set) == 1:
			f[k] = set[0]
		}
	}
	if rep != nil {
		slices.Sort(rep)
		return f, rep
	}
	return f, nil
}

// getOrPost answers 405 with an Allow header, and the reason given, unless
// r is a GET or a POST: the endpoints a browser reaches both ways
// (/authorize, RFC 6749 §3.1; /end_session, RP-Initiated Logout 1.0 §2).
func getOrPost(w http.ResponseWriter, r *http.Request, reason string) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodPost {
		return true
	}
	w.Header().Set("Allow", "GET, POST")
	noteOf(r).reason = reason
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// pooledParams is the query's parameters and, for a form POST, the body's,
// in one set: pooled before the repetition check, so that a parameter sent
// in both counts as repeated (RFC 6749 §3.1). A body over the limit is
// answered 413 here (ok false); any other body error is returned for the
// caller to report or ignore.
func pooledParams(w http.ResponseWriter, r *http.Request) (vals url.Values, bodyErr error, ok bool) {
	// Not r.URL.Query(), which would drop a query over the field limit
	// without a word: the request would then look as if it had no client_id.
	if bodyErr = fieldLimit(r.URL.RawQuery, "query"); bodyErr == nil {
		vals = r.URL.Query() // the parameters that parse, as before
	}
	if bodyErr == nil && r.Method == http.MethodPost {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
			var body url.Values
			body, bodyErr = readValues(w, r)
			for k, vs := range body {
				vals[k] = append(vals[k], vs...)
			}
		}
	}
	switch {
	case errors.Is(bodyErr, errTooLarge):
		noteOf(r).reason = "the request body is larger than 1 MiB"
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, bodyErr, false
	case errors.Is(bodyErr, errTooManyFields):
		// Like a body over the size limit, answered here: which client
		// and redirect URI it names cannot be trusted to be all it says.
		noteOf(r).reason = bodyErr.Error()
		http.Error(w, "request refused: "+bodyErr.Error(), http.StatusBadRequest)
		return nil, bodyErr, false
	}
	return vals, bodyErr, true
}
