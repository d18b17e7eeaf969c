package sim

import (
	"errors"
	"io"
	"net/http"
	"strings"
)

// userinfoPath is the AS's UserInfo endpoint (OIDC Core §5.3), advertised
// as userinfo_endpoint (Discovery §3).
const userinfoPath = "/userinfo"

// userinfoScopeClaims are the claims the scopes of OIDC Core §5.4 give at
// userinfo, as far as this AS knows them: profile gives name (the only
// profile claim a user here has), email gives email and email_verified.
// claimsSupported lists them (as_discovery.go).
func userinfoScopeClaims() []string { return []string{"name", "email", "email_verified"} }

// newUserinfoBearer is the resource-server half of the UserInfo endpoint:
// the API's own code for reading Bearer and DPoP credentials (RFC 6750 §2,
// RFC 9449 §7) and checking a token's DPoP binding, run on the AS's clock
// (no simulated API skew) and with the AS's DPoP nonce, since userinfo is
// served on the AS's origin (RFC 9449 §8: one nonce per server).
func newUserinfoBearer(e *env, issuer, audience string, nonce *dpopNonce) *API {
	return &API{env: e, issuer: issuer, audience: audience, realm: "userinfo", atAS: true,
		denylist: map[string]denied{}, pushed: map[string]string{}, dpopNonce: nonce}
}

// serveUserinfo is the UserInfo endpoint (OIDC Core §5.3): GET or POST with
// the access token of an OpenID Connect login, as a Bearer token in the
// Authorization header or, in a form-encoded POST body, the access_token
// parameter (RFC 6750 §2.1, §2.2; never in the query, RFC 9700 §4.3.2), or
// with the DPoP scheme and a proof when the token is DPoP-bound (RFC 9449
// §7). The answer is JSON with sub and the claims the token's scopes allow
// (§5.3.2, §5.4); errors are RFC 6750 §3 challenges (§5.3.3).
//
// The token is judged as the AS judges it at introspection (as.introspect,
// RFC 7662 §2.2): its signature with the AS's own key, its record's expiry
// on the AS's clock, revocation and the account's standing. Its aud must be
// the AS's default audience, the one an OpenID Connect login without a
// resource parameter gets (sim policy: a token for another resource server,
// RFC 8707, is that server's).
func (as *AuthServer) serveUserinfo(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
	default:
		// §5.3: "MUST support the use of the HTTP GET and HTTP POST methods".
		w.Header().Set("Allow", "GET, HEAD, POST")
		noteOf(r).reason = r.Method + " is not allowed at userinfo: it takes GET and POST (OIDC Core section 5.3)"
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	bearer := as.userinfoBearer
	var body form
	if isFormBody(r) {
		var err error
		if body, err = readForm(w, r); err != nil {
			if errors.Is(err, errTooLarge) {
				noteOf(r).reason = "the request body is larger than 1 MiB"
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			bearer.refuse(w, r, 400, challenge{realm: bearer.realm, err: CodeInvalidRequest, desc: err.Error()}, err.Error(), "")
			return
		}
	} else if r.Body != nil {
		if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, MaxBodyBytes)); err != nil {
			noteOf(r).reason = "the request body is larger than 1 MiB"
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
	}
	cred, ref := bearer.credentials(r, body)
	if ref != nil {
		bearer.refuseWith(w, r, ref, "")
		return
	}
	in, why, label := as.introspect(&clientReg{id: "userinfo", resource: true}, cred.token)
	_, isRT := as.refresh[hashToken(cred.token)]
	name := orName("")
	switch {
	case label != "" && isRT:
		name = "refresh token " + label
	case label != "":
		name = "access token " + label
	}
	refuse := func(desc, reason string) {
		bearer.answerRefusal(w, r, http.StatusUnauthorized, bearer.challengeFor(cred, challenge{realm: bearer.realm, err: CodeInvalidToken, desc: desc}),
			CodeInvalidToken, desc, reason, label)
	}
	switch at, known := as.issued[cred.token]; {
	case isRT:
		refuse("The token is not an access token", name+" came to userinfo: a refresh token is for the token endpoint only and is never sent to resource servers (RFC 6749 section 1.5); userinfo takes the access token (OIDC Core section 5.3.1)")
		return
	case known && at == nil:
		refuse("The token is not an access token", "an ID token came to userinfo: it tells the app who logged in, and the endpoint takes the access token of the login (OIDC Core section 5.3.1)")
		return
	case !in.Active:
		refuse("The access token is not active", "the AS refuses "+name+" at userinfo: "+why+" (OIDC Core section 5.3.3, RFC 6750 section 3.1)")
		return
	case in.Aud != as.audience:
		refuse("The access token is for another audience", name+" is for "+audienceWords(in.Aud)+", not for this AS's userinfo, which takes tokens for "+as.audience+" (RFC 8707 section 2)")
		return
	}
	claims := &AccessClaims{ClientID: in.ClientID, Scope: in.Scope, Cnf: in.Cnf} // cnf: RFC 9449 §6.2
	claims.Subject, claims.ID, claims.Issuer = in.Sub, in.Jti, in.Iss
	if ref := bearer.checkBinding(cred, claims, name); ref != nil {
		bearer.refuseWith(w, r, ref, label)
		return
	}
	if !hasScope(in.Scope, "openid") {
		// §5.3.1: the token must come from an OpenID Connect request.
		bearer.answerRefusal(w, r, http.StatusForbidden, bearer.challengeFor(cred, challenge{realm: bearer.realm, err: CodeInsufficientScope, scope: "openid"}),
			CodeInsufficientScope, "", name+" is valid but its scope ("+in.Scope+") lacks openid: userinfo answers only for the access token of an OpenID Connect login (OIDC Core section 5.3.1, RFC 6750 section 3.1)", label)
		return
	}
	out, given := as.userinfoClaims(in.Sub, in.Scope)
	n := noteOf(r)
	n.token = label
	n.summary = "userinfo for " + in.Sub + ": " + strings.Join(given, ", ") + ", the claims scope '" + in.Scope + "' allows (OIDC Core sections 5.3.2 and 5.4)"
	// Personal data: not for shared caches (RFC 9111 §5.2.2.5).
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// userinfoClaims builds the §5.3.2 response for sub under scope: sub
// always, the §5.4 claims of each granted scope that the user has, and
// the names given, in order, for the learner. Claims without a value are
// omitted (§5.3.2).
func (as *AuthServer) userinfoClaims(sub, scope string) (map[string]any, []string) {
	u := as.userBySub(sub)
	out := map[string]any{"sub": sub} // §5.3.2: sub is always returned
	given := []string{"sub"}
	if hasScope(scope, "profile") && u.name != "" {
		out["name"], given = u.name, append(given, "name")
	}
	if e := demoEmail(sub); hasScope(scope, "email") && e != "" {
		// email_verified false: the AS never took "affirmative steps" to
		// check that the user controls the address (§5.1), and no one
		// does: example.com is reserved (RFC 2606 §3).
		out["email"], out["email_verified"] = e, false
		given = append(given, "email", "email_verified")
	}
	return out, given
}

// demoEmail is a demo user's address: name@example.com, in a domain RFC
// 2606 §3 reserves for examples, so that it reaches nobody. A name that
// cannot be an address's local part (RFC 5322 §3.4.1 dot-atom) has none.
func demoEmail(name string) string {
	if name == "" || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return ""
	}
	for _, c := range []byte(name) {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0
		if !ok {
			return ""
		}
	}
	return name + "@example.com"
}
