package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// Introspection endpoint tests (RFC 7662): checklist items 36–39.

// asIntrospect introspects token as the resource server (ClientAPI).
func asIntrospect(t testing.TB, w *World, token string) reply {
	t.Helper()
	h := asAPIAuth()
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, w, ActorAPI, http.MethodPost, Issuer+"/introspect", url.Values{"token": {token}}.Encode(), h)
}

// RFC 7662 §2.1: the caller must authenticate; otherwise 401.
func TestIntrospectRequiresAuthentication_RFC7662_2_1(t *testing.T) {
	cases := []struct {
		name      string
		form      url.Values
		hdr       http.Header
		challenge bool
	}{
		{"no credentials", url.Values{}, nil, false},
		{"wrong secret via Basic", url.Values{}, asBasic(ClientAPI, "nope"), true},
		{"wrong secret in the body", url.Values{"client_id": {ClientAPI}, "client_secret": {"nope"}}, nil, false},
		{"public client cannot authenticate", url.Values{"client_id": {ClientSPA}}, nil, false},
		{"public client via Basic with an empty secret", url.Values{}, asBasic(ClientSPA, ""), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			tk := asLogin(t, w, nil)
			tc.form.Set("token", tk.AccessToken)
			r := postForm(t, w, "/introspect", tc.form, tc.hdr)
			asWantError(t, r, http.StatusUnauthorized, CodeInvalidClient)
			if strings.Contains(r.body, "active") {
				t.Errorf("an unauthenticated caller learned something: %s", r.body)
			}
			if got := r.header.Get("WWW-Authenticate"); tc.challenge != strings.HasPrefix(got, `Basic realm="`) {
				t.Errorf("WWW-Authenticate = %q, want a Basic challenge: %v", got, tc.challenge)
			}
		})
	}
}

// RFC 7662 §2.2: an active token's response lists active, scope (a
// space-delimited string), client_id, token_type, exp, iat, sub, aud, iss
// and jti, matching the token.
func TestIntrospectActiveToken_RFC7662_2_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	r := asIntrospect(t, w, tk.AccessToken)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q: %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	asNoStore(t, r)
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatal(err)
	}
	var c AccessClaims
	asVerify(t, jose.RS256, tk.AccessToken, &c)
	want := map[string]any{
		"active": true, "scope": DefaultScope, "client_id": ClientSPA, "token_type": "Bearer",
		"exp": float64(c.ExpiresAt.Unix()), "iat": float64(c.IssuedAt.Unix()), "sub": DemoUser,
		"aud": APIAudience, "iss": Issuer, "jti": c.ID,
	}
	for k, v := range want {
		if raw[k] != v {
			t.Errorf("%s = %#v, want %#v", k, raw[k], v)
		}
	}
	if s, ok := raw["scope"].(string); !ok || len(strings.Fields(s)) != 4 {
		t.Errorf("scope = %#v, want a space-delimited string of 4 scopes", raw["scope"])
	}
	for k := range raw {
		if _, ok := want[k]; !ok && k != "cnf" {
			t.Errorf("unexpected member %q", k)
		}
	}
	// The client may introspect its own token too.
	h := asBasic(ClientWeb, webSecret)
	web := asLoginWeb(t, w, nil)
	if r := postForm(t, w, "/introspect", url.Values{"token": {web.AccessToken}}, h); !strings.Contains(r.body, `"active":true`) {
		t.Errorf("web introspecting its own token: %s", r.body)
	}
}

// RFC 7662 §2.2: an expired, revoked or unknown token, or one the caller may
// not see, gives exactly {"active":false} with no other member. Sim policy
// (item 39): a refresh token introspected by a resource server is inactive.
func TestIntrospectInactiveIsExactlyActiveFalse_RFC7662_2_2(t *testing.T) {
	cases := []struct {
		name string
		// prepare returns the token to introspect and who asks (nil = the API).
		prepare func(t *testing.T, w *World) (string, http.Header)
	}{
		{"expired access token", func(t *testing.T, w *World) (string, http.Header) {
			tk := asLogin(t, w, nil)
			if err := w.Advance(w.Policy().AccessTTL); err != nil {
				t.Fatal(err)
			}
			return tk.AccessToken, nil
		}},
		{"revoked access token", func(t *testing.T, w *World) (string, http.Header) {
			tk := asLogin(t, w, nil)
			if r := asRevoke(t, w, tk.AccessToken, ""); r.status != 200 {
				t.Fatalf("revoke: %d %s", r.status, r.body)
			}
			return tk.AccessToken, nil
		}},
		{"unknown opaque string", func(*testing.T, *World) (string, http.Header) { return "no-such-token", nil }},
		{"access token signed by another key", func(t *testing.T, w *World) (string, http.Header) {
			tk := asLogin(t, w, nil)
			parts := strings.Split(tk.AccessToken, ".")
			return parts[0] + "." + parts[1] + ".AAAA", nil
		}},
		{"ID token", func(t *testing.T, w *World) (string, http.Header) { return asLogin(t, w, nil).IDToken, nil }},
		{"refresh token asked by the resource server (item 39)", func(t *testing.T, w *World) (string, http.Header) {
			return asLogin(t, w, nil).RefreshToken, nil
		}},
		{"another client's access token", func(t *testing.T, w *World) (string, http.Header) {
			return asLogin(t, w, nil).AccessToken, asBasic(ClientWeb, webSecret)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			tok, hdr := tc.prepare(t, w)
			if hdr == nil {
				hdr = asAPIAuth()
			}
			r := postForm(t, w, "/introspect", url.Values{"token": {tok}}, hdr)
			if r.status != http.StatusOK || r.body != `{"active":false}` {
				t.Errorf("got %d %s, want 200 {\"active\":false}", r.status, r.body)
			}
			asNoStore(t, r)
			if e := asLastExchange(t, w, "/introspect"); e.Reason == "" {
				t.Error("the inactive answer has no reason in the event log")
			}
		})
	}
}

// RFC 7662 §2.2: a token is active until exactly exp.
func TestIntrospectExpiryBoundary_RFC7662_2_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	if err := w.Advance(w.Policy().AccessTTL - time.Second); err != nil {
		t.Fatal(err)
	}
	if r := asIntrospect(t, w, tk.AccessToken); !strings.Contains(r.body, `"active":true`) {
		t.Errorf("one second before exp: %s", r.body)
	}
	if err := w.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	if r := asIntrospect(t, w, tk.AccessToken); r.body != `{"active":false}` {
		t.Errorf("at exp: %s", r.body)
	}
}

// RFC 7662 §2.1: the token parameter is required.
func TestIntrospectMissingToken_RFC7662_2_1(t *testing.T) {
	w := newTestWorld(t)
	asWantError(t, postForm(t, w, "/introspect", url.Values{"token_type_hint": {"access_token"}}, asAPIAuth()), 400, CodeInvalidRequest)
}
