package serve_test

import (
	"context"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/tokensim/tokensim/internal/testclock"
	"golang.org/x/oauth2"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/sim/jose"
)

type serveTestEnv struct {
	world  *sim.World
	srv    *serve.Server
	origin string
	time   *testclock.Clock
	plain  *http.Client // follows no redirects, like a test-driven browser
}

// serveTestStart serves a fresh serve world on a real loopback socket and
// shuts it down gracefully when the test ends.
func serveTestStart(t testing.TB, sets ...string) *serveTestEnv {
	t.Helper()
	return serveTestStartWith(t, serve.Options{}, sets...)
}

// serveTestStartWith is serveTestStart with serve options (Origin is set
// here, and Now unless the caller sets it: a test of a client library that
// reads the real time.Now passes a wall clock).
func serveTestStartWith(t testing.TB, opts serve.Options, sets ...string) *serveTestEnv {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	origin := "http://" + l.Addr().String()
	clk := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	opts.Origin = origin
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	srv, err := serve.New(opts)
	if err != nil {
		t.Fatalf("serve.New: %v", err)
	}
	w := srv.World()
	for _, kv := range sets {
		k, v, _ := strings.Cut(kv, "=")
		if err := w.Set(k, v); err != nil {
			t.Fatalf("Set(%s): %v", kv, err)
		}
	}
	hs := srv.HTTPServer(nil)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	plain := &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &serveTestEnv{world: w, srv: srv, origin: origin, time: clk, plain: plain}
}

var serveTestHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// serveTestLogin plays the browser: it opens authURL, reads the login form
// and posts it back with the credentials, as a person would. It returns
// the login page response's body when the AS does not redirect.
func serveTestLogin(t *testing.T, e *serveTestEnv, authURL, username, password string) (*url.URL, string) {
	t.Helper()
	resp, err := e.plain.Get(authURL)
	if err != nil {
		t.Fatalf("GET authorize: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET authorize: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), page)
	}
	if !strings.Contains(string(page), `<form method="post" action="/authorize">`) ||
		!strings.Contains(string(page), `name="username"`) || !strings.Contains(string(page), `name="password"`) {
		t.Fatalf("the login page has no username/password form:\n%s", page)
	}
	form := url.Values{"username": {username}, "password": {password}}
	for _, m := range serveTestHidden.FindAllStringSubmatch(string(page), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	resp, err = e.plain.PostForm(e.origin+"/authorize", form)
	if err != nil {
		t.Fatalf("POST authorize: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		if resp.Header.Get("Location") != "" {
			t.Fatalf("a non-302 answer carries a Location: %s", resp.Header.Get("Location"))
		}
		return nil, string(body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("Location: %v", err)
	}
	return loc, ""
}

// advance jumps the virtual clock, a wall second after whatever the test
// did last, as a person typing would: tokens are stamped in whole wall
// seconds, and a jump in the second of the newest iat waits for it to end
// (sim's Clock.jump), on the real clock, which this test clock is not.
func (e *serveTestEnv) advance(t *testing.T, by string) {
	t.Helper()
	e.time.Advance(time.Second)
	resp, err := e.plain.PostForm(e.origin+serve.ClockPath, url.Values{"by": {by}})
	if err != nil {
		t.Fatalf("advance: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("advance %s: %d %s", by, resp.StatusCode, body)
	}
}

// serveTestAPI calls GET /api/profile with an access token, as a client
// library's http.Client would, and returns the status and challenge.
func serveTestAPI(t *testing.T, c *http.Client, origin string) (int, string) {
	t.Helper()
	resp, err := c.Get(origin + "/api/profile")
	if err != nil {
		t.Fatalf("GET /api/profile: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

func serveTestRetrieveCode(t *testing.T, err error) string {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not an *oauth2.RetrieveError", err, err)
	}
	return re.ErrorCode
}

// TestServeLibrariesEndToEnd drives serve mode with unmodified client
// libraries over a real loopback socket: go-oidc discovers the AS and
// verifies the ID token, golang.org/x/oauth2 does the authorization code
// grant with PKCE (RFC 7636), calls the API, and refreshes; rotation, reuse
// detection (RFC 9700 §4.14.2) and revocation (RFC 7009) behave as the
// lessons teach.
func TestServeLibrariesEndToEnd(t *testing.T) {
	e := serveTestStart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Discovery: go-oidc insists that the document's issuer equals, byte
	// for byte, the URL it was given (OIDC Discovery §4.3).
	provider, err := oidc.NewProvider(ctx, e.origin)
	if err != nil {
		t.Fatalf("oidc.NewProvider(%s): %v", e.origin, err)
	}
	if provider.Endpoint().TokenURL != e.origin+"/token" {
		t.Fatalf("token endpoint %q", provider.Endpoint().TokenURL)
	}
	cfg := &oauth2.Config{
		ClientID:    serve.ClientCLI,
		Endpoint:    provider.Endpoint(),
		RedirectURL: "http://127.0.0.1:49152/callback", // RFC 8252 §7.3: any port
		Scopes:      []string{oidc.ScopeOpenID, "profile", "offline_access"},
	}
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n-1"))

	// Wrong credentials: the page again, with an error, never a redirect.
	loc, page := serveTestLogin(t, e, authURL, "alice", "looking-glass")
	if loc != nil || !strings.Contains(page, "Wrong username or password.") {
		t.Fatalf("wrong password: redirect %v, page:\n%s", loc, page)
	}
	loc, page = serveTestLogin(t, e, authURL, sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("login did not redirect:\n%s", page)
	}
	q := loc.Query()
	if loc.Host != "127.0.0.1:49152" || q.Get("state") != "st-1" || q.Get("iss") != e.origin || q.Get("code") == "" {
		t.Fatalf("authorization response %s", loc)
	}

	// Code exchange with the verifier; without it the AS must refuse
	// (RFC 7636 §4.6).
	if _, err := cfg.Exchange(ctx, q.Get("code")); err == nil {
		t.Fatal("code exchange without code_verifier succeeded")
	} else if c := serveTestRetrieveCode(t, err); c != "invalid_grant" {
		t.Fatalf("exchange without verifier: %s", c)
	}
	// Log in again for a fresh code, whatever the failed attempt did to
	// the first one.
	verifier = oauth2.GenerateVerifier()
	authURL = cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n-2"))
	loc, page = serveTestLogin(t, e, authURL, sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("second login did not redirect:\n%s", page)
	}
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("token response: %+v", tok)
	}

	// ID token: signature from the JWKS, iss, aud, exp, nonce, at_hash.
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatal("no id_token in the token response to an openid request")
	}
	// The RP's clock is the wall clock: tokens are stamped in wall time.
	idv := provider.Verifier(&oidc.Config{ClientID: serve.ClientCLI, Now: e.time.Now})
	idt, err := idv.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("ID token verification: %v", err)
	}
	if idt.Subject != "alice" || idt.Nonce != "n-2" || idt.Issuer != e.origin {
		t.Fatalf("ID token sub %q nonce %q iss %q", idt.Subject, idt.Nonce, idt.Issuer)
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			t.Fatalf("at_hash: %v", err)
		}
	}
	// The same verifier must refuse an ID token meant for another client.
	other := provider.Verifier(&oidc.Config{ClientID: sim.ClientWeb, Now: e.time.Now})
	if _, err := other.Verify(ctx, raw); err == nil {
		t.Fatal("an ID token for cli verified for web")
	}

	// The API accepts the access token (RFC 6750 §2.1).
	if st, ch := serveTestAPI(t, cfg.Client(ctx, tok), e.origin); st != http.StatusOK {
		t.Fatalf("API with a fresh token: %d %s", st, ch)
	}

	// Expire it: the admin endpoint moves the virtual clock, nobody sleeps.
	e.advance(t, "16m")
	st, ch := serveTestAPI(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)), e.origin)
	if st != http.StatusUnauthorized || !strings.Contains(ch, `error="invalid_token"`) {
		t.Fatalf("API with an expired token: %d %q", st, ch)
	}

	// Refresh as a client does after a 401: a token source holding only the
	// refresh token. Rotation hands back a new one (RFC 9700 §4.14.2).
	tok2, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken || tok2.AccessToken == tok.AccessToken {
		t.Fatal("refresh did not rotate the refresh token")
	}
	if st, ch := serveTestAPI(t, cfg.Client(ctx, tok2), e.origin); st != http.StatusOK {
		t.Fatalf("API after refresh: %d %s", st, ch)
	}

	// Replay of the retired refresh token: invalid_grant, and the whole
	// family is revoked, so the current refresh token dies too.
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if c := serveTestRetrieveCode(t, err); c != "invalid_grant" {
		t.Fatalf("replay: %s", c)
	}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok2.RefreshToken}).Token()
	if c := serveTestRetrieveCode(t, err); c != "invalid_grant" {
		t.Fatalf("the current refresh token after reuse: %s", c)
	}
	var reuse, famRevoked bool
	for _, ev := range e.world.Log().Events() {
		reuse = reuse || ev.Kind == sim.KindReuse
		famRevoked = famRevoked || ev.Kind == sim.KindFamilyRevoked
	}
	if !reuse || !famRevoked {
		t.Fatalf("log: reuse.detected %v, family.revoked %v", reuse, famRevoked)
	}

	// A new session, then revocation (RFC 7009 §2.1): the refresh token
	// is dead afterwards.
	verifier = oauth2.GenerateVerifier()
	loc, page = serveTestLogin(t, e, cfg.AuthCodeURL("st-3", oauth2.S256ChallengeOption(verifier)), sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("third login:\n%s", page)
	}
	tok3, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange 3: %v", err)
	}
	resp, err := e.plain.PostForm(e.origin+"/revoke", url.Values{"token": {tok3.RefreshToken}, "token_type_hint": {"refresh_token"}, "client_id": {serve.ClientCLI}})
	if err != nil {
		t.Fatalf("revoke: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok3.RefreshToken}).Token()
	if c := serveTestRetrieveCode(t, err); c != "invalid_grant" {
		t.Fatalf("refresh after revocation: %s", c)
	}
}

// TestServeConfidentialClient: the web client authenticates with its
// secret (client_secret_basic, RFC 6749 §2.3.1) and is sent back to the
// serve origin's callback page, which shows the code to the person.
func TestServeConfidentialClient(t *testing.T) {
	e := serveTestStart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := &oauth2.Config{
		ClientID: sim.ClientWeb, ClientSecret: sim.DemoWebSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: e.origin + "/authorize", TokenURL: e.origin + "/token", AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL: e.origin + serve.CallbackPath,
		Scopes:      []string{"openid", "orders:read", "offline_access"},
	}
	loc, page := serveTestLogin(t, e, cfg.AuthCodeURL("s"), sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("login:\n%s", page)
	}
	resp, err := e.plain.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	code := loc.Query().Get("code")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(cb), code) || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("callback page %d:\n%s", resp.StatusCode, cb)
	}
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	c := cfg.Client(ctx, tok)
	resp, err = c.Get(e.origin + "/api/orders")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/orders: %d", resp.StatusCode)
	}
	// A wrong secret is invalid_client (RFC 6749 §5.2).
	bad := *cfg
	bad.ClientSecret = "nope"
	_, err = bad.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if c := serveTestRetrieveCode(t, err); c != "invalid_client" {
		t.Fatalf("wrong secret: %s", c)
	}
}

