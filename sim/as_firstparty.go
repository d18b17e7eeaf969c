package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// refreshCookieName is the name of the first-party backend's refresh-token
// cookie.
const refreshCookieName = "refresh_token"

// fpBackend is an app's own token backend, the shape most tutorials build:
// POST /auth/login with username and password returns an access token and
// sets the refresh token as an httpOnly, Secure, SameSite cookie;
// POST /auth/refresh trades the cookie for a new access token (rotating the
// cookie); POST /auth/logout revokes it. It runs on the same token store,
// policies, events and reasons as the AS — only the vocabulary differs.
//
// The backend holds no token state of its own: it asks the AS (the methods
// at the end of this file), which takes its own lock.
type fpBackend struct {
	env *env
	as  *AuthServer
}

func newFirstParty(e *env, as *AuthServer) *fpBackend {
	return &fpBackend{env: e, as: as}
}

// firstPartyScope is what a first-party login grants: the app is its own
// API's only client.
const firstPartyScope = "profile orders:read orders:write"

// ServeHTTP implements http.Handler.
func (fp *fpBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	handlers := map[string]func(http.ResponseWriter, *http.Request){
		"/auth/login": fp.login, "/auth/refresh": fp.refresh, "/auth/logout": fp.logout,
	}
	h, ok := handlers[r.URL.Path]
	switch {
	case !ok: // an unknown path is 404 whatever the method
		noteOf(r).reason = "the backend has no endpoint at " + quoteID(r.URL.Path)
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		noteOf(r).reason = r.Method + " is not allowed here: use POST"
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	if r.Body == nil {
		r.Body = http.NoBody // handlers called directly, not through a server, may have none
	}
	h(w, r)
}

func (fp *fpBackend) login(w http.ResponseWriter, r *http.Request) {
	var creds struct{ Username, Password string }
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		noteOf(r).reason = "the request body is larger than 1 MiB"
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "too_large"})
		return
	}
	if json.Unmarshal(body, &creds) != nil {
		fp.fail(w, r, newErr(400, CodeInvalidRequest, "the body must be JSON with username and password"))
		return
	}
	resp, e := fp.as.passwordLogin(creds.Username, creds.Password)
	if e != nil {
		fp.fail(w, r, e)
		return
	}
	fp.respond(w, r, resp)
}

func (fp *fpBackend) refresh(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(refreshCookieName)
	if err != nil || c.Value == "" {
		fp.fail(w, r, newErr(401, CodeInvalidGrant, "no refresh cookie").because("the request carries no refresh cookie: the user must log in"))
		return
	}
	resp, e := fp.as.cookieRefresh(c.Value)
	if e != nil {
		if e.status == http.StatusBadRequest {
			e.status = http.StatusUnauthorized // the tutorial shape: 401 sends the page to the login screen
		}
		fp.fail(w, r, e)
		return
	}
	fp.respond(w, r, resp)
}

func (fp *fpBackend) logout(w http.ResponseWriter, r *http.Request) {
	n := noteOf(r)
	if c, err := r.Cookie(refreshCookieName); err == nil {
		n.token, n.family = fp.as.logoutRefresh(c.Value)
	}
	fp.setCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

// respond returns the access token in the body and the refresh token, if
// any, in the cookie: scripts on the page can use the first, never read the
// second.
func (fp *fpBackend) respond(w http.ResponseWriter, r *http.Request, resp *tokenResponse) {
	if resp.RefreshToken != "" {
		fp.setCookie(w, resp.RefreshToken, fp.cookieAge())
	}
	noStore(w)
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}{resp.AccessToken, resp.TokenType, resp.ExpiresIn})
}

func (fp *fpBackend) fail(w http.ResponseWriter, r *http.Request, e *oauthError) {
	if e.code == CodeInvalidGrant {
		fp.setCookie(w, "", -1) // the session is over: the browser may drop the cookie
	}
	writeOAuthError(w, r, e)
}

// cookieAge is how long the browser keeps the cookie: the policy's
// longest refresh lifetime, so the AS, not the browser, decides expiry.
func (fp *fpBackend) cookieAge() int {
	pol := fp.env.policy()
	d := pol.RefreshAbsolute
	if d == 0 {
		d = pol.RefreshIdle
	}
	if d == 0 {
		d = 400 * 24 * time.Hour // browsers cap cookie lifetimes near 400 days
	}
	return int(fp.env.clock.wallLife(d).Seconds()) // Max-Age counts wall seconds (RFC 6265 §5.2.2)
}

