package serve_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// TestServeASSession: the AS session over real HTTP, as a browser with a
// cookie jar meets it (checklist items 103-105). Sign-in sets the cookie
// (HttpOnly, SameSite=Lax; not Secure on plain-http loopback, OIDC Core
// leaves that to TLS); the next /authorize issues a code without the form
// (OIDC Core §3.1.2.3) and the ID token's auth_time is the sign-in's (§2);
// prompt=login and an exceeded max_age show the form (§3.1.2.1);
// end_session is advertised and ends the session with the registered
// post_logout_redirect_uri and state (RP-Initiated Logout 1.0 §2.1, §2,
// §3); prompt=none then answers login_required with state and iss
// (§3.1.2.6, RFC 9207 §2).
func TestServeASSession(t *testing.T) {
	e := serveTestStart(t)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	redirect := "http://127.0.0.1:9/cb"
	authURL := func(extra ...string) string {
		q := url.Values{"response_type": {"code"}, "client_id": {serve.ClientCLI}, "redirect_uri": {redirect},
			"scope": {"openid profile"}, "state": {"st"}, "code_challenge": {serveTestChallenge(verifier)}, "code_challenge_method": {"S256"}}
		for i := 0; i+1 < len(extra); i += 2 {
			q.Set(extra[i], extra[i+1])
		}
		return e.origin + "/authorize?" + q.Encode()
	}
	get := func(u string) *http.Response {
		t.Helper()
		resp, err := browser.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	codeOf := func(resp *http.Response) url.Values {
		t.Helper()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), redirect) {
			t.Fatalf("want a redirect to %s, got %d %q", redirect, resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query()
	}

	// Sign in through the form: the POST sets the session cookie.
	if r := get(authURL()); r.StatusCode != http.StatusOK {
		t.Fatalf("first visit: %d, want the form", r.StatusCode)
	}
	signIn := e.time.Now()
	form := url.Values{"response_type": {"code"}, "client_id": {serve.ClientCLI}, "redirect_uri": {redirect}, "scope": {"openid profile"},
		"state": {"st"}, "code_challenge": {serveTestChallenge(verifier)}, "code_challenge_method": {"S256"},
		"username": {sim.DemoUser}, "password": {sim.DemoPassword}}
	resp, err := browser.PostForm(e.origin+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	codeOf(resp)
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{sim.SessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %q", sc, want)
		}
	}
	if strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q is Secure on a plain-http origin: a browser would drop it", sc)
	}

	// Five minutes later the same request is answered from the session.
	e.advance(t, "5m")
	code := codeOf(get(authURL())).Get("code")
	if code == "" {
		t.Fatal("a live session: no code without the form")
	}
	tr, err := http.PostForm(e.origin+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier}, "client_id": {serve.ClientCLI}})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		IDToken string `json:"id_token"`
	}
	err = json.NewDecoder(tr.Body).Decode(&body)
	tr.Body.Close()
	var claims struct {
		AuthTime *jwt.NumericDate `json:"auth_time"`
	}
	parts := strings.Split(body.IDToken, ".")
	if err != nil || len(parts) != 3 {
		t.Fatalf("token response: %v %q", err, body.IDToken)
	}
	raw, _ := jwt.NewParser().DecodeSegment(parts[1])
	// auth_time is the sign-in time in wall time, aged by the advance: the
	// session is 5m old for the RP as for the AS (OIDC Core §2; sim's
	// clock_stamp.go).
	if want := e.time.Now().Add(-5*time.Minute - e.time.Now().Sub(signIn)).Truncate(time.Second); json.Unmarshal(raw, &claims) != nil || claims.AuthTime == nil || !claims.AuthTime.Time.Equal(want) {
		t.Errorf("auth_time %v, want the sign-in time aged by the 5m advance, %s (OIDC Core section 2)", claims.AuthTime, want)
	}

	if r := get(authURL("prompt", "login")); r.StatusCode != http.StatusOK {
		t.Errorf("prompt=login: %d, want the form", r.StatusCode)
	}
	if r := get(authURL("max_age", "60")); r.StatusCode != http.StatusOK {
		t.Errorf("max_age=60, five minutes after sign-in: %d, want the form", r.StatusCode)
	}

	// Discovery names the logout endpoint; logging out ends the session.
	var d struct {
		EndSession string `json:"end_session_endpoint"`
	}
	dr, err := http.Get(e.origin + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(dr.Body).Decode(&d)
	dr.Body.Close()
	if err != nil || d.EndSession != e.origin+"/end_session" {
		t.Fatalf("end_session_endpoint %q (%v)", d.EndSession, err)
	}
	bye := "http://127.0.0.1:9/bye"
	r := get(d.EndSession + "?" + url.Values{"id_token_hint": {body.IDToken}, "post_logout_redirect_uri": {bye}, "state": {"s2"}}.Encode())
	if loc := r.Header.Get("Location"); r.StatusCode != http.StatusFound || loc != bye+"?state=s2" {
		t.Fatalf("end_session: %d %q, want a redirect to %s with state", r.StatusCode, loc, bye)
	}
	p := codeOf(get(authURL("prompt", "none")))
	if p.Get("error") != "login_required" || p.Get("state") != "st" || p.Get("iss") != e.origin {
		t.Errorf("prompt=none after logout: %v, want login_required with state and iss", p)
	}
	if r := get(authURL()); r.StatusCode != http.StatusOK {
		t.Errorf("after logout: %d, want the form", r.StatusCode)
	}
}

// serveTestChallenge is the PKCE S256 challenge of verifier (RFC 7636
// §4.2), computed here rather than by the engine under test.
func serveTestChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
