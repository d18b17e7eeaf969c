package serve_test

// These tests drive serve with a second, stricter client library:
// github.com/zitadel/oidc/v3's relying party (pkg/client/rp), whose README
// (v3.52.0) says "The RP is certified for the basic and config profile"
// (OpenID Foundation certification, https://openid.net/certification/,
// plans linked from https://github.com/zitadel/oidc#what-is-it). It is
// configured stricter than its defaults:
//
//   - zero clock skew: rp.WithIssuedAtOffset(0). Its default Offset is one
//     second (rp.NewIDTokenVerifier), the one second of issue 17; with 0,
//     oidc.CheckIssuedAt refuses an iat after time.Now (rounded to the
//     second) and oidc.CheckExpiration an exp not after time.Now;
//   - a maximum ID-token age, rp.WithIssuedAtMaxAge, so that a token stamped
//     with a clock that lags the wall is refused as well;
//   - nonce checked: rp.WithNonce gives the verifier the nonce the RP sent
//     (OIDC Core §3.1.3.7 step 11), carried in the request's context;
//   - PKCE S256: rp.WithPKCE (RFC 7636 §4.2: oidc.NewSHACodeChallenge).
//
// zitadel checks iat and exp against its own time.Now and offers no clock
// to inject (pkg/oidc/verifier.go: CheckIssuedAt, CheckExpiration), so the
// servers here take the real wall clock as their time source (rpWall), not
// the stopped testclock of the other serve tests. Nothing sleeps: the
// virtual clock is moved with POST /sim/clock/advance, as the README's
// walk-through does, and wall time that must pass is a server wall clock
// that starts behind time.Now and catches up (rpWall.pass), which the
// server cannot tell from waiting: "two seconds after start" under --clock
// x60, and the second at least that a person takes between receiving a
// token and typing the advance. That second matters: a stamp has whole
// seconds, so the server ages a token by the advances made a second or
// more after its iat (sim/clock_stamp.go), and the strict RP then checks
// tokens stamped with exactly its own time.Now.
//
// Everything runs on loopback sockets: the AS (serve.Server), the RP's own
// callback server, and the "browser" (serveTestEnv.plain with a cookie
// jar); no network.

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	httphelper "github.com/zitadel/oidc/v3/pkg/http"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// rpMaxIATAge is how old an ID token may be when the strict RP checks it:
// it checks each one right after the token endpoint answered, so a minute
// is room for a loaded test machine, and far less than the 16 minutes an
// advance moves the virtual clock.
const rpMaxIATAge = time.Minute

// rpWall is the server's time source: the real wall clock, optionally
// behind it. A server whose clock is 2s behind and then passes 2s has
// watched two seconds of wall time go by, and from then on reads exactly
// what zitadel's time.Now reads. While it is behind, the tokens it issues
// look older to the RP, never newer: a lag cannot hide an iat in the
// future.
type rpWall struct{ behind atomic.Int64 }

func (w *rpWall) Now() time.Time { return time.Now().Add(-time.Duration(w.behind.Load())) }

// pass lets d of the server's wall time go by without waiting, by catching
// up with time.Now; it cannot go past time.Now.
func (w *rpWall) pass(t *testing.T, d time.Duration) {
	t.Helper()
	if b := time.Duration(w.behind.Load()); d > b {
		t.Fatalf("the server's clock is %v behind time.Now: %v cannot pass without waiting", b, d)
	}
	w.behind.Add(-int64(d))
}

// rpStart serves a fresh world on a loopback socket whose clock source is
// the wall clock, behind it by behind, running speed times as fast (1:
// --clock real, 60: --clock x60). The returned env's browser (e.plain)
// keeps cookies, as a browser does: the AS session, the RP's state and
// PKCE cookies.
func rpStart(t *testing.T, speed int, behind time.Duration, sets ...string) (*serveTestEnv, *rpWall) {
	t.Helper()
	wall := &rpWall{}
	wall.behind.Store(int64(behind))
	e := serveTestStartWith(t, serve.Options{Now: wall.Now, Speed: speed}, sets...)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	e.plain.Jar = jar
	return e, wall
}

