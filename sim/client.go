package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ClientKind is the kind of client application (RFC 6749 §2.1).
type ClientKind string

const (
	// KindSPA is a public client: a single-page app in the browser. It
	// cannot keep a secret, so it uses PKCE and its refresh tokens must be
	// rotated or sender-constrained (RFC 9700 §2.2.2).
	KindSPA ClientKind = "spa"
	// KindWeb is a confidential client: a server-side web app that
	// authenticates to the AS with a secret.
	KindWeb ClientKind = "web"
)

// DefaultScope is what the app asks for at login. offline_access asks for a
// refresh token that works while the user is absent, with her consent (OIDC
// Core §11). This simulator's AS issues none without it; that is its policy,
// not a rule of OIDC: many ASs issue a session-bound refresh token without it.
const DefaultScope = "openid profile orders:read offline_access"

// Client is the client application. It logs the user in through the
// browser, keeps the tokens in its store, calls the API with the access
// token, and refreshes silently: proactively shortly before exp, and
// reactively once after a 401 invalid_token. The refresh token goes
// nowhere but the token endpoint.
type Client struct {
	env     *env
	kind    ClientKind
	id      string
	secret  string
	storage Storage
	store   *TokenStore
	http    *http.Client // from the app (for an SPA: the page's JavaScript)
	browser *http.Client // the user's browser
	apiBase string       // the API's origin

	fp  bool           // talks to a first-party backend instead of an AS
	jar http.CookieJar // the browser's cookies (first-party only)

	mu      sync.Mutex
	pending map[string]pendingLogin // by state
}

type pendingLogin struct {
	verifier, nonce string
}

func newClient(e *env, w *Wire, kind ClientKind, storage Storage, store *TokenStore) *Client {
	c := &Client{env: e, kind: kind, storage: storage, store: store,
		http: w.Client(ActorApp), browser: w.Client(ActorUser), apiBase: APIAudience, pending: map[string]pendingLogin{}}
	// The user's browser keeps cookies: the AS's session cookie is what
	// makes the next login silent (session.go).
	c.browser.Jar, _ = cookiejar.New(nil) // never fails without options
	c.id = ClientSPA
	if kind == KindWeb {
		c.id, c.secret = ClientWeb, webSecret
	}
	return c
}

func (c *Client) note(format string, args ...any) {
	c.env.emit(Event{Kind: KindClientNote, From: ActorApp, Summary: fmt.Sprintf(format, args...)})
}

// LoginOptions are the OpenID Connect parameters a login may add to the
// authorization request (OIDC Core §3.1.2.1).
type LoginOptions struct {
	User, Password, Scope string
	Prompt                string // "", "none" or "login"
	MaxAge                string // max_age in seconds; "" for none
}

// Login runs the authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636)
// through the user's browser: the app redirects to /authorize, the user
// signs in, the AS redirects back with a code, and the app's callback
// exchanges code and verifier at /token. The code travels through the
// browser; the tokens do not.
func (c *Client) Login(username, password, scope string) Outcome {
	return c.LoginWith(LoginOptions{User: username, Password: password, Scope: scope})
}

