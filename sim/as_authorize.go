package sim

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// serveAuthorize is the authorization endpoint (RFC 6749 §4.1.1). A GET, or
// a POST without credentials, shows the login page; a POST with username and
// password authenticates the user and redirects back to the client with a
// code. Consent is implied unless the form says consent=deny.
func (as *AuthServer) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if !getOrPost(w, r, "the authorization endpoint takes GET and POST only (RFC 6749 section 3.1)") {
		return
	}
	vals, bodyErr, ok := pooledParams(w, r)
	if !ok {
		return
	}
	// The sign-in form posts its fields in the body. In the URL a password
	// lands in logs and history, and a page of another site could post
	// its own form to /authorize?username=…&password=… with nothing in
	// the body to show a sign-in: login CSRF past a guard that reads the
	// body (serve's). So the sign-in fields are read from the body only.
	for _, f := range signInFields {
		if r.URL.Query().Has(f) {
			as.errorPage(w, r, f+" in the URL: the sign-in form sends it in the body of a POST, never in the URL")
			return
		}
	}
	// On a repeated parameter q still holds the others, so that the error
	// can go back to the client when client_id and redirect_uri are sound
	// (RFC 6749 §4.1.2.1: invalid_request, "includes a parameter more than
	// once").
	q, err := singleValued(vals)
	if err == nil {
		err = bodyErr
	}
	var rep errRepeated
	if errors.As(err, &rep) && (slices.Contains(rep, "client_id") || slices.Contains(rep, "redirect_uri")) {
		// §4.1.2.1: an invalid client_id or redirection URI is never
		// redirected to; a repeated one is invalid.
		as.errorPage(w, r, rep.Error())
		return
	}

	// Until client_id and redirect_uri are known good, errors go to the
	// user, never to a redirect: otherwise the AS becomes an open
	// redirector (RFC 6749 §4.1.2.1, §3.1.2.3; RFC 9700 §2.1).
	client, ok := as.clients[q.get("client_id")]
	if !ok || client.resource {
		as.errorPage(w, r, "unknown client "+quoteID(q.get("client_id")))
		return
	}
	redirect := q.get("redirect_uri")
	redirectSent := redirect != ""
	switch {
	case redirect == "" && len(client.redirectURIs) == 1:
		redirect = client.redirectURIs[0] // §3.1.2.3: one registered URI may be implied
	case redirectPortProblem(redirect) != "":
		// Checked before registration: a loopback client may use any port
		// (RFC 8252 §7.3), but only one that can exist.
		as.errorPage(w, r, "redirect_uri "+quoteID(redirect)+" is refused: "+redirectPortProblem(redirect))
		return
	case !client.allowsRedirect(redirect):
		why := "is not registered for client " + client.id + " (exact string match, RFC 9700 section 2.1)"
		if err := checkLoopbackRedirect(redirect); redirect != "" && client.anyLoopback && err != nil {
			why = "is refused for client " + client.id + ": " + err.Error()
		}
		as.errorPage(w, r, "redirect_uri "+quoteID(redirect)+" "+why)
		return
	}
	state := q.get("state")
	fail := func(code, reason string) {
		n := noteOf(r)
		n.err, n.reason = code, reason
		// RFC 9207 §2: iss goes in every authorization response,
		// "including error responses", once the AS sends it at all.
		as.redirect(w, redirect, url.Values{"error": {code}, "error_description": {errorDescription(reason)}, "iss": {as.issuer}}, state)
	}
	if err != nil {
		fail(CodeInvalidRequest, err.Error())
		return
	}
	switch rt := q.get("response_type"); {
	case rt == "":
		fail(CodeInvalidRequest, "response_type is missing")
		return
	case rt != "code":
		fail(CodeUnsupportedResponseType, "only response_type=code is supported (the implicit flow is deprecated, RFC 9700 section 2.1.2)")
		return
	}
	if code, why := unsupportedRequestParams(q); code != "" {
		fail(code, why)
		return
	}
	challenge, method := q.get("code_challenge"), q.get("code_challenge_method")
	if challenge != "" || client.public {
		if e := checkChallenge(challenge, method, client.public); e != "" {
			fail(CodeInvalidRequest, e)
			return
		}
	}
	scope := q.get("scope")
	if scope == "" {
		scope = "openid profile"
	}
	if !client.allowsScope(scope) {
		fail(CodeInvalidScope, "scope "+quoteID(scope)+" includes a scope this client may not request")
		return
	}

	// RFC 8707 §2.1: an unknown or malformed resource is refused through
	// the redirect, like an invalid scope.
	if e := as.checkResource(q.get(resourceParam)); e != nil {
		fail(e.code, e.reason)
		return
	}

	// RFC 9449 §10: dpop_jkt binds the code to a DPoP key.
	if e := as.checkDPoPJKT(r, q.get(dpopJKTParam)); e != "" {
		fail(CodeInvalidRequest, e)
		return
	}
	prompts, maxAge, perr := authnParams(q)
	if perr != "" {
		fail(CodeInvalidRequest, perr)
		return
	}
	username, password := q.get("username"), q.get("password")
	if r.Method == http.MethodGet || (username == "" && password == "" && q.get("consent") == "") {
		// No credentials: the AS session decides whether the user must
		// see the form (OIDC Core §3.1.2.3, §3.1.2.6; checklist items
		// 103-104).
		sess, why := as.sessionOf(r)
		now := as.env.clock.Now()
		switch {
		case prompts["login"]:
			why = "prompt=login: the AS must ask the user to sign in again, session or not (OIDC Core section 3.1.2.1)"
		case sess != nil && maxAge >= 0 && (maxAge == 0 || now.Sub(sess.authTime) > time.Duration(maxAge)*time.Second):
			// §3.1.2.1: max_age is the allowable elapsed time since the
			// user last actively authenticated; max_age=0 forces a sign-in
			// like prompt=login.
			why = fmt.Sprintf("max_age=%d: AS session %s signed in at %s, %s ago, longer than the client allows (OIDC Core section 3.1.2.1)",
				maxAge, sess.label, when(sess.authTime), text.FormatDuration(now.Sub(sess.authTime)))
		case sess != nil:
			sess.lastSeen = now // Auth0: every /authorize, silent ones included, resets the idle timer
			as.env.emit(Event{Kind: KindASSessionUsed, From: ActorAS, To: ActorUser,
				Summary: "the browser's cookie names live AS session " + sess.label + " (" + sess.sub + ", signed in at " + when(sess.authTime) + "): the AS issues a code without showing the form; " + sess.limits(as.env.policy())})
			as.issueCode(w, r, client, q, sess, redirect, redirectSent, challenge, scope, state)
			return
		}
		if prompts["none"] {
			// §3.1.2.6: prompt=none must not show any page; the AS
			// answers login_required through the redirect instead.
			fail(CodeLoginRequired, "prompt=none and the user would have to sign in: "+why+" (OIDC Core section 3.1.2.6)")
			return
		}
		n := noteOf(r)
		n.summary, n.reason = "login page for client "+client.id, why
		as.loginPage(w, q, "")
		return
	}
	u, known := as.users[username]
	if !known || !as.passwordOK(u, password) {
		// Wrong credentials re-show the page: never a redirect that would
		// tell the client anything.
		noteOf(r).reason = "wrong username or password: the login page is shown again"
		as.loginPage(w, q, "Wrong username or password.")
		return
	}
	if why := as.signInRefused(u.sub); why != "" {
		noteOf(r).reason = why
		as.loginPage(w, q, "This account is disabled.")
		return
	}
	if q.get("consent") == "deny" {
		fail(CodeAccessDenied, "the user denied the request")
		return
	}
	as.env.emit(Event{Kind: KindLogin, From: ActorUser, To: ActorAS,
		Summary: u.sub + " proved who they are at the AS; the password goes no further"})
	sess := as.startSession(w, r, u.sub)
	as.issueCode(w, r, client, q, sess, redirect, redirectSent, challenge, scope, state)
}

