package sim

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/golang-jwt/jwt/v5"
)

// serveEndSession is the end_session_endpoint of OpenID Connect
// RP-Initiated Logout 1.0 (checklist item 105). The app sends the browser
// here, by GET or POST (§2), with:
//   - id_token_hint: an ID token this AS issued, expired or not (§2). It
//     says who is logging out and from which client; with it, and matching
//     the browser's session, the AS logs out without asking. Without it the
//     OP "MUST ask the End-User" (§2): the AS shows a confirmation form.
//   - post_logout_redirect_uri: where to send the browser afterwards; it
//     must be registered for the client, by exact match (§3), or the AS
//     refuses to redirect anywhere.
//   - state: echoed on that redirect (§3).
//   - client_id: must agree with the hint's aud (§2).
//
// Ending the session makes the next /authorize show the form. What it does
// to tokens is policy (logout_revokes_refresh); access tokens already issued
// stay valid at an API that checks them locally, until exp.
func (as *AuthServer) serveEndSession(w http.ResponseWriter, r *http.Request) {
	if !getOrPost(w, r, "the end_session endpoint takes GET and POST only (RP-Initiated Logout 1.0 section 2)") {
		return
	}
	// A body that is not valid form encoding adds nothing; the parameters
	// the query carries still count.
	vals, _, ok := pooledParams(w, r)
	if !ok {
		return
	}
	q, err := singleValued(vals)
	if err != nil {
		as.logoutError(w, r, err.Error())
		return
	}
	n := noteOf(r)

	// The hint: one of this AS's ID tokens. The AS signed it, so the
	// issued map knows it (an ID token maps to nil there); its claims are
	// then read without re-verifying. Expired hints are fine (§2).
	var hintSub string
	var hintAud []string
	if h := q.get("id_token_hint"); h != "" {
		rec, ok := as.issued[h]
		if !ok || rec != nil {
			as.logoutError(w, r, "id_token_hint is not an ID token this AS issued")
			return
		}
		var c jwt.RegisteredClaims
		if _, _, err := jwt.NewParser().ParseUnverified(h, &c); err != nil {
			as.logoutError(w, r, "id_token_hint cannot be read: "+err.Error())
			return
		}
		hintSub, hintAud = c.Subject, c.Audience
	}
	clientID := q.get("client_id")
	if clientID != "" && hintAud != nil && !slices.Contains(hintAud, clientID) {
		as.logoutError(w, r, "client_id "+quoteID(clientID)+" is not the audience of id_token_hint (RP-Initiated Logout 1.0 section 2)")
		return
	}
	if clientID == "" && len(hintAud) > 0 {
		clientID = hintAud[0]
	}
	redirect := q.get("post_logout_redirect_uri")
	if redirect != "" {
		client, ok := as.clients[clientID]
		switch {
		case clientID == "":
			as.logoutError(w, r, "post_logout_redirect_uri needs id_token_hint or client_id to say whose URI it is (RP-Initiated Logout 1.0 section 3)")
			return
		case !ok || client.resource:
			as.logoutError(w, r, "unknown client "+quoteID(clientID))
			return
		case !client.allowsPostLogout(redirect):
			as.logoutError(w, r, "post_logout_redirect_uri "+quoteID(redirect)+" is not registered for client "+clientID+" (exact match, RP-Initiated Logout 1.0 section 3)")
			return
		}
	}

	sess, why := as.sessionOf(r)
	switch {
	case sess == nil:
		// Nothing to end: logging out is idempotent, and the browser is
		// sent on as asked.
		n.summary = "no AS session to end (" + why + ")"
	case hintSub == sess.sub || confirmed(r, q):
		as.endSession(sess, "RP-initiated logout from client "+orUnknown(clientID))
		n.summary = "AS session " + sess.label + " ended"
	default:
		// §2: without a hint that names the signed-in user, the OP must
		// ask before ending the session.
		n.summary = "no id_token_hint for " + sess.sub + ": the AS asks the user to confirm the logout"
		as.logoutPage(w, q, true)
		return
	}
	// Expire the cookie in the browser as well: the session is over at the
	// AS, and a stale cookie would only be sent for nothing.
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || isHTTPS(as.issuer)})
	if redirect != "" {
		// §3: state goes back exactly when the RP sent one.
		as.redirect(w, redirect, url.Values{}, q.get("state"))
		return
	}
	as.logoutPage(w, q, false)
}

// confirmed reports whether the user confirmed the logout on the AS's own
// page: its form POSTs confirm=yes in the body. From the URL (a link or an
// image any site can make the browser load, the SameSite=Lax cookie going
// along on a top-level GET) it would let any page sign the user out:
// logout CSRF, against the "MUST ask the End-User" of RP-Initiated Logout
// 1.0 §2.
func confirmed(r *http.Request, q form) bool {
	return r.Method == http.MethodPost && !r.URL.Query().Has("confirm") && q.get("confirm") == "yes"
}

func orUnknown(id string) string {
	if id == "" {
		return "unnamed"
	}
	return id
}

var logoutTemplate = template.Must(template.New("logout").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign out - tokensim</title></head>
<body>{{if .Confirm}}<h1>Sign out of tokensim's authorization server?</h1>
<form method="post" action="/end_session">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<input type="hidden" name="confirm" value="yes">
<button type="submit">Sign out</button>
</form>{{else}}<h1>You are signed out of tokensim's authorization server.</h1>
<p>Apps you used may still hold tokens: an access token stays valid until it expires at an API that does not ask this server.</p>{{end}}
</body></html>
`))

// logoutPage is the page the AS shows when no post_logout_redirect_uri was
// given (§3 leaves what to show to the OP), or the confirmation form §2
// requires without a usable id_token_hint.
func (as *AuthServer) logoutPage(w http.ResponseWriter, q form, confirm bool) {
	type field struct{ Name, Value string }
	var hidden []field
	for _, k := range []string{"client_id", "post_logout_redirect_uri", "state"} {
		if v := q.get(k); v != "" {
			hidden = append(hidden, field{k, v})
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "frame-ancestors 'none'")
	_ = logoutTemplate.Execute(w, map[string]any{"Confirm": confirm, "Hidden": hidden})
}

// logoutError refuses a logout request with a page, never a redirect: a
// redirect to an unchecked URI would make the AS an open redirector (the
// reason §3 requires registration).
func (as *AuthServer) logoutError(w http.ResponseWriter, r *http.Request, reason string) {
	n := noteOf(r)
	n.err, n.reason = CodeInvalidRequest, reason+": the AS shows an error page and does not redirect"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte("Logout request refused: " + reason + ".\n"))
}

// allowsPostLogout reports whether uri is registered as one of the client's
// post_logout_redirect_uris (exact match, §3), or, for a hosted world's native
// client, any loopback URI (RFC 8252 §7.3, as for its redirect URIs).
func (c *clientReg) allowsPostLogout(uri string) bool {
	if slices.Contains(c.postLogoutURIs, uri) {
		return true
	}
	return c.anyLoopback && checkLoopbackRedirect(uri) == nil
}
