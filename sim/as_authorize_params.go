package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Authorization request features this AS does not implement, and the
// errors OIDC Core §3.1.2.6 defines for request objects.
const (
	// responseModeQuery is the one response mode implemented: the code
	// and errors go back in the redirect URI's query (RFC 6749 §4.1.2).
	responseModeQuery          = "query"
	codeRequestNotSupported    = "request_not_supported"
	codeRequestURINotSupported = "request_uri_not_supported"
)

// unsupportedRequestParams refuses, through the redirect, what this AS
// does not implement, rather than answer as if the parameter were absent:
// a client that sent a request object believes its signed parameters
// count, and one that asked for another response mode would not look for
// the answer in the query. It returns the error code and the reason, or
// "" when the request asks for nothing unsupported. A parameter sent
// without a value counts as omitted (RFC 6749 §3.1).
func unsupportedRequestParams(q form) (code, why string) {
	switch {
	case q.get("request") != "":
		// OIDC Core §6.1, §3.1.2.6; discovery says
		// request_parameter_supported false (Discovery §3).
		return codeRequestNotSupported, "the request parameter (a request object) is not supported by this AS; its parameters must be sent as plain query or form parameters (OIDC Core sections 6.1 and 3.1.2.6)"
	case q.get("request_uri") != "":
		// OIDC Core §6.2, §3.1.2.6; request_uri_parameter_supported false.
		return codeRequestURINotSupported, "the request_uri parameter is not supported by this AS: it fetches no request objects (OIDC Core sections 6.2 and 3.1.2.6)"
	}
	if m := q.get("response_mode"); m != "" && m != responseModeQuery {
		// OAuth 2.0 Multiple Response Types §2 defines response_mode;
		// an unsupported value is an invalid parameter value (RFC 6749
		// §4.1.2.1), answered in the query, the one mode this AS has.
		return CodeInvalidRequest, "response_mode " + quoteID(m) + " is not supported: this AS answers in the query only (response_modes_supported; OAuth 2.0 Multiple Response Types section 2)"
	}
	return "", ""
}

// dpopJKTParam is RFC 9449 §10's authorization request parameter: the
// JWK SHA-256 thumbprint (RFC 7638) of the DPoP key the client will redeem
// the code with.
const dpopJKTParam = "dpop_jkt"

// checkDPoPJKT checks a dpop_jkt value when the AS supports DPoP: a
// thumbprint is base64url of a SHA-256 hash, 43 characters without
// padding (RFC 9449 §10, RFC 7638 §3). A value that cannot be one could
// never match a proof, and the client had better learn so now than at the
// token endpoint (sim policy: §10 does not say). With DPoP off the AS does
// not know the parameter and ignores it, as RFC 6749 §3.1 requires of
// unrecognized parameters; the exchange's reason says so, and discovery
// advertises no dpop_signing_alg_values_supported (RFC 9449 §5.1).
func (as *AuthServer) checkDPoPJKT(r *http.Request, jkt string) string {
	if jkt == "" {
		return ""
	}
	if !as.env.policy().DPoP {
		noteOf(r).reason = "dpop_jkt is ignored: this AS has DPoP off, and an authorization server ignores parameters it does not recognise (RFC 6749 section 3.1); the code is not bound to a key"
		return ""
	}
	if len(jkt) != 43 || strings.IndexFunc(jkt, func(c rune) bool {
		return !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	}) >= 0 {
		return "dpop_jkt " + quoteID(jkt) + " is not a JWK SHA-256 thumbprint: 43 base64url characters (RFC 9449 section 10, RFC 7638)"
	}
	return ""
}

// codeJKT is the DPoP key a new code is bound to: dpop_jkt when the AS
// supports DPoP, else none (checkDPoPJKT).
func (as *AuthServer) codeJKT(q form) string {
	if !as.env.policy().DPoP {
		return ""
	}
	return q.get(dpopJKTParam)
}

// redirectPortProblem says why the port of a redirect URI can never be
// reached, or "" when it can (or the URI does not parse: other checks
// answer that). RFC 3986 §3.2.3 makes a port any string of digits and
// leaves its meaning to the scheme; http and https run over TCP, whose
// ports are 16-bit numbers (RFC 9293 §3.1), so nothing listens above 65535,
// and port 0 is reserved: an application asking for it is given another
// port, and Chromium refuses to connect to it. RFC 8252 §7.3's "any port"
// for loopback redirects means any port a client can listen on. An empty
// port is the scheme's default (RFC 3986 §3.2.3) and is fine.
func redirectPortProblem(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Port() == "" {
		return ""
	}
	n, err := strconv.ParseUint(u.Port(), 10, 64)
	switch {
	case err != nil || n > 65535:
		return "port " + quoteID(u.Port()) + " does not exist: TCP ports run from 1 to 65535 (RFC 3986 section 3.2.3, RFC 9293 section 3.1)"
	case n == 0:
		return "port 0 is reserved: no client can listen on it, so the browser could never deliver the response (RFC 8252 section 7.3 allows any port a client can listen on)"
	}
	return ""
}

// signInFields are the fields of the AS's sign-in form: the proof of who
// the user is, and their consent. They come in the body of a POST only.
var signInFields = []string{"username", "password", "consent"}