// LoginWith is Login with prompt and max_age. When the browser holds a live
// AS session (and neither forces a sign-in), the AS answers the first
// request with the code at once: the user sees no form and types nothing.
func (c *Client) LoginWith(o LoginOptions) Outcome {
	if c.fp {
		b, _ := json.Marshal(map[string]string{"username": o.User, "password": o.Password})
		return c.fpPost("/auth/login", string(b))
	}
	start := c.env.log.Len()
	scope := o.Scope
	if scope == "" {
		scope = DefaultScope
	}
	state, verifier, nonce := c.env.rand.token(16), c.env.rand.token(32), c.env.rand.token(16)
	c.mu.Lock()
	c.pending[state] = pendingLogin{verifier, nonce}
	c.mu.Unlock()
	q := url.Values{
		"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {RedirectURI}, "scope": {scope},
		"state": {state}, "code_challenge": {S256Challenge(verifier)}, "code_challenge_method": {"S256"}, "nonce": {nonce},
	}
	extra := ""
	if o.Prompt != "" {
		q.Set("prompt", o.Prompt)
		extra += ", prompt=" + o.Prompt
	}
	if o.MaxAge != "" {
		q.Set("max_age", o.MaxAge)
		extra += ", max_age=" + o.MaxAge
	}
	c.note("the app sends the browser to the AS with a PKCE challenge (S256 of a secret verifier it keeps) and a random state%s", extra)
	page, err := c.browser.Get(Issuer + "/authorize?" + q.Encode())
	if err != nil {
		return Outcome{Error: "transport", Reason: err.Error()}
	}
	readAll(page)
	resp := page
	if page.StatusCode == http.StatusOK {
		// The login form: the user types her password.
		q.Del("prompt")
		q.Del("max_age")
		q.Set("username", o.User)
		q.Set("password", o.Password)
		if resp, err = c.browser.PostForm(Issuer+"/authorize", q); err != nil {
			return Outcome{Error: "transport", Reason: err.Error()}
		}
		readAll(resp)
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		o := outcomeSince(c.env.log, start, ActorUser)
		if o.Error == "" && page.StatusCode == http.StatusOK {
			o.Error = CodeAccessDenied
		}
		return o
	}
	cb, err := c.browser.Get(loc) // the browser follows the redirect to the app
	if err != nil {
		return Outcome{Error: "transport", Reason: err.Error()}
	}
	readAll(cb)
	if o := outcomeSince(c.env.log, start, ActorApp); o.Status != 0 && !o.OK() {
		return o
	}
	out := outcomeSince(c.env.log, start, ActorUser)
	if e, ok := firstSince(c.env.log, start, KindASSessionUsed); ok && out.OK() && out.Reason == "" {
		out.Reason = "signed in without the form: " + e.Summary
	}
	return out
}

// ServeHTTP is the app's own web endpoint: the redirect URI.
func (c *Client) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/logged-out" {
		// The post_logout_redirect_uri (RP-Initiated Logout 1.0 §3).
		noteOf(r).summary = "the AS sent the browser back to the app after logout"
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "Signed out.\n")
		return
	}
	if r.URL.Path != "/callback" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	c.mu.Lock()
	p, ok := c.pending[state]
	delete(c.pending, state)
	c.mu.Unlock()
	n := noteOf(r)
	if !ok {
		// RFC 6749 §10.12: a callback whose state the app did not issue is
		// a forged login (CSRF); the app aborts before any token request.
		n.err, n.reason = CodeStateMismatch, "the callback's state is not one the app issued: the app aborts (RFC 6749 section 10.12)"
		http.Error(w, "state mismatch", http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		n.err, n.reason = e, "the AS refused the login: "+q.Get("error_description")
		http.Error(w, "login refused: "+e, http.StatusBadRequest)
		return
	}
	if iss := q.Get("iss"); iss != "" && iss != Issuer {
		n.err, n.reason = "issuer_mismatch", "the callback names issuer "+quoteID(iss)+", not the AS the app started with (RFC 9207 mix-up defence)"
		http.Error(w, "issuer mismatch", http.StatusBadRequest)
		return
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")},
		"redirect_uri": {RedirectURI}, "code_verifier": {p.verifier}}
	out := c.tokenRequest(form)
	if !out.OK() {
		n.err, n.reason = out.Error, "the code exchange failed: "+out.Reason
		http.Error(w, "login failed", http.StatusBadGateway)
		return
	}
	n.summary = "signed in; the tokens stay with the app (" + string(c.storage) + ")"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "Signed in.\n")
}

