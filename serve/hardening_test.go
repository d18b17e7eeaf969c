package serve_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// hardeningDo sends one request with the Host and headers given.
func hardeningDo(srv http.Handler, method, target, host, body string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Host = host
	r.RemoteAddr = serveTestLoopback
	if body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// TestServeHostAllowList: a request whose Host is not the issuer's, nor a
// loopback name with the issuer's port, is refused with 421 Misdirected
// Request (RFC 9110 §15.5.20), closing DNS rebinding: a page of
// evil.example whose name now resolves to 127.0.0.1 still sends
// Host: evil.example.
func TestServeHostAllowList(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{})
	const disc = "/.well-known/openid-configuration"
	for _, host := range []string{"evil.example", "evil.example:8080", "127.0.0.1:9999", "127.0.0.1", "localhost.evil.example:8080", "127.0.0.2:8080", ""} {
		rec := hardeningDo(srv, http.MethodGet, disc, host, "", nil)
		if rec.Code != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: %d, want 421", host, rec.Code)
			continue
		}
		if b := rec.Body.String(); !strings.Contains(b, "127.0.0.1:8080, localhost:8080, [::1]:8080") || !strings.Contains(b, "DNS rebinding") {
			t.Errorf("Host %q: the refusal does not say which hosts are accepted and why: %s", host, b)
		}
	}
	evs := w.Log().Events()
	if last := evs[len(evs)-1]; last.Status != http.StatusMisdirectedRequest || !strings.Contains(last.Reason, "DNS rebinding") {
		t.Errorf("the refusal is recorded as %d %q", last.Status, last.Reason)
	}
	for _, host := range []string{"127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "[::1]:8080"} {
		if rec := hardeningDo(srv, http.MethodGet, disc, host, "", nil); rec.Code != http.StatusOK {
			t.Errorf("Host %q: %d, want 200", host, rec.Code)
		}
	}
	// The clock is guarded too: a rebinding page must not move it.
	if rec := hardeningDo(srv, http.MethodPost, serve.ClockPath, "evil.example:8080", "by=1h", nil); rec.Code != http.StatusMisdirectedRequest {
		t.Errorf("clock with Host evil.example: %d, want 421", rec.Code)
	}
}

