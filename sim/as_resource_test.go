package sim

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Resource indicator tests (RFC 8707 §2, §2.1, §2.2), the audience check
// that makes them matter (RFC 9068 §4), and down-scoping on a refresh for
// another resource (RFC 6749 §6).

// resRefresh sends a refresh_token grant as the spa with resource and
// scope, each omitted when "".
func resRefresh(t testing.TB, w *World, rt, resource, scope string) reply {
	t.Helper()
	f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {ClientSPA}}
	if resource != "" {
		f.Set("resource", resource)
	}
	if scope != "" {
		f.Set("scope", scope)
	}
	return postForm(t, w, "/token", f, nil)
}

// resAud is the aud of an access token the AS issued, verified.
func resAud(t testing.TB, w *World, at string) []string {
	t.Helper()
	var c AccessClaims
	asVerify(t, w.Policy().Alg, at, &c)
	return c.Audience
}

// resCall presents at as a bearer token at the API at origin.
func resCall(t testing.TB, w *World, origin, at string) reply {
	t.Helper()
	return send(t, w, ActorApp, http.MethodGet, origin+"/api/orders", "", http.Header{"Authorization": {"Bearer " + at}})
}

// RFC 8707 §2.2: the refresh token of a login that named no resource
// obtains an access token for the second API; its aud is that resource,
// and an unscoped refresh still gets a token for the AS's own API.
func TestRefreshForAnotherResource_RFC8707_2_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	if got := resAud(t, w, tk.AccessToken); !slices.Equal(got, []string{APIAudience}) {
		t.Fatalf("login's access token aud = %v, want [%s]", got, APIAudience)
	}
	b := asWantTokens(t, resRefresh(t, w, tk.RefreshToken, APIBAudience, ""))
	if got := resAud(t, w, b.AccessToken); !slices.Equal(got, []string{APIBAudience}) {
		t.Errorf("aud of the token for resource %s = %v", APIBAudience, got)
	}
	if r := resCall(t, w, APIBAudience, b.AccessToken); r.status != http.StatusOK {
		t.Errorf("billing refused the token issued for it: %d %s", r.status, r.header.Get("WWW-Authenticate"))
	}
	// The same grant still yields tokens for the orders API, by name or by
	// default.
	for _, res := range []string{APIAudience, ""} {
		next := asWantTokens(t, resRefresh(t, w, b.RefreshToken, res, ""))
		if got := resAud(t, w, next.AccessToken); !slices.Equal(got, []string{APIAudience}) {
			t.Errorf("resource %q: aud = %v, want [%s]", res, got, APIAudience)
		}
		b = next
	}
}

// RFC 9068 §4 (RFC 8707 §2: an audience-restricted token): each API
// refuses the token issued for the other, though the signature is good.
func TestEachAPIRefusesTheOthersToken_RFC9068_4(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	b := asWantTokens(t, resRefresh(t, w, tk.RefreshToken, APIBAudience, ""))
	for _, tc := range []struct{ name, origin, at string }{
		{"orders token at billing", APIBAudience, tk.AccessToken},
		{"billing token at orders", APIAudience, b.AccessToken},
	} {
		r := resCall(t, w, tc.origin, tc.at)
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tc.name, r.status)
		}
		if h := r.header.Get("WWW-Authenticate"); !containsAll(h, `error="invalid_token"`, "audience") {
			t.Errorf("%s: WWW-Authenticate = %q, want invalid_token about the audience", tc.name, h)
		}
	}
}