// tokenRequest posts form to the token endpoint, authenticating as the
// client, and stores what comes back.
func (c *Client) tokenRequest(form url.Values) Outcome {
	req, _ := http.NewRequest(http.MethodPost, Issuer+"/token", strings.NewReader(""))
	if c.secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret)) // RFC 6749 §2.3.1
	} else {
		form.Set("client_id", c.id) // a public client identifies itself, nothing more
	}
	body := form.Encode()
	req.Body = io.NopCloser(strings.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, respBody, out := c.env.sendWithProof(c.http, ActorApp, c.tokenHolder(), req, "")
	if resp == nil || resp.StatusCode != http.StatusOK {
		return out
	}
	var tr tokenResponse
	if err := json.Unmarshal(respBody, &tr); err != nil {
		return Outcome{Status: resp.StatusCode, Error: "bad_response", Reason: "the token response is not JSON: " + err.Error()}
	}
	c.store.mu.Lock()
	c.store.access = tr.AccessToken
	c.store.accessExp = c.env.clock.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	c.store.tokenType = tr.TokenType
	if tr.RefreshToken != "" {
		c.store.refresh = tr.RefreshToken
	} // else: no rotation; keep the one we have (checklist item 29)
	if tr.IDToken != "" {
		c.store.id = tr.IDToken
	}
	c.store.mu.Unlock()
	return out
}

// Call calls the API. With a refresh token at hand it refreshes first when
// the access token is about to expire (policy RefreshSkew), and after a 401
// invalid_token it refreshes and retries once (RFC 6750 §3.1 lets a client get
// a new token and retry; once is this app's policy). After a 403 it
// does not: a new token would carry the same scope.
func (c *Client) Call(method, path string) Outcome {
	at, exp, _, _ := c.store.snapshot()
	rt := c.refreshHandle()
	if at == "" && rt == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no tokens: the user must log in"}
	}
	skew := c.env.policy().RefreshSkew
	if rt != "" && (at == "" || (skew > 0 && !c.env.clock.Now().Before(exp.Add(-skew)))) {
		if now := c.env.clock.Now(); !now.Before(exp) {
			c.note("the access token expired at %s (%s ago): the app refreshes before calling", when(exp), FormatDuration(now.Sub(exp).Truncate(time.Second)))
		} else {
			c.note("the access token expires at %s, within %s: the app refreshes before calling", when(exp), FormatDuration(skew))
		}
		if o := c.Refresh(); !o.OK() {
			return o
		}
	}
	o := c.callOnce(method, path)
	if o.Status == http.StatusUnauthorized && o.Error == CodeInvalidToken {
		if c.refreshHandle() != "" {
			c.note("401 invalid_token: the app refreshes silently and retries once")
			if r := c.Refresh(); !r.OK() {
				return r
			}
			return c.callOnce(method, path)
		}
		// Nothing can renew the dead token: the app drops it and the session
		// is over, as after a failed refresh.
		c.store.clear()
		c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: o.Reason,
			Summary: "401 invalid_token and no refresh token: the app forgets the dead access token and sends the user to log in again"})
	}
	if o.Status == http.StatusForbidden {
		c.note("403 insufficient_scope: refreshing would not add scope, so the app does not retry")
	}
	return o
}

func (c *Client) callOnce(method, path string) Outcome {
	at, _, _, _ := c.store.snapshot()
	return c.bearer(c.apiBase+path, method, at)
}

// bearer sends one API request with the token v as a bearer token.
func (c *Client) bearer(rawURL, method, v string) Outcome {
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		return Outcome{Error: CodeBadRequest, Reason: "the request cannot be built: " + err.Error()}
	}
	if h := c.apiHolder(); h != nil {
		// A DPoP-bound token: the DPoP scheme and a proof for this very
		// request, with ath, the hash of the token (RFC 9449 §7.1).
		req.Header.Set("Authorization", "DPoP "+v)
		_, _, o := c.env.sendWithProof(c.http, ActorApp, h, req, v)
		return o
	}
	req.Header.Set("Authorization", "Bearer "+v)
	_, _, o := c.env.send(c.http, req)
	return o
}

// Refresh trades the refresh token for new tokens (RFC 6749 §6). With
// single-flight on, concurrent callers sharing the store wait for one
// refresh instead of racing (the fix for multi-tab races). invalid_grant
// ends the session: the app forgets its tokens and the user must log in.
func (c *Client) Refresh() Outcome {
	f, rt, leader := c.startRefresh()
	if !leader {
		<-f.done
		return f.out
	}
	return c.finishRefresh(f, rt)
}