// TestServeIDTokenAlgs: go-oidc verifies ID tokens signed with each
// algorithm the AS offers, keys from the JWKS, including at_hash (OIDC
// Core §3.1.3.6; for EdDSA go-oidc hashes with SHA-512, checklist item 45).
func TestServeIDTokenAlgs(t *testing.T) {
	for _, alg := range jose.Algs() {
		t.Run(string(alg), func(t *testing.T) {
			e := serveTestStart(t, "alg="+string(alg))
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			provider, err := oidc.NewProvider(ctx, e.origin)
			if err != nil {
				t.Fatal(err)
			}
			cfg := &oauth2.Config{ClientID: serve.ClientCLI, Endpoint: provider.Endpoint(), RedirectURL: "http://[::1]:8765/cb",
				Scopes: []string{oidc.ScopeOpenID, "profile"}}
			verifier := oauth2.GenerateVerifier()
			loc, page := serveTestLogin(t, e, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n")), sim.DemoUser, sim.DemoPassword)
			if loc == nil {
				t.Fatalf("login:\n%s", page)
			}
			tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := tok.Extra("id_token").(string)
			idt, err := provider.Verifier(&oidc.Config{ClientID: serve.ClientCLI, Now: e.time.Now}).Verify(ctx, raw)
			if err != nil {
				t.Fatalf("%s ID token: %v", alg, err)
			}
			if idt.AccessTokenHash == "" {
				t.Fatalf("%s ID token has no at_hash", alg)
			}
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Fatalf("%s at_hash: %v", alg, err)
			}
		})
	}
}
