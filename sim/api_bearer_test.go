package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// RFC 6750 §2 (how a bearer token is sent) and §3 (the challenge).

// TestIsB64Token: RFC 6750 §2.1
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
func TestIsB64Token(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"abc", true},
		{"A", true},
		{"0", true},
		{"-._~+/", true},
		{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", true},
		{"abc=", true},
		{"abc==", true},
		{"abc=====", true},
		{"a/b+c", true},
		{"", false},
		{"=", false},
		{"==", false},
		{"ab=c", false},
		{"abc=d=", false},
		{"a b", false},
		{" abc", false},
		{"abc ", false},
		{"a\tb", false},
		{"a,b", false},
		{`a"b`, false},
		{`a\b`, false},
		{"a;b", false},
		{"a:b", false},
		{"a%20b", false},
		{"a*b", false},
		{"é", false},
		{"abc\x00", false},
		{"abc\n", false},
	} {
		if got := isB64Token(tc.in); got != tc.want {
			t.Errorf("isB64Token(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestBearerBareChallenge: a request with no bearer credentials, including
// one using another scheme, gets 401 and `Bearer realm="api"` with no error
// code (RFC 6750 §3.1: "SHOULD NOT include an error code or other error
// information").
func TestBearerBareChallenge(t *testing.T) {
	w := newTestWorld(t)
	for name, hdr := range map[string]http.Header{
		"none":          nil,
		"basic":         {"Authorization": {"Basic YWxpY2U6d29uZGVybGFuZA=="}},
		"digest":        {"Authorization": {`Digest username="alice"`}},
		"empty":         {"Authorization": {""}},
		"bearer prefix": {"Authorization": {"Bearerabc"}},
		"dpop":          {"Authorization": {"DPoP abc"}},
	} {
		t.Run(name, func(t *testing.T) {
			r := send(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", "", hdr)
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", r.status)
			}
			if got := r.header.Values("WWW-Authenticate"); len(got) != 1 || got[0] != `Bearer realm="api"` {
				t.Fatalf("WWW-Authenticate %q, want exactly [Bearer realm=\"api\"]", got)
			}
			if ev := apiLastAPIEvent(t, w); ev.Error != "" || ev.Reason == "" {
				t.Errorf("event error %q (want none), reason %q", ev.Error, ev.Reason)
			}
		})
	}
	if n := w.Counts().JWKSFetches; n != 0 {
		t.Errorf("no token to check, yet %d JWKS fetches", n)
	}
}

// TestBearerMalformed: a malformed Authorization header, a token sent by
// more than one method, or any access_token in the URL query → 400
// invalid_request with a description (RFC 6750 §2: "Clients MUST NOT use
// more than one method"; §3.1 invalid_request; RFC 9700 §4.3.2: clients
// must not send access tokens in a URI query parameter).
func TestBearerMalformed(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	prof := APIAudience + "/api/profile"
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, tc := range []struct {
		name, method, target, body string
		auth                       []string
		ct                         bool
		desc                       string // a word the description must contain
	}{
		{"bare Bearer", "GET", prof, "", []string{"Bearer"}, false, "needs a token"},
		{"Bearer and a space", "GET", prof, "", []string{"Bearer "}, false, "needs a token"},
		{"Bearer and spaces", "GET", prof, "", []string{"Bearer    "}, false, "needs a token"},
		{"lower-case bare", "GET", prof, "", []string{"bearer"}, false, "needs a token"},
		{"extra part", "GET", prof, "", []string{"Bearer " + at + " extra"}, false, "extra parts"},
		{"auth-param form", "GET", prof, "", []string{`Bearer token="` + at + `"`}, false, "b64token"},
		{"comma", "GET", prof, "", []string{"Bearer a,b"}, false, "b64token"},
		{"quote", "GET", prof, "", []string{`Bearer a"b`}, false, "b64token"},
		{"backslash", "GET", prof, "", []string{`Bearer a\b`}, false, "b64token"},
		{"inner equals", "GET", prof, "", []string{"Bearer ab=cd"}, false, "b64token"},
		{"padding only", "GET", prof, "", []string{"Bearer =="}, false, "b64token"},
		{"non-ASCII", "GET", prof, "", []string{"Bearer jéton"}, false, "b64token"},
		{"tab inside", "GET", prof, "", []string{"Bearer a\tb"}, false, "b64token"},
		{"trailing space", "GET", prof, "", []string{"Bearer " + at + " "}, false, "b64token"},
		{"two headers", "GET", prof, "", []string{"Bearer " + at, "Bearer " + at}, false, "more than one"},
		{"Basic and Bearer headers", "GET", prof, "", []string{"Basic eDp5", "Bearer " + at}, false, "more than one"},
		{"header and query", "GET", prof + "?access_token=" + url.QueryEscape(at), "", []string{"Bearer " + at}, false, "URL query"},
		{"header and body", "POST", APIAudience + "/api/orders", "access_token=" + at, []string{"Bearer " + at}, true, "more than one method"},
		{"query and body", "POST", APIAudience + "/api/orders?access_token=" + at, "access_token=" + at, nil, true, "URL query"},
		{"query twice", "GET", prof + "?access_token=a&access_token=b", "", nil, false, "URL query"},
		{"query empty", "GET", prof + "?access_token=", "", nil, false, "URL query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Authorization": tc.auth}
			if tc.auth == nil {
				h = http.Header{}
			}
			if tc.ct {
				h.Set("Content-Type", form.Get("Content-Type"))
			}
			r := send(t, w, ActorApp, tc.method, tc.target, tc.body, h)
			prefix := `Bearer realm="api", error="invalid_request", error_description="`
			got := r.header.Get("WWW-Authenticate")
			if r.status != http.StatusBadRequest || !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, `"`) {
				t.Fatalf("got %d %q, want 400 %s…\"", r.status, got, prefix)
			}
			scheme, params := apiChallenge(t, r.header)
			if scheme != "Bearer" || len(params) != 3 || params["error_description"] == "" {
				t.Fatalf("challenge %q: want realm, error and a description only", got)
			}
			if !strings.Contains(params["error_description"], tc.desc) {
				t.Errorf("description %q does not mention %q", params["error_description"], tc.desc)
			}
			var body map[string]string
			if err := json.Unmarshal([]byte(r.body), &body); err != nil || body["error"] != CodeInvalidRequest || body["error_description"] != params["error_description"] {
				t.Errorf("body %q does not match the challenge", r.body)
			}
			wantWhy := "malformed"
			if tc.desc == "URL query" {
				wantWhy = "RFC 9700 section 4.3.2 says clients must not send access tokens there"
			}
			if ev := apiLastAPIEvent(t, w); ev.Error != CodeInvalidRequest || !strings.Contains(ev.Reason, wantWhy) {
				t.Errorf("event error %q reason %q", ev.Error, ev.Reason)
			}
		})
	}
	if n := w.Counts().JWKSFetches; n != 0 {
		t.Errorf("malformed requests must be refused before validation; %d JWKS fetches", n)
	}
}