// startRefresh is a refresh's first half: the tab reads its refresh token
// from the store, or, with single-flight on and a refresh already under
// way, joins that one (leader false).
func (c *Client) startRefresh() (f *flight, rt string, leader bool) {
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	if f := c.store.flight; f != nil && c.env.policy().SingleFlight {
		return f, "", false
	}
	f = &flight{done: make(chan struct{})}
	c.store.flight = f
	return f, c.store.refresh, true
}

// finishRefresh is the second half: the request, with the token read at
// the start, which may be stale by now if another tab refreshed meanwhile.
func (c *Client) finishRefresh(f *flight, rt string) Outcome {
	if c.fp {
		f.out = c.fpPost("/auth/refresh", "")
		if f.out.Error == CodeInvalidGrant {
			c.store.clear()
			c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: f.out.Reason,
				Summary: "the backend refused the refresh cookie: the page shows the login screen"})
		}
	} else {
		f.out = c.refreshWith(rt)
	}
	c.store.mu.Lock()
	if c.store.flight == f {
		c.store.flight = nil
	}
	c.store.mu.Unlock()
	close(f.done)
	return f.out
}

func (c *Client) refreshWith(rt string) Outcome {
	if rt == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no refresh token"}
	}
	o := c.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if o.Error == CodeInvalidGrant {
		c.store.clear()
		c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: o.Reason,
			Summary: "the refresh failed with invalid_grant: the app forgets its tokens and sends the user to log in again"})
	}
	return o
}

// Logout revokes the refresh token at the AS (RFC 7009) and forgets every
// token. The access token is not recalled: an API that checks it locally
// accepts it until it expires.
func (c *Client) Logout() Outcome {
	if c.fp {
		c.store.clear()
		return c.fpPost("/auth/logout", "")
	}
	_, _, rt, _ := c.store.snapshot()
	c.store.clear()
	if rt == "" {
		c.note("logout: no refresh token to revoke; the app only forgets its access token")
		return Outcome{Status: http.StatusOK}
	}
	form := url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}
	req, _ := http.NewRequest(http.MethodPost, Issuer+"/revoke", nil)
	if c.secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	} else {
		form.Set("client_id", c.id)
	}
	req.Body = io.NopCloser(strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, _, o := c.env.send(c.http, req)
	return o
}

// Forget is the app's own logout and nothing more: it drops every token it
// holds and tells nobody. The AS session in the browser lives on, so the
// next login is silent; the refresh token stays valid at the AS for whoever
// copied it; an access token stays valid at a stateless API until exp
// (curriculum idea 10: three layers of "logged in").
func (c *Client) Forget() Outcome {
	c.store.clear()
	if c.fp {
		c.note("logout in the app only: the page forgets its access token; the refresh cookie stays in the browser")
		return Outcome{}
	}
	c.note("logout in the app only: the app forgets its tokens and tells neither the AS nor the API")
	return Outcome{} // no request was made: no status
}