// setCookie writes the refresh cookie: httpOnly (scripts cannot read it),
// Secure (HTTPS only), SameSite=Strict (not sent on cross-site requests),
// scoped to /auth so that API requests never carry it.
func (fp *fpBackend) setCookie(w http.ResponseWriter, v string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: refreshCookieName, Value: v, Path: "/auth", MaxAge: maxAge,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

// firstParty switches the client to the first-party backend: a page
// script with a cookie jar (the browser's).
func (c *Client) firstParty() {
	jar, _ := cookiejar.New(nil) // never fails without options
	c.fp, c.jar, c.id, c.secret, c.apiBase = true, jar, ClientFirstParty, "", AppOrigin
	c.http.Jar = jar
}

// hasCookie reports whether the browser holds the refresh cookie. The page
// cannot read it; the engine can, to show the learner where it is.
func (c *Client) refreshCookie() string {
	u, _ := url.Parse(AppOrigin + "/auth/refresh")
	for _, k := range c.jar.Cookies(u) {
		if k.Name == refreshCookieName {
			return k.Value
		}
	}
	return ""
}

func (c *Client) fpPost(path string, body string) Outcome {
	req, _ := http.NewRequest(http.MethodPost, AppOrigin+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, raw, o := c.env.send(c.http, req)
	if resp != nil && resp.StatusCode == http.StatusOK {
		var tr tokenResponse
		if json.Unmarshal(raw, &tr) == nil {
			c.store.mu.Lock()
			c.store.access = tr.AccessToken
			c.store.accessExp = c.env.clock.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
			c.store.mu.Unlock()
		}
	}
	return o
}

// RideSession is what script injection does against a first-party app
// whose refresh token it cannot read: it makes the page call /auth/refresh
// (the browser attaches the cookie) and exfiltrates the new access token.
// The request leaves Alice's browser, from the app's page, so it goes out
// on the app's transport and the wire records it as the app's: that is
// why the backend cannot tell it from a normal refresh. Only the
// exfiltration (the token.stolen event) involves the attacker.
//
// Against a BFF or a token-mediating backend the script rides that
// backend's session cookie instead (attacker_ride.go). Once the script is
// gone (ScriptGone), no riding is possible.
func (a *Attacker) RideSession() Outcome {
	if o, ok := a.inPage(); !ok {
		return o
	}
	v := a.victim
	if !v.fp {
		return a.rideBackend()
	}
	rider := &http.Client{Transport: v.http.Transport, Jar: v.jar}
	req, _ := http.NewRequest(http.MethodPost, AppOrigin+"/auth/refresh", nil)
	req.Header.Set("Content-Type", "application/json")
	resp, body, o := a.env.send(rider, req)
	if resp != nil && resp.StatusCode == http.StatusOK {
		var tr tokenResponse
		if json.Unmarshal(body, &tr) == nil {
			a.mu.Lock()
			a.access = tr.AccessToken
			a.mu.Unlock()
			a.env.emit(Event{Kind: KindStolen, From: ActorAttacker, To: ActorApp,
				Reason: "the injected script could not read the httpOnly cookie, but it made the page call /auth/refresh and sent the new access token home"})
		}
	}
	return o
}

// The AS's side of the first-party backend: each method takes the AS's
// lock, so that the backend never touches the AS's state itself.

// passwordLogin signs a user in with a password at the app's own backend
// and issues a family to the first-party client.
func (as *AuthServer) passwordLogin(username, password string) (*tokenResponse, *oauthError) {
	as.mu.Lock()
	defer as.mu.Unlock()
	u, ok := as.users[username]
	if !ok || !as.passwordOK(u, password) {
		return nil, newErr(401, "invalid_credentials", "wrong username or password")
	}
	if why := as.signInRefused(u.sub); why != "" { // as_account.go, as at /authorize
		return nil, newErr(401, "invalid_credentials", "the account is disabled").because(why)
	}
	now := as.env.clock.Now()
	as.env.emit(Event{Kind: KindLogin, From: ActorUser, To: ActorAS, Summary: u.sub + " signed in with a password at the app's own backend"})
	fam := as.startFamily(ClientFirstParty, u.sub, firstPartyScope, now, now)
	rt, _ := as.newRefresh(fam, nil, false)
	return as.issue(fam, firstPartyScope, as.audience, "", rt, "")
}

// cookieRefresh is the refresh grant for the refresh token a first-party
// backend's cookie carries.
func (as *AuthServer) cookieRefresh(rt string) (*tokenResponse, *oauthError) {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.refreshGrant(as.clients[ClientFirstParty], form{"refresh_token": rt}, "")
}

// logoutRefresh revokes the live family of refresh token v, access tokens
// included, and returns the labels of the token and family it revoked.
func (as *AuthServer) logoutRefresh(v string) (token, family string) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if rt, ok := as.refresh[hashToken(v)]; ok && !rt.fam.revoked() {
		as.revokeFamily(rt.fam, "the user logged out", true)
		return rt.label, rt.fam.label
	}
	return "", ""
}