// issueCode redirects back to the client with a new authorization code for
// the user of sess. The code carries the session's sign-in time, so that
// the ID token's auth_time is when the user authenticated, not when the
// code was issued (OIDC Core §2; checklist item 103).
func (as *AuthServer) issueCode(w http.ResponseWriter, r *http.Request, client *clientReg, q form, sess *asSession, redirect string, redirectSent bool, challenge, scope, state string) {
	now := as.env.clock.Now()
	code := as.env.rand.token(32)
	rec := &codeRecord{
		label: as.nextLabel("code"), hash: hashToken(code), clientID: client.id,
		redirectURI: redirect, redirectSent: redirectSent, challenge: challenge, method: "S256",
		scope: scope, resource: q.get(resourceParam), jkt: as.codeJKT(q), nonce: q.get("nonce"), sub: sess.sub, authTime: sess.authTime, issued: now, session: sess,
		exp: now.Add(as.env.policy().CodeTTL),
	}
	as.codes[rec.hash] = rec
	as.env.emit(Event{Kind: KindIssued, From: ActorAS, To: ActorUser, Token: rec.label,
		Summary: "authorization code " + rec.label + " for " + sess.sub + " is single-use and lives " + text.FormatDuration(as.env.policy().CodeTTL)})
	noteOf(r).token = rec.label
	// RFC 9207: iss in the response lets the client detect mix-up attacks.
	as.redirect(w, redirect, url.Values{"code": {code}, "iss": {as.issuer}}, state)
}