// EndSession is RP-initiated logout (OpenID Connect RP-Initiated Logout
// 1.0): the app forgets its tokens and sends the browser to the AS's
// end_session_endpoint with its ID token as id_token_hint, its registered
// post_logout_redirect_uri and a fresh state (§2, §3). The AS ends its
// session (and, by policy, the session's refresh tokens); access tokens
// already issued are not recalled.
func (c *Client) EndSession() Outcome {
	if err := ASSessionIn(c.topology()); err != nil {
		return Outcome{Error: CodeBadRequest, Reason: err.Error()}
	}
	start := c.env.log.Len()
	_, _, _, id := c.store.snapshot()
	c.store.clear()
	state := c.env.rand.token(16)
	q := url.Values{"post_logout_redirect_uri": {PostLogoutRedirectURI}, "state": {state}}
	if id != "" {
		q.Set("id_token_hint", id)
	} else {
		q.Set("client_id", c.id) // §2: without a hint, client_id says whose redirect URI it is
	}
	c.note("the app forgets its tokens and sends the browser to the AS's end_session_endpoint (RP-initiated logout)")
	resp, err := c.browser.Get(Issuer + "/end_session?" + q.Encode())
	if err != nil {
		return Outcome{Error: "transport", Reason: err.Error()}
	}
	readAll(resp)
	if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusFound && loc != "" {
		u, err := url.Parse(loc)
		if err != nil || u.Query().Get("state") != state {
			// §3: the RP checks the state it sent came back.
			return Outcome{Status: resp.StatusCode, Error: CodeStateMismatch, Reason: "the logout redirect did not carry back the app's state (RP-Initiated Logout 1.0 section 3)"}
		}
		back, err := c.browser.Get(loc)
		if err != nil {
			return Outcome{Error: "transport", Reason: err.Error()}
		}
		readAll(back)
		o := outcomeSince(c.env.log, start, ActorUser)
		if ended := endedSince(c.env.log, start); ended != "" {
			o.Reason = ended
		}
		return o
	}
	return outcomeSince(c.env.log, start, ActorUser)
}

// endedSince returns the reason of the first AS-session end after event n.
func endedSince(l *Log, n int) string {
	e, _ := firstSince(l, n, KindASSessionEnded)
	return e.Reason
}

// firstSince returns the first event of kind k after event n.
func firstSince(l *Log, n int, k EventKind) (Event, bool) {
	for _, e := range l.Since(n) {
		if e.Kind == k {
			return e, true
		}
	}
	return Event{}, false
}

// topology is the world shape this client lives in.
func (c *Client) topology() Topology {
	if c.fp {
		return TopologyFirstParty
	}
	return TopologyOAuth
}

// ASSessionIn says whether a world of topology t has an AS session to log
// out of or to ride: the one rule the engine and the scenario validator
// share.
func ASSessionIn(t Topology) error {
	if t == TopologyFirstParty {
		return fmt.Errorf("%w: in the first-party topology the app's own backend signs the user in; there is no authorization server, so no AS session and no end_session endpoint", ErrNoASSession)
	}
	return nil
}

// Kind returns the client's kind; ID its client_id; Storage where it keeps
// its tokens.
func (c *Client) Kind() ClientKind   { return c.kind }
func (c *Client) ID() string         { return c.id }
func (c *Client) Storage() Storage   { return c.storage }
func (c *Client) Store() *TokenStore { return c.store }

// LoggedIn reports whether the app holds any token.
func (c *Client) LoggedIn() bool {
	at, _, _, _ := c.store.snapshot()
	return at != "" || c.refreshHandle() != ""
}

// refreshHandle is the refresh token the app can refresh with: its own, or
// for a first-party app the browser's httpOnly cookie.
func (c *Client) refreshHandle() string {
	if c.fp {
		return c.refreshCookie()
	}
	_, _, rt, _ := c.store.snapshot()
	return rt
}

// TokenID names the ID token in Present and RefreshUsing.
const TokenID TokenKind = "id"

// Present sends the app's token of kind which as a bearer token to the API
// at origin (APIAudience, APIBAudience): a misuse the audience lessons need
// — a refresh token or an ID token at an API, a token at the wrong API.
func (c *Client) Present(origin, method, path string, which TokenKind) Outcome {
	v := c.held(which)
	if v == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no " + string(which) + " token"}
	}
	return c.bearer(origin+path, method, v)
}

// RefreshUsing posts the app's token of kind which to the token endpoint as
// a refresh_token: with an access token, the AS answers invalid_grant.
func (c *Client) RefreshUsing(which TokenKind) Outcome {
	v := c.held(which)
	if v == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no " + string(which) + " token"}
	}
	return c.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {v}})
}

func (c *Client) held(which TokenKind) string {
	at, _, rt, id := c.store.snapshot()
	switch which {
	case TokenAccess:
		return at
	case TokenRefresh:
		return rt
	case TokenID:
		return id
	}
	return ""
}