type rpNonceKey struct{}

// rpNonce is the strict verifier's nonce: the one the RP sent with the
// authorization request, which the caller put in ctx; "" (no nonce claim
// allowed) when there is none, as for a refreshed ID token (OIDC Core
// §12.2: it SHOULD NOT carry one).
func rpNonce(ctx context.Context) string {
	n, _ := ctx.Value(rpNonceKey{}).(string)
	return n
}

func rpWithNonce(ctx context.Context, nonce string) context.Context {
	return context.WithValue(ctx, rpNonceKey{}, nonce)
}

// rpStrictOptions are the strict RP's options (see the file comment).
func rpStrictOptions(cookies *httphelper.CookieHandler, hc *http.Client, style oauth2.AuthStyle) []rp.Option {
	return []rp.Option{
		rp.WithPKCE(cookies),
		rp.WithHTTPClient(hc),
		rp.WithAuthStyle(style),
		rp.WithVerifierOpts(
			rp.WithIssuedAtOffset(0),
			rp.WithIssuedAtMaxAge(rpMaxIATAge),
			rp.WithNonce(rpNonce),
		),
	}
}

// rpCookies is an RP's cookie handler: random keys, and not Secure, since
// everything here is plain-http loopback.
func rpCookies() *httphelper.CookieHandler {
	key := func() []byte { b := make([]byte, 32); _, _ = rand.Read(b); return b }
	return httphelper.NewCookieHandler(key(), key(), httphelper.WithUnsecure())
}

// rpApp is the strict RP as a web app of its own on a loopback port: /login
// sends the browser to the AS with state, nonce and an S256 code challenge
// (zitadel's rp.AuthURLHandler), /callback exchanges the code and verifies
// the ID token (rp.CodeExchangeHandler).
type rpApp struct {
	party  rp.RelyingParty
	origin string
	opts   []rp.Option
	scopes []string

	mu     sync.Mutex
	tokens *oidc.Tokens[*oidc.IDTokenClaims]
	nonce  string
}

// rpServe starts the strict RP for the public client cli (RFC 8252 §7.3:
// a loopback redirect on any port), with scopes.
func rpServe(t *testing.T, e *serveTestEnv, scopes ...string) *rpApp {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &rpApp{origin: "http://" + l.Addr().String(), scopes: scopes}
	cookies := rpCookies()
	// The back channel (token, userinfo, revocation, JWKS): no cookies.
	a.opts = rpStrictOptions(cookies, &http.Client{Timeout: 10 * time.Second}, oauth2.AuthStyleInParams)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a.party, err = rp.NewRelyingPartyOIDC(ctx, e.origin, serve.ClientCLI, "", a.origin+"/callback", scopes, a.opts...)
	if err != nil {
		t.Fatalf("rp.NewRelyingPartyOIDC(%s): %v", e.origin, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		nonce := rand.Text()
		if err := cookies.SetCookie(w, "nonce", nonce); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		a.mu.Lock()
		a.nonce = nonce
		a.mu.Unlock()
		rp.AuthURLHandler(rand.Text, a.party, rp.WithURLParam("nonce", nonce))(w, r)
	})
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		nonce, err := cookies.CheckCookie(r, "nonce")
		if err != nil {
			http.Error(w, "no nonce cookie: "+err.Error(), http.StatusBadRequest)
			return
		}
		cookies.DeleteCookie(w, "nonce")
		got := func(w http.ResponseWriter, _ *http.Request, tokens *oidc.Tokens[*oidc.IDTokenClaims], _ string, _ rp.RelyingParty) {
			a.mu.Lock()
			a.tokens = tokens
			a.mu.Unlock()
			_, _ = io.WriteString(w, "signed in")
		}
		rp.CodeExchangeHandler(got, a.party)(w, r.WithContext(rpWithNonce(r.Context(), nonce)))
	})
	mux.HandleFunc("/logged-out", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "signed out") })
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(l) }()
	t.Cleanup(func() { _ = hs.Close() })
	return a
}

