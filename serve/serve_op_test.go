package serve_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// Issue 17 section 1.2-1.6 over serve's real HTTP: prompt=none without a
// session, userinfo, discovery, impossible redirect ports.

// TestServePromptNoneWithoutSession_OIDCCore_3_1_2_6: a browser that never
// signed in (no cookie at all) asking with prompt=none is sent back to the
// client with error=login_required, its state and iss (RFC 9207 §2), and
// never shown a page.
func TestServePromptNoneWithoutSession_OIDCCore_3_1_2_6(t *testing.T) {
	e := serveTestStart(t)
	redirect := "http://127.0.0.1:9/cb"
	q := url.Values{"response_type": {"code"}, "client_id": {serve.ClientCLI}, "redirect_uri": {redirect}, "scope": {"openid"},
		"state": {"st-none"}, "code_challenge": {serveTestChallenge(strings.Repeat("v", 43))}, "code_challenge_method": {"S256"}, "prompt": {"none"}}
	resp, err := e.plain.Get(e.origin + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("prompt=none without a session: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	p := loc.Query()
	if p.Get("error") != "login_required" || p.Get("state") != "st-none" || p.Get("iss") != e.origin || p.Get("code") != "" {
		t.Errorf("redirect %v, want error=login_required with state and iss and no code", p)
	}
	if strings.Contains(string(body), "password") {
		t.Error("prompt=none showed the sign-in form")
	}
}

// TestServeUserinfo_OIDCCore_5_3: go-oidc finds userinfo_endpoint in
// discovery and reads sub and the claims of the granted scopes (§5.3.2,
// §5.4); curl-style GET and POST do too; after revocation (RFC 7009) the
// AS refuses the token with an RFC 6750 §3 invalid_token challenge.
func TestServeUserinfo_OIDCCore_5_3(t *testing.T) {
	e := serveTestStart(t)
	at, _ := serveTestTokens(t, e) // scope openid profile orders:read offline_access
	ctx := oidc.ClientContext(context.Background(), e.plain)
	provider, err := oidc.NewProvider(ctx, e.origin)
	if err != nil {
		t.Fatal(err)
	}
	if ep := provider.UserInfoEndpoint(); ep != e.origin+"/userinfo" {
		t.Errorf("userinfo_endpoint %q", ep)
	}
	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: at, TokenType: "Bearer"}))
	if err != nil {
		t.Fatalf("go-oidc UserInfo: %v", err)
	}
	var claims map[string]any
	if err := info.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if info.Subject != sim.DemoUser || claims["name"] != "Alice Liddell" || info.Email != "" {
		t.Errorf("userinfo %+v: want sub alice, name, and no email (scope has no email)", claims)
	}

	do := func(method, body string, hdr http.Header) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, e.origin+"/userinfo", strings.NewReader(body))
		req.Header = hdr
		resp, err := e.plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
		}
		return resp.StatusCode, string(b)
	}
	if code, body := do(http.MethodPost, url.Values{"access_token": {at}}.Encode(), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); code != http.StatusOK || !strings.Contains(body, `"sub":"alice"`) {
		t.Errorf("POST with access_token in the body: %d %s", code, body)
	}
	if code, c := do(http.MethodGet, "", http.Header{}); code != http.StatusUnauthorized || strings.Contains(c, "error=") {
		t.Errorf("no token: %d %q, want 401 with a bare challenge", code, c)
	}
	resp, err := e.plain.PostForm(e.origin+"/revoke", url.Values{"token": {at}, "client_id": {serve.ClientCLI}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, c := do(http.MethodGet, "", http.Header{"Authorization": {"Bearer " + at}}); code != http.StatusUnauthorized || !strings.Contains(c, `error="invalid_token"`) {
		t.Errorf("after revocation: %d %q, want 401 invalid_token", code, c)
	}
	found := false
	for _, ep := range serve.Endpoints() {
		found = found || ep.Path == "/userinfo"
	}
	if !found {
		t.Error("serve.Endpoints lists no /userinfo")
	}
}

// TestServeDiscoveryTruth_RFC8414_2: serve's discovery carries the
// members issue 17 asks for, with the values the sim tests check against
// behaviour.
func TestServeDiscoveryTruth_RFC8414_2(t *testing.T) {
	e := serveTestStart(t)
	resp, err := e.plain.Get(e.origin + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for m, want := range map[string]string{
		"userinfo_endpoint":               `"` + e.origin + `/userinfo"`,
		"response_modes_supported":        `["query"]`,
		"request_parameter_supported":     `false`,
		"request_uri_parameter_supported": `false`,
		"end_session_endpoint":            `"` + e.origin + `/end_session"`,
	} {
		if string(doc[m]) != want {
			t.Errorf("%s = %s, want %s", m, doc[m], want)
		}
	}
}

// TestServeImpossibleRedirectPorts_RFC3986_3_2_3_RFC8252_7_3: the cli
// client may use any loopback port (RFC 8252 §7.3), but a port no TCP
// listener can have (above 65535, or 0) is refused with the error page,
// never a redirect, even with prompt=none (RFC 6749 §4.1.2.1).
func TestServeImpossibleRedirectPorts_RFC3986_3_2_3_RFC8252_7_3(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	try := func(redirect string, extra ...string) *httptest.ResponseRecorder {
		q := url.Values{"response_type": {"code"}, "client_id": {serve.ClientCLI}, "redirect_uri": {redirect},
			"code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}}
		for i := 0; i+1 < len(extra); i += 2 {
			q.Set(extra[i], extra[i+1])
		}
		return serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/authorize?"+q.Encode(), serveTestLoopback, "", "")
	}
	for redirect, why := range map[string]string{
		"http://127.0.0.1:99999/cb":                "does not exist",
		"http://127.0.0.1:65536/cb":                "does not exist",
		"http://[::1]:123456/cb":                   "does not exist",
		"http://127.0.0.1:99999999999999999999/cb": "does not exist",
		"http://127.0.0.1:0/cb":                    "port 0 is reserved",
		"http://127.0.0.1:000/cb":                  "port 0 is reserved",
	} {
		for _, extra := range [][]string{nil, {"prompt", "none", "state", "s"}} {
			rec := try(redirect, extra...)
			if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" || !strings.Contains(rec.Body.String(), why) {
				t.Errorf("%s %v: %d %q %q, want 400 saying %q", redirect, extra, rec.Code, rec.Header().Get("Location"), rec.Body, why)
			}
		}
	}
	for _, ok := range []string{"http://127.0.0.1:65535/cb", "http://127.0.0.1:1/cb", "http://127.0.0.1:/cb", "http://[::1]:08080/cb"} {
		if rec := try(ok); rec.Code != http.StatusOK {
			t.Errorf("%s: %d, want the login page\n%s", ok, rec.Code, rec.Body)
		}
	}
}
