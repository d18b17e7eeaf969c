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
	store   *tokenStore
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

func newClient(e *env, w *wire, kind ClientKind, storage Storage, store *tokenStore) *Client {
	c := &Client{env: e, kind: kind, storage: storage, store: store,
		http: w.Client(ActorApp), browser: w.Client(ActorUser), apiBase: APIAudience, pending: map[string]pendingLogin{}}
	// The user's browser keeps cookies: the AS's session cookie is what
	// makes the next login silent (as_session.go).
	c.browser.Jar, _ = cookiejar.New(nil) // never fails without options
	c.id = ClientSPA
	if kind == KindWeb || c.backend() {
		// A server-side web app, or the backend of a BFF or a
		// token-mediating app: a confidential client (client_backend.go).
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
	// Resource is the API the login asks access for (RFC 8707 §2.1);
	// "" names none.
	Resource string
	Prompt   string // "", "none" or "login"
	MaxAge   string // max_age in seconds; "" for none
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
	if c.fp && o.Resource != "" {
		// The backend is its own issuer and its /api/ its only audience:
		// no resource parameter to send (RFC 8707 is for an AS with
		// several resource servers).
		return Outcome{Error: CodeBadRequest, Reason: "the first-party backend issues tokens for its own API only: a login cannot name a resource"}
	}
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
		"state": {state}, "code_challenge": {s256Challenge(verifier)}, "code_challenge_method": {"S256"}, "nonce": {nonce},
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
	if o.Resource != "" {
		q.Set(resourceParam, o.Resource)
		extra += ", resource=" + o.Resource
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
	if c.mediated() && cb.StatusCode == http.StatusOK {
		// The page asks its backend for the access token it will use.
		if o := c.fromBackend(http.MethodGet); !o.OK() {
			return o
		}
	}
	out := outcomeSince(c.env.log, start, ActorUser)
	if e, ok := firstSince(c.env.log, start, KindASSessionUsed); ok && out.OK() && (out.Reason == "" || c.mediated()) { // a mediated login's last exchange is the hand-over
		out.Reason = "signed in without the form: " + e.Summary
	}
	return out
}

// ServeHTTP is the app's own web endpoint: the redirect URI.
func (c *Client) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if c.serveBackend(w, r) {
		return
	}
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
	switch {
	case c.bff():
		c.startSession(w)
		n.summary = "signed in; the BFF keeps every token and gives the browser only an httpOnly session cookie"
	case c.mediated():
		c.startSession(w)
		n.summary = "signed in; the backend keeps the refresh token and gives the browser an httpOnly session cookie, with which the page asks for the access token"
		if c.env.policy().DPoP {
			c.note("dpop is on, but this token-mediating backend asked for bearer tokens: the page presents the access token, and it does not hold the backend's DPoP key (this simulator models no key shared between them)")
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "Signed in.\n")
}

// tokenRequest posts form to the token endpoint, authenticating as the
// client, and stores what comes back.
func (c *Client) tokenRequest(form url.Values) Outcome {
	return c.tokenRequestFor(form, "")
}

// tokenRequestFor is tokenRequest for a token request that named resource
// (RFC 8707 §2.2): the access token that comes back is kept apart, as the
// app's token for that API, unless resource is "" or the app's own API.
func (c *Client) tokenRequestFor(form url.Values, resource string) Outcome {
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
	exp := c.env.clock.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	if resource != "" && resource != c.apiBase {
		if c.store.other == nil {
			c.store.other = map[string]heldAccess{}
		}
		c.store.other[resource] = heldAccess{value: tr.AccessToken, exp: exp}
	} else {
		c.store.access = tr.AccessToken
		c.store.accessExp = exp
		c.store.tokenType = tr.TokenType
	}
	if tr.RefreshToken != "" {
		c.store.refresh = tr.RefreshToken
	} // else: no rotation; keep the one we have (checklist item 29)
	if tr.IDToken != "" {
		c.store.id = tr.IDToken
	}
	c.store.mu.Unlock()
	return out
}

// Kind returns the client's kind.
func (c *Client) Kind() ClientKind { return c.kind }

// ID returns the client's client_id.
func (c *Client) ID() string { return c.id }

// Storage returns where the client keeps its tokens.
func (c *Client) Storage() Storage { return c.storage }

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