// login plays the browser through the RP: its /login, the AS's sign-in
// form, the RP's /callback. It returns the tokens the RP verified and the
// nonce it sent.
func (a *rpApp) login(t *testing.T, e *serveTestEnv) (*oidc.Tokens[*oidc.IDTokenClaims], string) {
	t.Helper()
	authURL := a.authURL(t, e)
	loc, page := serveTestLogin(t, e, authURL, sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("sign-in did not redirect:\n%s", page)
	}
	return a.callback(t, e, loc)
}

// authURL opens the RP's /login and returns where it sends the browser:
// the AS's authorization endpoint with state, nonce and an S256 challenge.
func (a *rpApp) authURL(t *testing.T, e *serveTestEnv) string {
	t.Helper()
	resp, err := e.plain.Get(a.origin + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("RP /login: %d %q %v", resp.StatusCode, resp.Header.Get("Location"), err)
	}
	q := u.Query()
	if !strings.HasPrefix(u.String(), e.origin+"/authorize?") || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("the RP's authorization request lacks PKCE S256, nonce or state: %s", u)
	}
	return u.String()
}

// callback follows the AS's redirect to the RP's callback, where the RP
// redeems the code and verifies the ID token.
func (a *rpApp) callback(t *testing.T, e *serveTestEnv, loc *url.URL) (*oidc.Tokens[*oidc.IDTokenClaims], string) {
	t.Helper()
	if !strings.HasPrefix(loc.String(), a.origin+"/callback?") {
		t.Fatalf("the AS redirected to %s, not the RP's callback", loc)
	}
	resp, err := e.plain.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the strict RP refused the login: %d %s", resp.StatusCode, body)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	tok, nonce := a.tokens, a.nonce
	a.tokens = nil
	if tok == nil || tok.IDToken == "" || tok.IDTokenClaims == nil {
		t.Fatal("the RP's callback answered without verified tokens")
	}
	return tok, nonce
}

// rpRefresh refreshes as the strict RP: zitadel verifies the new ID token
// (and at_hash) before returning, with no nonce allowed (OIDC Core §12.2).
func rpRefresh(t *testing.T, party rp.RelyingParty, refreshToken string) *oidc.Tokens[*oidc.IDTokenClaims] {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := rp.RefreshTokens[*oidc.IDTokenClaims](ctx, party, refreshToken, "", "")
	if err != nil {
		t.Fatalf("refresh, ID token checked with zero skew: %v", err)
	}
	if tok.IDToken == "" || tok.IDTokenClaims == nil {
		t.Fatal("the refresh of an openid grant returned no ID token to check")
	}
	if tok.RefreshToken == "" || tok.RefreshToken == refreshToken {
		t.Fatal("refresh did not rotate the refresh token")
	}
	return tok
}

// rpOAuthError is the OAuth error code of a zitadel token-endpoint error.
func rpOAuthError(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		t.Fatal("the token endpoint granted what it must refuse")
	}
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		t.Fatalf("error %v (%T) is not an *oidc.Error", err, err)
	}
	return string(oe.ErrorType)
}