// authnParams reads prompt and max_age (OIDC Core §3.1.2.1). prompt is a
// space-delimited list; none with any other value is an error. maxAge is
// -1 when absent.
func authnParams(q form) (map[string]bool, int, string) {
	prompts := map[string]bool{}
	for _, p := range strings.Fields(q.get("prompt")) {
		switch p {
		case "none", "login", "consent", "select_account":
			// consent is implied and there is one account per browser, so
			// consent and select_account change nothing here.
			prompts[p] = true
		default:
			// Sim policy: §3.1.2.1 defines these four and says nothing of
			// others; refusing an unknown one says so instead of silently
			// ignoring a request the client thought it made.
			return nil, 0, "unknown prompt value " + quoteID(p) + " (OIDC Core section 3.1.2.1 defines none, login, consent, select_account)"
		}
	}
	if prompts["none"] && len(prompts) > 1 {
		return nil, 0, "prompt=none cannot be combined with other values (OIDC Core section 3.1.2.1)"
	}
	maxAge := -1
	if v := q.get("max_age"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, 0, "max_age must be a non-negative number of seconds, got " + quoteID(v)
		}
		maxAge = n
	}
	return prompts, maxAge, ""
}

// checkChallenge applies RFC 7636 §4.2–4.4.1. tokensim supports only S256:
// plain offers no protection if the challenge leaks (RFC 9700 §2.1.1).
func checkChallenge(challenge, method string, required bool) string {
	if challenge == "" {
		if required {
			return "code_challenge is required: public clients must use PKCE (RFC 7636 section 4.4.1)"
		}
		return ""
	}
	if method == "" || method == "plain" {
		return "code_challenge_method must be S256; a missing method means plain, which this server does not accept (RFC 7636 section 4.3)"
	}
	if method != "S256" {
		return "unknown code_challenge_method " + quoteID(method)
	}
	if !validVerifierSyntax(challenge) {
		return "code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 section 4.2)"
	}
	return ""
}

// validVerifierSyntax checks RFC 7636 §4.1's code-verifier ABNF, which
// §4.2 also imposes on the challenge.
func validVerifierSyntax(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// redirect sends the user agent back to the client with params, echoing
// state exactly when the client sent one (RFC 6749 §4.1.2, §4.1.2.1).
func (as *AuthServer) redirect(w http.ResponseWriter, to string, params url.Values, state string) {
	u, _ := url.Parse(to) // registered URIs are known to parse
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// errorPage is shown to the user when the AS must not redirect.
func (as *AuthServer) errorPage(w http.ResponseWriter, r *http.Request, reason string) {
	n := noteOf(r)
	n.err, n.reason = CodeInvalidRequest, reason+": the AS shows an error page and does not redirect"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = fmt.Fprintf(w, "Authorization request refused: %s.\n", reason)
}

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - tokensim</title></head>
<body><h1>Sign in to tokensim's authorization server</h1>
<p>The app <b>{{.Client}}</b> asks for: {{.Scope}}</p>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/authorize">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></body></html>
`))

// loginPage renders the sign-in form, carrying the authorization request's
// parameters as hidden fields so that the POST is self-contained.
func (as *AuthServer) loginPage(w http.ResponseWriter, q form, errMsg string) {
	type field struct{ Name, Value string }
	var hidden []field
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce", resourceParam, dpopJKTParam} {
		if v := q.get(k); v != "" {
			hidden = append(hidden, field{k, v})
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// RFC 9700 §4.16: a login page framed by another site can be overlaid
	// and clicked through (clickjacking). Both headers forbid framing: CSP
	// frame-ancestors for current browsers, X-Frame-Options for older ones.
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	_ = loginTemplate.Execute(w, map[string]any{"Client": q.get("client_id"), "Scope": q.get("scope"), "Error": errMsg, "Hidden": hidden})
}
