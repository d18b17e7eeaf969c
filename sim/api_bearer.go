package sim

import (
	"mime"
	"net/http"
	"strings"
)

// challenge is an RFC 6750 §3 WWW-Authenticate challenge.
type challenge struct {
	realm string
	err   string // "" for a request with no credentials at all (§3.1)
	desc  string
	scope string
}

// String formats the challenge. Each attribute appears at most once and
// error_description carries no quote or backslash (§3; checklist item 61).
func (c challenge) String() string {
	s := `Bearer realm="` + c.realm + `"`
	if c.err != "" {
		s += `, error="` + c.err + `"`
	}
	if c.desc != "" {
		s += `, error_description="` + errorDescription(c.desc) + `"`
	}
	if c.scope != "" {
		s += `, scope="` + c.scope + `"`
	}
	return s
}

// bearerFailure is why a request carried no usable bearer token.
type bearerFailure struct {
	status int    // 400 malformed, 401 missing
	desc   string // error_description, on the wire
	why    string // the learner's reason, when it says more than "malformed request: desc"
}

// queryTokenDesc and queryTokenWhy refuse an access token in the URL query.
// RFC 6750 §2.3 defines the access_token query parameter, but RFC 9700
// §4.3.2 says clients MUST NOT send access tokens in a URI query parameter:
// URLs end up in browser history, server and proxy logs and Referer headers,
// where anyone who reads them holds the token; OAuth 2.1 (draft-ietf-oauth-
// v2-1) omits the query method altogether. A resource server that
// accepts it silently teaches the opposite, so this API refuses it with
// invalid_request (RFC 6750 §3.1) and says why.
const (
	queryTokenDesc = "access tokens are not accepted in the URL query (RFC 9700 section 4.3.2)"
	queryTokenWhy  = "the access token came in the URL query (?access_token=), where browser history, server and proxy logs and Referer headers keep it: RFC 9700 section 4.3.2 says clients must not send access tokens there, so this API refuses it; send it in the Authorization header (RFC 6750 section 2.1)"
)

// extractBearer finds the access token of r (RFC 6750 §2). The header is
// the normal way (§2.1); a form body (§2.2) is accepted, and a token sent by
// more than one method is invalid_request. The query (§2.3) is refused:
// see queryTokenWhy. A request with no Bearer credentials, including one
// using another scheme such as Basic, gets a bare challenge with no error
// code (§3.1).
func extractBearer(r *http.Request, body form) (string, *bearerFailure) {
	if _, ok := r.URL.Query()["access_token"]; ok {
		return "", &bearerFailure{400, queryTokenDesc, queryTokenWhy}
	}
	var found []string
	headers := r.Header.Values("Authorization")
	if len(headers) > 1 {
		return "", &bearerFailure{400, "more than one Authorization header", ""}
	}
	if len(headers) == 1 {
		scheme, rest, _ := strings.Cut(headers[0], " ")
		if strings.EqualFold(scheme, "Bearer") { // §2.1: the scheme is case-insensitive (RFC 9110 §11.1)
			tok := strings.TrimLeft(rest, " ") // 1*SP
			switch {
			case tok == "":
				return "", &bearerFailure{400, "the Bearer scheme needs a token", ""}
			case !isB64Token(tok):
				return "", &bearerFailure{400, "the token has characters outside b64token or extra parts (RFC 6750 section 2.1)", ""}
			}
			found = append(found, tok)
		}
	}
	if v := body.get("access_token"); v != "" {
		found = append(found, v)
	}
	switch len(found) {
	case 0:
		return "", &bearerFailure{401, "", ""}
	case 1:
		return found[0], nil
	}
	return "", &bearerFailure{400, "the token was sent by more than one method (RFC 6750 section 2)", ""}
}

// isB64Token checks RFC 6750 §2.1's syntax:
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
func isB64Token(s string) bool {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0 {
			i++
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// isFormBody reports whether r carries a form-encoded body, the only kind in
// which §2.2 allows an access_token parameter.
func isFormBody(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded" && r.Method != http.MethodGet && r.Method != http.MethodHead
}
