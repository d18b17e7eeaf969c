package serve_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/serve"
)

// clientsTestCode signs in through the form for client and returns the
// redirect the AS answered with.
func clientsTestCode(t *testing.T, srv http.Handler, client, redirect string, extra url.Values) *url.URL {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {redirect}, "scope": {"openid offline_access"},
		"state": {"xyz"}, "username": {"alice"}, "password": {"wonderland"}}
	for k, v := range extra {
		q[k] = v
	}
	rec := serveTestDo(srv, http.MethodPost, "/authorize", serveTestLoopback, "application/x-www-form-urlencoded", q.Encode())
	if rec.Code != http.StatusFound {
		t.Fatalf("%s via %s: %d %s", client, redirect, rec.Code, rec.Body)
	}
	u, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestServeOwnClients: clients registered at start (tokensim serve
// --client). A confidential one with a loopback redirect URI registered
// with port * is sent back to whatever port its server-side app listens on
// and redeems the code with its secret (client_secret_basic, RFC 6749
// §2.3.1); a wrong secret is 401 invalid_client (§5.2). A public one must
// use PKCE (RFC 9700 §2.1.1) and is matched exactly (RFC 9700 §2.1).
func TestServeOwnClients(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{Clients: []serve.Client{
		{ID: "myapp", Secret: "s3cret-pass", RedirectURIs: []string{"http://127.0.0.1:*/cb"}},
		{ID: "pub", RedirectURIs: []string{"http://127.0.0.1:5173/", "http://[::1]:5173/"}},
	}})
	loc := clientsTestCode(t, srv, "myapp", "http://127.0.0.1:41234/cb", nil)
	code := loc.Query().Get("code")
	if loc.Host != "127.0.0.1:41234" || loc.Path != "/cb" || code == "" {
		t.Fatalf("redirected to %s", loc)
	}
	redeem := func(user, pass string, form url.Values) (int, map[string]any) {
		r := strings.NewReader(form.Encode())
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080/token", r)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		req.RemoteAddr = serveTestLoopback
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	grant := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1:41234/cb"}}
	if status, body := redeem("myapp", "wrong-secret", grant); status != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("a wrong secret: %d %v", status, body)
	}
	if status, body := redeem("myapp", "s3cret-pass", grant); status != http.StatusOK || body["access_token"] == nil || body["refresh_token"] == nil {
		t.Fatalf("the code with the secret: %d %v", status, body)
	}

	// Any port, but nothing else: another path, the other loopback address
	// or another host is an error page, never a redirect (RFC 6749 §4.1.2.1).
	for _, redirect := range []string{"http://127.0.0.1:41234/other", "http://[::1]:41234/cb", "http://evil.example:41234/cb", "http://127.0.0.1:5174/"} {
		q := url.Values{"response_type": {"code"}, "client_id": {"myapp"}, "redirect_uri": {redirect}}
		if redirect == "http://127.0.0.1:5174/" {
			q.Set("client_id", "pub") // registered on :5173 exactly
		}
		rec := serveTestDo(srv, http.MethodGet, "/authorize?"+q.Encode(), serveTestLoopback, "", "")
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" {
			t.Errorf("%s for %s: %d %q, want the error page", redirect, q.Get("client_id"), rec.Code, rec.Header().Get("Location"))
		}
	}

	// The public client: no PKCE, no code (RFC 9700 §2.1.1).
	loc = clientsTestCode(t, srv, "pub", "http://[::1]:5173/", nil)
	if loc.Query().Get("error") != "invalid_request" || loc.Query().Get("code") != "" {
		t.Fatalf("a public client without PKCE: %s", loc)
	}
	verifier := strings.Repeat("v", 43)
	loc = clientsTestCode(t, srv, "pub", "http://127.0.0.1:5173/", url.Values{"code_challenge": {serveTestChallenge(verifier)}, "code_challenge_method": {"S256"}})
	grant = url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:5173/"},
		"client_id": {"pub"}, "code_verifier": {verifier}}
	if status, body := redeem("", "", grant); status != http.StatusOK || body["access_token"] == nil {
		t.Fatalf("the public client with PKCE: %d %v", status, body)
	}
}

// TestServeBannerListsOwnClients: the banner lists the attendee's clients
// with their type and redirect URIs, and never their secret.
func TestServeBannerListsOwnClients(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{Clients: []serve.Client{
		{ID: "myapp", Secret: "s3cret-pass", RedirectURIs: []string{"http://127.0.0.1:3000/cb", "http://127.0.0.1:*/cb2"}},
		{ID: "pub", RedirectURIs: []string{"http://127.0.0.1:5173/"}},
	}})
	var b strings.Builder
	srv.Banner(&b, serve.FollowText)
	out := b.String()
	for _, want := range []string{
		"  myapp  confidential, the secret given to --client, not shown",
		"         redirect_uri http://127.0.0.1:3000/cb\n",
		"         redirect_uri http://127.0.0.1:*/cb2 (any port: RFC 8252 7.3)\n",
		"  pub  public, PKCE (S256) required\n",
		"       redirect_uri http://127.0.0.1:5173/\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the banner lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "s3cret-pass") {
		t.Error("the banner prints the attendee's secret")
	}
}