// RFC 7662 §2.2 with RFC 8707 §2: an API that introspects reads the
// token's own aud from the AS, and refuses the other API's token too.
func TestIntrospectionReportsTheResource_RFC7662_2_2(t *testing.T) {
	w := asWorldWith(t, "api_mode", "introspect")
	tk := asLogin(t, w, nil)
	b := asWantTokens(t, resRefresh(t, w, tk.RefreshToken, APIBAudience, ""))
	if r := resCall(t, w, APIBAudience, b.AccessToken); r.status != http.StatusOK {
		t.Errorf("introspecting billing refused its own token: %d %s", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r := resCall(t, w, APIAudience, b.AccessToken); r.status != http.StatusUnauthorized {
		t.Errorf("introspecting orders API accepted the billing token: %d", r.status)
	}
}

// RFC 8707 §2: an unknown, relative or fragment-bearing resource is
// invalid_target, and the refused request consumes nothing: the refresh
// token still works.
func TestUnknownResourceIsInvalidTarget_RFC8707_2(t *testing.T) {
	for _, res := range []string{"https://evil.tokensim.test", "billing", "/api/orders", APIBAudience + "#x", APIBAudience + "/"} {
		t.Run(res, func(t *testing.T) {
			w := newTestWorld(t)
			tk := asLogin(t, w, nil)
			asWantError(t, resRefresh(t, w, tk.RefreshToken, res, ""), 400, CodeInvalidTarget)
			asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
		})
	}
}

// RFC 8707 §2.1: a resource in the authorization request sets the code's
// access token's aud and confines the grant to it; an unknown one comes
// back through the redirect as invalid_target.
func TestAuthorizeResource_RFC8707_2_1(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, url.Values{"resource": {APIBAudience}})
	if got := resAud(t, w, tk.AccessToken); !slices.Equal(got, []string{APIBAudience}) {
		t.Errorf("aud after /authorize with resource billing = %v", got)
	}
	// Sim policy after RFC 6749 §6: a refresh cannot reach a resource the
	// authorization request did not name.
	asWantError(t, resRefresh(t, w, tk.RefreshToken, APIAudience, ""), 400, CodeInvalidTarget)
	next := asWantTokens(t, resRefresh(t, w, tk.RefreshToken, "", ""))
	if got := resAud(t, w, next.AccessToken); !slices.Equal(got, []string{APIBAudience}) {
		t.Errorf("unnamed refresh of a billing grant: aud = %v", got)
	}

	w = newTestWorld(t)
	q := asWithLogin(asAuthzQuery(ClientSPA))
	q.Set("resource", "https://evil.tokensim.test")
	if got := asRedirectParams(t, asAuthzPost(t, w, q)).Get("error"); got != CodeInvalidTarget {
		t.Errorf("unknown resource at /authorize: error = %q, want %s", got, CodeInvalidTarget)
	}
}

// RFC 8707 §2.2: a resource in the code's token request must be the one
// the authorization request named.
func TestCodeGrantResource_RFC8707_2_2(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, url.Values{"resource": {APIBAudience}})
	f := asCodeForm(ClientSPA, code)
	f.Set("resource", APIAudience)
	asWantError(t, postForm(t, w, "/token", f, nil), 400, CodeInvalidTarget)
	// Refused before the code is spent.
	f.Set("resource", APIBAudience)
	tk := asWantTokens(t, postForm(t, w, "/token", f, nil))
	if got := resAud(t, w, tk.AccessToken); !slices.Equal(got, []string{APIBAudience}) {
		t.Errorf("aud = %v, want [%s]", got, APIBAudience)
	}
}

// RFC 6749 §6 with RFC 8707 §2.2: a refresh for the second API may narrow
// the scope of its token; asking beyond the original grant is invalid_scope
// and leaves the refresh token usable.
func TestDownScopingForAnotherResource_RFC6749_6(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	narrow := asWantTokens(t, resRefresh(t, w, tk.RefreshToken, APIBAudience, "orders:read"))
	if s := asAccessScope(t, w, narrow.AccessToken); s != "orders:read" {
		t.Errorf("narrowed scope = %q, want orders:read", s)
	}
	if got := resAud(t, w, narrow.AccessToken); !slices.Equal(got, []string{APIBAudience}) {
		t.Errorf("narrowed token aud = %v", got)
	}
	rt := narrow.RefreshToken
	if rt == "" {
		rt = tk.RefreshToken
	}
	asWantError(t, resRefresh(t, w, rt, APIBAudience, "orders:read orders:write"), 400, CodeInvalidScope)
	asWantTokens(t, resRefresh(t, w, rt, APIBAudience, ""))
}

// The app keeps the token for another API beside its own (RFC 8707 §2.2):
// RefreshFor does not replace the token for its own API, and CallAt sends
// each API its own token.
func TestClientKeepsATokenPerAPI_RFC8707_2_2(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	if o := w.App().CallAt(APIBAudience, http.MethodGet, "/api/orders"); o.Error != CodeNoToken {
		t.Errorf("billing call before any billing token: %+v, want %s", o, CodeNoToken)
	}
	if o := w.App().RefreshFor(APIBAudience, ""); !o.OK() {
		t.Fatalf("RefreshFor billing: %+v", o)
	}
	if now, _, _, _ := w.App().store.snapshot(); now != at {
		t.Error("the token for the app's own API was replaced by the billing token")
	}
	for _, origin := range []string{APIAudience, APIBAudience} {
		if o := w.App().CallAt(origin, http.MethodGet, "/api/orders"); !o.OK() {
			t.Errorf("CallAt %s: %+v", origin, o)
		}
	}
	if o := w.App().PresentFor(APIAudience, http.MethodGet, "/api/orders", APIBAudience); o.Status != http.StatusUnauthorized {
		t.Errorf("billing token at orders: %+v, want 401", o)
	}
	var forBilling int
	for _, tv := range w.Inspect().Tokens {
		if tv.Holder == ActorApp && tv.Kind == "access" && slices.Contains(claimStrings(tv.Claims["aud"]), APIBAudience) {
			forBilling++
		}
	}
	if forBilling != 1 {
		t.Errorf("the inspector shows %d app-held billing tokens, want 1", forBilling)
	}
}

func claimStrings(v any) []string {
	switch a := v.(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, x := range a {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// The first-party backend is its own issuer with one audience: a login
// that names a resource is refused rather than silently ignored.
func TestFirstPartyLoginNamesNoResource(t *testing.T) {
	w := newTestWorld(t, func(c *Config) { c.Topology = TopologyFirstParty })
	o := w.App().LoginWith(LoginOptions{User: DemoUser, Password: DemoPassword, Resource: APIBAudience})
	if o.Error != CodeBadRequest || w.App().LoggedIn() {
		t.Errorf("first-party login with a resource: %+v, logged in %v; want %s and no tokens", o, w.App().LoggedIn(), CodeBadRequest)
	}
}