// TestBearerSchemeCaseInsensitive: auth-scheme matching is
// case-insensitive (RFC 9110 §11.1, RFC 6750 §2.1), and 1*SP separates it
// from the token.
func TestBearerSchemeCaseInsensitive(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	for _, scheme := range []string{"Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer   "} {
		r := send(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", "", http.Header{"Authorization": {scheme + at}})
		if r.status != http.StatusOK {
			t.Errorf("%q: status %d %q", scheme, r.status, r.header.Get("WWW-Authenticate"))
		}
		if ev := apiLastAPIEvent(t, w); ev.Token != "at-1" {
			t.Errorf("%q: event token %q, want at-1", scheme, ev.Token)
		}
	}
}

// TestBearerTrailingEquals: b64token allows trailing "=" (RFC 6750 §2.1),
// so such a header is well-formed: what fails is the token (a JWS uses
// unpadded base64url, RFC 7515 §2), giving 401 invalid_token, not 400.
func TestBearerTrailingEquals(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	for _, tok := range []string{at + "=", at + "==", "abc=", "YWJj=="} {
		r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", tok)
		apiWant401(t, w, r, "api", "The access token is malformed")
	}
}

// TestChallengeString: the challenge writer keeps every attribute once and
// strips '"' and '\' from the description (RFC 6750 §3: error_description
// "MUST NOT include characters outside the set %x20-21 / %x23-5B /
// %x5D-7E").
func TestChallengeString(t *testing.T) {
	for _, tc := range []struct {
		c    challenge
		want string
	}{
		{challenge{realm: "api"}, `Bearer realm="api"`},
		{challenge{realm: "api", err: CodeInvalidToken, desc: "The access token expired"},
			`Bearer realm="api", error="invalid_token", error_description="The access token expired"`},
		{challenge{realm: "api", err: CodeInsufficientScope, scope: "orders:write"},
			`Bearer realm="api", error="insufficient_scope", scope="orders:write"`},
		{challenge{realm: "billing", err: CodeInvalidRequest, desc: `say "hi" \ bye` + "\n\x7fé"},
			`Bearer realm="billing", error="invalid_request", error_description="say 'hi' ' bye"`},
	} {
		got := tc.c.String()
		if got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
		apiChallenge(t, http.Header{"Www-Authenticate": {got}})
	}
}
