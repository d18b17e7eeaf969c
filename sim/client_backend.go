package sim

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// The app's own backend, in the two browser architectures of
// draft-ietf-oauth-browser-based-apps (published as RFC 10017) where one
// stands between the page and the AS. Both backends are confidential
// clients: they redeem the code and refresh with the client secret,
// which never reaches the browser (RFC 6749 §2.1, §2.3.1).
//
//   - Backend-for-frontend (StorageCookie): the backend keeps every token.
//     The browser holds only an httpOnly, Secure, SameSite session cookie,
//     and the page's API calls go to the BFF, which forwards each one to
//     the API with its own access token.
//   - Token-mediating backend (StorageMediated): the backend keeps the
//     refresh token and hands the access token to the page, which keeps it
//     in memory and calls the API itself.
//
// In both, an injected script takes no refresh token away, but while it
// runs it can make the browser use the session cookie: the BCP's
// "proxying requests via the user's browser" (§5.1.4 in draft -17) against
// a BFF, and "acquisition and extraction of new tokens" (§5.1.3 in draft
// -17) against a token-mediating backend (attacker_ride.go).

// backendCookie is the backend's session cookie. The __Host- prefix makes
// the browser accept it only with Secure, Path=/ and no Domain (the cookie
// prefixes of RFC 6265bis), so no sibling host can set or read it.
const backendCookie = "__Host-session"

// backend reports whether the app is a single-page app with a backend of
// its own that is a confidential client (a BFF or a token-mediating
// backend).
func (c *Client) backend() bool {
	return !c.fp && c.kind == KindSPA && (c.storage == StorageCookie || c.storage == StorageMediated)
}

// bff reports whether the app's backend is a backend-for-frontend.
func (c *Client) bff() bool { return c.backend() && c.storage == StorageCookie }

// mediated reports whether the app's backend is token-mediating.
func (c *Client) mediated() bool { return c.backend() && c.storage == StorageMediated }

// startSession gives the browser the backend's session cookie after a
// login: httpOnly (no script reads it), Secure, SameSite=Strict (no other
// site's request carries it).
func (c *Client) startSession(w http.ResponseWriter) {
	sid := c.env.rand.token(16)
	c.store.mu.Lock()
	c.store.session = sid
	c.store.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: backendCookie, Value: sid, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

// hasSession reports whether the backend holds a session for the browser.
func (c *Client) hasSession() bool {
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	return c.store.session != ""
}

// sessionOf reports whether r carries the live session cookie.
func (c *Client) sessionOf(r *http.Request) bool {
	k, err := r.Cookie(backendCookie)
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	return err == nil && c.store.session != "" && subtle.ConstantTimeCompare([]byte(k.Value), []byte(c.store.session)) == 1
}

// serveBackend answers the backend's own endpoints and reports whether r
// was one: a BFF's /api/ (forwarded to the API), a token-mediating
// backend's /bff/token (GET: the access token it holds; POST: a fresh one).
func (c *Client) serveBackend(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case c.bff() && strings.HasPrefix(r.URL.Path, "/api/"):
	case c.mediated() && r.URL.Path == "/bff/token":
	default:
		return false
	}
	n := noteOf(r)
	if !c.sessionOf(r) {
		n.err, n.reason = CodeLoginRequired, "the request carries no live session cookie for the app's backend: the user must log in"
		writeJSONError(w, http.StatusUnauthorized, CodeLoginRequired)
		return true
	}
	if c.bff() {
		c.forward(w, r, n)
		return true
	}
	c.handOut(w, r, n)
	return true
}

// forward is the BFF at work: it makes the page's call to the API itself,
// with the access token it keeps (refreshing first when it is due, and
// once after a 401, as the app always does), and relays the answer.
func (c *Client) forward(w http.ResponseWriter, r *http.Request, n *annotation) {
	o, body := c.call(r.Method, r.URL.Path)
	n.err, n.token = o.Error, o.Token
	n.reason = "the BFF forwarded the call to the API with the access token it keeps; the browser never sees it"
	if o.Reason != "" {
		n.reason += ". The API: " + o.Reason
	}
	status := o.Status
	if status == 0 { // no request was made: the BFF holds no token
		status = http.StatusUnauthorized
		n.reason = "the BFF holds no token to forward the call with: " + o.Reason
	}
	if o.Error != "" {
		writeJSONError(w, status, o.Error)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// handOut is the token-mediating backend handing the page its access
// token: the one it holds (GET, right after login), or a fresh one from a
// refresh with the refresh token it keeps (POST).
func (c *Client) handOut(w http.ResponseWriter, r *http.Request, n *annotation) {
	n.reason = "the backend handed the page its access token; the refresh token stays on the backend"
	if r.Method == http.MethodPost {
		o := c.refresh()
		if !o.OK() {
			n.err, n.reason = o.Error, "the backend's refresh failed: "+o.Reason
			writeJSONError(w, cmpStatus(o.Status), o.Error)
			return
		}
		n.reason = "the backend refreshed with the refresh token it keeps and handed the page the new access token"
	}
	at, exp, _, _ := c.store.snapshot()
	if at == "" {
		n.err, n.reason = CodeNoToken, "the backend holds no access token to hand out"
		writeJSONError(w, http.StatusUnauthorized, CodeNoToken)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store") // as for any token response (RFC 6749 §5.1)
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": at, "token_type": "Bearer",
		"expires_in": int(exp.Sub(c.env.clock.Now()) / time.Second)})
}

// cmpStatus is status, or 401 when no request was made.
func cmpStatus(status int) int {
	if status == 0 {
		return http.StatusUnauthorized
	}
	return status
}

func writeJSONError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// viaBFF is the page's API call in a BFF: the browser sends it to the
// BFF with the session cookie, and the BFF forwards it.
func (c *Client) viaBFF(method, path string) Outcome {
	if !c.hasSession() {
		return Outcome{Error: CodeNoToken, Reason: "the browser holds no session with the BFF: the user must log in"}
	}
	req, err := http.NewRequest(method, AppOrigin+path, nil)
	if err != nil {
		return Outcome{Error: CodeBadRequest, Reason: "the request cannot be built: " + err.Error()}
	}
	_, _, o := c.env.send(c.browser, req)
	return o
}

// fromBackend is the page asking the token-mediating backend for its
// access token: method GET after login, POST for a fresh one.
func (c *Client) fromBackend(method string) Outcome {
	if !c.hasSession() {
		return Outcome{Error: CodeNoToken, Reason: "the browser holds no session with the backend: the user must log in"}
	}
	req, _ := http.NewRequest(method, AppOrigin+"/bff/token", nil)
	_, _, o := c.env.send(c.browser, req)
	return o
}