// TestServeSignInRefusesCrossSite: the sign-in form posted from another
// site is refused with 403 and a page saying why (login CSRF, OWASP
// Cross-Site Request Forgery Prevention Cheat Sheet), by the rule the clock
// uses (crosssite.go); the form posted from the AS's own page signs in, and
// an authorization request posted cross-site without sign-in fields (OIDC
// Core §3.1.2.1 requires POST support) still gets the login page.
func TestServeSignInRefusesCrossSite(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{})
	params := url.Values{"response_type": {"code"}, "client_id": {sim.ClientWeb}, "redirect_uri": {"http://127.0.0.1:8080" + serve.CallbackPath},
		"scope": {"openid"}, "state": {"xyz"}}
	signIn := url.Values{"username": {sim.DemoUser}, "password": {sim.DemoPassword}}
	for k, v := range params {
		signIn[k] = v
	}
	for _, hdr := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "http://127.0.0.1:3000", "Sec-Fetch-Site": "same-site"}, // another server on this machine
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "null"},
		{"Origin": "http://localhost:8081"},  // another port: another server
		{"Origin": "https://localhost:8080"}, // another scheme: another origin
		{"Origin": "http://[::1]:8080"},      // another program may listen there
	} {
		rec := hardeningDo(srv, http.MethodPost, "/authorize", "127.0.0.1:8080", signIn.Encode(), hdr)
		if rec.Code != http.StatusForbidden || rec.Header().Get("Location") != "" {
			t.Errorf("%v: %d Location %q, want 403 and no code", hdr, rec.Code, rec.Header().Get("Location"))
			continue
		}
		if b := rec.Body.String(); !strings.Contains(b, "login CSRF") || !strings.Contains(b, "http://127.0.0.1:8080/authorize") {
			t.Errorf("%v: the page does not say why: %s", hdr, b)
		}
	}
	evs := w.Log().Events()
	if last := evs[len(evs)-1]; last.Status != http.StatusForbidden || !strings.Contains(last.Reason, "login CSRF") {
		t.Errorf("the refusal is recorded as %d %q", last.Status, last.Reason)
	}
	// The credentials in the URL, nothing in the body to show a sign-in:
	// the AS reads the sign-in fields from the body only, so no code and
	// no AS session, cross-site or not.
	for _, hdr := range []map[string]string{{"Origin": "https://evil.example"}, nil} {
		rec := hardeningDo(srv, http.MethodPost, "/authorize?"+url.Values{"username": {sim.DemoUser}, "password": {sim.DemoPassword}}.Encode(),
			"127.0.0.1:8080", params.Encode(), hdr)
		if rec.Code == http.StatusFound || rec.Header().Get("Set-Cookie") != "" || !strings.Contains(rec.Body.String(), "never in the URL") {
			t.Errorf("%v: credentials in the URL: %d Location %q Set-Cookie %q %s", hdr, rec.Code, rec.Header().Get("Location"), rec.Header().Get("Set-Cookie"), rec.Body)
		}
	}
	rec := hardeningDo(srv, http.MethodPost, "/authorize", "127.0.0.1:8080", params.Encode(), map[string]string{"Origin": "https://rp.example", "Sec-Fetch-Site": "cross-site"})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="password"`) {
		t.Errorf("a cross-site authorization request by POST: %d, want the login page", rec.Code)
	}
	for _, hdr := range []map[string]string{
		nil, // a command-line client
		{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"},
	} {
		rec := hardeningDo(srv, http.MethodPost, "/authorize", "127.0.0.1:8080", signIn.Encode(), hdr)
		if rec.Code != http.StatusFound || !strings.Contains(rec.Header().Get("Location"), "code=") {
			t.Errorf("%v: %d %q, want a redirect with a code", hdr, rec.Code, rec.Header().Get("Location"))
		}
	}
	// This server opened under another loopback name: its own page, as
	// the browser reached it (Origin = the request's Host).
	rec = hardeningDo(srv, http.MethodPost, "/authorize", "localhost:8080", signIn.Encode(), map[string]string{"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-origin"})
	if rec.Code != http.StatusFound {
		t.Errorf("signing in at http://localhost:8080: %d, want a redirect with a code", rec.Code)
	}
}

// TestServeNosniff: every response, error pages included, says
// X-Content-Type-Options: nosniff, so that a page echoing input as
// text/plain is never run as HTML.
func TestServeNosniff(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	for _, c := range []struct{ name, target string }{
		{"404", "/no/such/page"},
		{"AS error page", "/authorize?client_id=%3Cscript%3E&response_type=code"},
		{"API challenge", "/api/orders"},
	} {
		rec := serveTestDo(srv, http.MethodGet, c.target, serveTestLoopback, "", "")
		if rec.Code < 400 {
			t.Errorf("%s: %d, want an error", c.name, rec.Code)
		}
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", c.name, got)
		}
	}
	if rec := hardeningDo(srv, http.MethodGet, "/", "evil.example", "", nil); rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Error("the Host refusal is sniffable")
	}
}

// TestServeFormFieldLimit: a body or query with more fields than net/url
// parses (10,000) is reported as such, not as "not valid form encoding".
func TestServeFormFieldLimit(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	many := "grant_type=refresh_token" + strings.Repeat("&x=1", 10_000)
	rec := serveTestDo(srv, http.MethodPost, "/token", serveTestLoopback, "application/x-www-form-urlencoded", many)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "more than 10000 form fields") {
		t.Errorf("/token: %d %s", rec.Code, rec.Body)
	}
	rec = serveTestDo(srv, http.MethodPost, "/authorize?client_id=web", serveTestLoopback, "application/x-www-form-urlencoded", many)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "more than 10000 form fields") {
		t.Errorf("/authorize body: %d %s", rec.Code, rec.Body)
	}
	rec = serveTestDo(srv, http.MethodGet, "/authorize?client_id=web"+strings.Repeat("&x", 10_000), serveTestLoopback, "", "")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "more than 10000 form fields: the query has 10001") {
		t.Errorf("/authorize query: %d %s", rec.Code, rec.Body)
	}
	// 10,000 fields are within the limit: the token endpoint reads them
	// and answers about the grant, not the encoding.
	rec = serveTestDo(srv, http.MethodPost, "/token", serveTestLoopback, "application/x-www-form-urlencoded", "grant_type=refresh_token"+strings.Repeat("&x=1", 9_999))
	if strings.Contains(rec.Body.String(), "form fields") {
		t.Errorf("10,000 fields refused: %s", rec.Body)
	}
}

// TestServeLogoutRefusesCrossSite: the logout confirmation counts only as
// the AS's own page posts it (RP-Initiated Logout 1.0 §2: the OP asks the
// user): confirm=yes in the URL, which any site's link or image can make
// the browser load with the session cookie, asks again; the confirmation
// posted from another site is refused with 403 (logout CSRF); posted from
// the AS's own page it signs the user out.
func TestServeLogoutRefusesCrossSite(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	signIn := url.Values{"response_type": {"code"}, "client_id": {sim.ClientWeb}, "redirect_uri": {"http://127.0.0.1:8080" + serve.CallbackPath},
		"scope": {"openid"}, "state": {"xyz"}, "username": {sim.DemoUser}, "password": {sim.DemoPassword}}
	rec := hardeningDo(srv, http.MethodPost, "/authorize", "127.0.0.1:8080", signIn.Encode(), nil)
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == sim.SessionCookie {
			cookie = c.Name + "=" + c.Value
		}
	}
	if rec.Code != http.StatusFound || cookie == "" {
		t.Fatalf("sign-in: %d, session cookie %q", rec.Code, cookie)
	}
	ended := func(rec *httptest.ResponseRecorder) bool {
		return strings.Contains(rec.Body.String(), "You are signed out")
	}

	rec = hardeningDo(srv, http.MethodGet, "/end_session?confirm=yes", "127.0.0.1:8080", "", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"})
	if ended(rec) || !strings.Contains(rec.Body.String(), `name="confirm"`) {
		t.Errorf("GET /end_session?confirm=yes from another site: %d, signed out: %v; want the confirmation page", rec.Code, ended(rec))
	}
	rec = hardeningDo(srv, http.MethodPost, "/end_session", "127.0.0.1:8080", "confirm=yes", map[string]string{"Cookie": cookie, "Origin": "https://evil.example"})
	if rec.Code != http.StatusForbidden || ended(rec) || !strings.Contains(rec.Body.String(), "Sign-out refused") {
		t.Errorf("a cross-site confirmation: %d %s, want 403", rec.Code, rec.Body)
	}
	rec = hardeningDo(srv, http.MethodPost, "/end_session", "127.0.0.1:8080", "confirm=yes", map[string]string{"Cookie": cookie, "Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"})
	if !ended(rec) {
		t.Errorf("the AS's own confirmation: %d %s, want signed out", rec.Code, rec.Body)
	}
}