// rpAPI calls GET /api/profile (scope profile) with the access token; the
// status.
func rpAPI(t *testing.T, e *serveTestEnv, accessToken string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.origin+"/api/profile", nil)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestRPStrictLogin: the certified RP signs in with PKCE S256 (RFC 7636)
// and a nonce, and accepts the ID token with zero clock skew (OIDC Core
// §3.1.3.7: signature from the JWKS, iss, aud, azp, exp, iat, nonce;
// at_hash §3.1.3.8). The same token with another nonce is refused: the
// nonce really is checked.
func TestRPStrictLogin(t *testing.T) {
	e, _ := rpStart(t, 1, 0)
	a := rpServe(t, e, oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeOfflineAccess)
	tok, nonce := a.login(t, e)
	c := tok.IDTokenClaims
	if c.Subject != sim.DemoUser || c.Nonce != nonce || c.Issuer != e.origin || tok.RefreshToken == "" {
		t.Fatalf("ID token sub %q nonce %q (sent %q) iss %q; refresh token %t", c.Subject, c.Nonce, nonce, c.Issuer, tok.RefreshToken != "")
	}
	v := a.party.IDTokenVerifier()
	if v.Offset != 0 {
		t.Fatalf("the RP allows %v of clock skew, want 0", v.Offset)
	}
	ctx := context.Background()
	if _, err := rp.VerifyIDToken[*oidc.IDTokenClaims](rpWithNonce(ctx, nonce), tok.IDToken, v); err != nil {
		t.Fatalf("the ID token again, same nonce: %v", err)
	}
	if _, err := rp.VerifyIDToken[*oidc.IDTokenClaims](rpWithNonce(ctx, "another-"+nonce), tok.IDToken, v); !errors.Is(err, oidc.ErrNonceInvalid) {
		t.Fatalf("the ID token with another nonce: %v, want %v", err, oidc.ErrNonceInvalid)
	}
	if st := rpAPI(t, e, tok.AccessToken); st != http.StatusOK {
		t.Fatalf("API with the RP's access token: %d", st)
	}
}

// TestRPStrictRefreshAfterAdvance: the README's step 4 moves the virtual
// clock 16 minutes; the access token is then expired at the API, and the
// refreshed ID token still passes the strict RP's zero-skew check, because
// what a client reads is stamped in wall time (issue 17, section 1.1).
func TestRPStrictRefreshAfterAdvance(t *testing.T) {
	e, wall := rpStart(t, 1, time.Second)
	a := rpServe(t, e, oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeOfflineAccess)
	tok, _ := a.login(t, e)
	wall.pass(t, time.Second) // the person types the advance
	e.advance(t, "16m")
	if st := rpAPI(t, e, tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatalf("API with a 15-minute access token after advancing 16m: %d, want 401", st)
	}
	tok2 := rpRefresh(t, a.party, tok.RefreshToken)
	if tok2.IDTokenClaims.Subject != sim.DemoUser {
		t.Fatalf("refreshed ID token sub %q", tok2.IDTokenClaims.Subject)
	}
	if st := rpAPI(t, e, tok2.AccessToken); st != http.StatusOK {
		t.Fatalf("API after refresh: %d", st)
	}
}

// TestRPStrictClockX60: under --clock x60, two seconds after start (two
// virtual minutes), the strict RP signs in and accepts the ID token at
// zero skew; after an advance the refreshed one passes too. code_ttl=1h is
// the README's own suggestion for x60 (a code then lives a minute of wall
// time, room for a loaded test machine; the default lives one second).
func TestRPStrictClockX60(t *testing.T) {
	e, wall := rpStart(t, 60, 3*time.Second, "code_ttl=1h")
	wall.pass(t, 2*time.Second)
	a := rpServe(t, e, oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeOfflineAccess)
	tok, _ := a.login(t, e)
	if st := rpAPI(t, e, tok.AccessToken); st != http.StatusOK {
		t.Fatalf("API with a fresh access token at x60: %d", st)
	}
	wall.pass(t, time.Second) // a minute of virtual time
	e.advance(t, "16m")
	if st := rpAPI(t, e, tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatalf("API after advancing 16m at x60: %d, want 401", st)
	}
	tok2 := rpRefresh(t, a.party, tok.RefreshToken)
	if st := rpAPI(t, e, tok2.AccessToken); st != http.StatusOK {
		t.Fatalf("API after refresh at x60: %d", st)
	}
}

// TestRPStrictUserinfo: zitadel's rp.Userinfo finds the endpoint in
// discovery and calls it with the access token as a Bearer (OIDC Core
// §5.3.1); the answer's sub must equal the ID token's (§5.3.4), and the
// profile scope gives the name claim (§5.4). After an advance the old
// access token is refused (§5.3.3, RFC 6750 §3.1) and the refreshed one
// works.
func TestRPStrictUserinfo(t *testing.T) {
	e, wall := rpStart(t, 1, time.Second)
	a := rpServe(t, e, oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeOfflineAccess)
	tok, _ := a.login(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := rp.Userinfo[*oidc.UserInfo](ctx, tok.AccessToken, tok.TokenType, tok.IDTokenClaims.Subject, a.party)
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if info.Subject != sim.DemoUser || info.Name == "" {
		t.Fatalf("userinfo sub %q name %q, want sub %q and a name (scope profile)", info.Subject, info.Name, sim.DemoUser)
	}
	wall.pass(t, time.Second)
	e.advance(t, "16m")
	if _, err := rp.Userinfo[*oidc.UserInfo](ctx, tok.AccessToken, tok.TokenType, sim.DemoUser, a.party); err == nil {
		t.Fatal("userinfo accepted an expired access token")
	}
	tok2 := rpRefresh(t, a.party, tok.RefreshToken)
	if _, err := rp.Userinfo[*oidc.UserInfo](ctx, tok2.AccessToken, tok2.TokenType, sim.DemoUser, a.party); err != nil {
		t.Fatalf("userinfo after refresh: %v", err)
	}
}

// TestRPStrictRevoke: zitadel's rp.RevokeToken finds the revocation
// endpoint in discovery and revokes the refresh token (RFC 7009 §2.1);
// refreshing with it afterwards is invalid_grant (RFC 6749 §5.2).
func TestRPStrictRevoke(t *testing.T) {
	e, _ := rpStart(t, 1, 0)
	a := rpServe(t, e, oidc.ScopeOpenID, oidc.ScopeOfflineAccess)
	tok, _ := a.login(t, e)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rp.RevokeToken(ctx, a.party, tok.RefreshToken, "refresh_token"); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	_, err := rp.RefreshTokens[*oidc.IDTokenClaims](ctx, a.party, tok.RefreshToken, "", "")
	if code := rpOAuthError(t, err); code != "invalid_grant" {
		t.Fatalf("refresh after revocation: %s, want invalid_grant", code)
	}
}

// TestRPStrictEndSession: RP-initiated logout (OpenID Connect RP-Initiated
// Logout 1.0) with zitadel's rp.EndSession. While the AS session lives, the
// RP's next login gets a code without the form; rp.EndSession sends
// id_token_hint, client_id, post_logout_redirect_uri and state (§2) and
// returns the AS's redirect back to the RP with the state (§3); after it
// the next login shows the form again. zitadel makes the request itself
// and hands back the redirect, where a browser would follow the RP's
// redirect carrying the AS's cookie: so the RP here uses the browser's
// client for this one call.
func TestRPStrictEndSession(t *testing.T) {
	e, _ := rpStart(t, 1, 0)
	a := rpServe(t, e, oidc.ScopeOpenID, oidc.ScopeProfile)
	a.login(t, e)

	// Signed in at the AS: the RP's next login comes straight back.
	resp, err := e.plain.Get(a.authURL(t, e))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("second login with an AS session: %d, want a redirect with a code", resp.StatusCode)
	}
	tok2, _ := a.callback(t, e, loc)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cookies := rpCookies()
	browserRP, err := rp.NewRelyingPartyOIDC(ctx, e.origin, serve.ClientCLI, "", a.origin+"/callback", a.scopes,
		rpStrictOptions(cookies, e.plain, oauth2.AuthStyleInParams)...)
	if err != nil {
		t.Fatal(err)
	}
	back, err := rp.EndSession(ctx, browserRP, tok2.IDToken, a.origin+"/logged-out", "bye", "", nil)
	if err != nil {
		t.Fatalf("end session: %v", err)
	}
	if back == nil || back.String() != a.origin+"/logged-out?state=bye" {
		t.Fatalf("end session redirected to %v, want %s/logged-out?state=bye", back, a.origin)
	}
	// The session is over: the form again (serveTestLogin fails otherwise).
	loc, page := serveTestLogin(t, e, a.authURL(t, e), sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("login after logout:\n%s", page)
	}
	a.callback(t, e, loc)
}
