package sim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// Resource-server tests: the API's behaviour as RFC 6750 (bearer usage),
// RFC 9068 §4 (JWT access-token validation), RFC 8725 (JWT BCP), RFC 7009
// and RFC 7662 (revocation, introspection) describe it. Helpers here carry
// the prefix api.

// apiDemo returns the committed demo key for alg.
func apiDemo(t testing.TB, alg jose.Alg) jose.SigningKey {
	t.Helper()
	k, err := jose.DemoKey(alg)
	if err != nil {
		t.Fatalf("DemoKey(%s): %v", alg, err)
	}
	return k
}

// apiClaims are good RFC 9068 §2.2 claims for API A, issued at now.
func apiClaims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss":       Issuer,
		"sub":       DemoUser,
		"aud":       []string{APIAudience},
		"client_id": ClientSPA,
		"scope":     "profile orders:read",
		"iat":       now.Unix(),
		"exp":       now.Add(5 * time.Minute).Unix(),
		"jti":       "forged-" + now.Format("150405"),
	}
}

// apiForge signs claims with key under method. The header starts as the AS
// would write it (typ at+jwt, kid of the demo key for alg); hdr overrides
// it, and a nil value in hdr deletes a member.
func apiForge(t testing.TB, method jwt.SigningMethod, key any, kid string, hdr map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["typ"] = jose.TypAccessToken
	tok.Header["kid"] = kid
	for k, v := range hdr {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("signing forged token: %v", err)
	}
	return s
}

// apiGood forges a valid access token for API A with the world's demo key
// and claims mod applied (a nil value deletes a claim).
func apiGood(t testing.TB, w *World, hdr map[string]any, mod jwt.MapClaims) string {
	t.Helper()
	k := apiDemo(t, w.Policy().Alg)
	c := apiClaims(w.Clock().Now())
	for n, v := range mod {
		if v == nil {
			delete(c, n)
		} else {
			c[n] = v
		}
	}
	return apiForge(t, k.Alg.Method(), k.Private, k.KID, hdr, c)
}

// apiSegments hand-crafts a compact JWS from a header, a payload and a raw
// signature segment.
func apiSegments(t testing.TB, header, payload map[string]any, sig string) string {
	t.Helper()
	enc := func(v map[string]any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(payload) + "." + sig
}

// apiTamper rewrites the payload of a signed token, keeping its header and
// signature: the bytes no longer match what was signed.
func apiTamper(t testing.TB, raw string, mod func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", raw)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("payload: %v", err)
	}
	mod(m)
	nb, _ := json.Marshal(m)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(nb) + "." + parts[2]
}

// apiCall sends method origin+path from actor with "Bearer token" (no
// Authorization header when token is "").
func apiCall(t testing.TB, w *World, from Actor, method, target, token string) reply {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return send(t, w, from, method, target, "", h)
}

// apiLastAPIEvent returns the newest exchange event answered by the API.
func apiLastAPIEvent(t testing.TB, w *World) Event {
	t.Helper()
	evs := w.Log().Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == KindExchange && (evs[i].To == ActorAPI || evs[i].To == ActorBilling) {
			return evs[i]
		}
	}
	t.Fatal("no exchange reached the API")
	return Event{}
}

// apiChallenge parses a WWW-Authenticate challenge of RFC 9110 §11.2's
// shape (scheme 1*SP auth-param *("," OWS auth-param), quoted values) the
// way RFC 6750 §3 restricts it: each attribute at most once, and no '"' or
// '\' inside a value (so no quoted-pair either).
func apiChallenge(t testing.TB, h http.Header) (string, map[string]string) {
	t.Helper()
	vs := h.Values("WWW-Authenticate")
	if len(vs) != 1 {
		t.Fatalf("want exactly one WWW-Authenticate header, got %q", vs)
	}
	scheme, rest, _ := strings.Cut(vs[0], " ")
	params := map[string]string{}
	for rest != "" {
		name, after, ok := strings.Cut(rest, `="`)
		if !ok || name == "" || strings.ContainsAny(name, " ,\"") {
			t.Fatalf("challenge %q: bad auth-param at %q", vs[0], rest)
		}
		val, tail, ok := strings.Cut(after, `"`)
		if !ok {
			t.Fatalf("challenge %q: unterminated value", vs[0])
		}
		if strings.ContainsRune(val, '\\') {
			t.Fatalf("challenge %q: backslash in %s", vs[0], name)
		}
		for _, r := range val {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("challenge %q: %s has a character outside %%x20-7E", vs[0], name)
			}
		}
		if _, dup := params[name]; dup {
			t.Fatalf("challenge %q: %s appears twice (RFC 6750 section 3)", vs[0], name)
		}
		params[name] = val
		switch {
		case tail == "":
			rest = ""
		case strings.HasPrefix(tail, ", "):
			rest = tail[2:]
		default:
			t.Fatalf("challenge %q: junk after %s: %q", vs[0], name, tail)
		}
	}
	return scheme, params
}

// apiWant401 asserts a 401 invalid_token with the exact challenge for desc,
// a reason containing each of why, and returns the API's event.
func apiWant401(t testing.TB, w *World, r reply, realm, desc string, why ...string) Event {
	t.Helper()
	want := `Bearer realm="` + realm + `", error="invalid_token", error_description="` + desc + `"`
	if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != want {
		t.Fatalf("got %d %q, want 401 %q (body %s)", r.status, r.header.Get("WWW-Authenticate"), want, r.body)
	}
	apiChallenge(t, r.header)
	ev := apiLastAPIEvent(t, w)
	if ev.Status != http.StatusUnauthorized || ev.Error != CodeInvalidToken {
		t.Fatalf("event: status %d error %q, want 401 invalid_token", ev.Status, ev.Error)
	}
	for _, s := range why {
		if !strings.Contains(strings.ToLower(ev.Reason), strings.ToLower(s)) {
			t.Errorf("reason %q does not name %q", ev.Reason, s)
		}
	}
	return ev
}

// apiAPIExchanges returns the exchanges the APIs themselves started.
func apiAPIExchanges(w *World) []Event {
	var out []Event
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.From == ActorAPI {
			out = append(out, e)
		}
	}
	return out
}

// apiOnlyJWKSOutbound asserts that everything the API fetched was the AS's
// JWKS (RFC 8725 §3.10, RFC 9068 §4), exactly jwks times, and that the
// counter agrees with the log.
func apiOnlyJWKSOutbound(t testing.TB, w *World, jwks int) {
	t.Helper()
	out := apiAPIExchanges(w)
	for _, e := range out {
		req := e.Exchange.Request
		if req.Host != HostAS || req.Method != http.MethodGet || req.Target != "/jwks.json" || e.To != ActorAS {
			t.Errorf("the API made an outbound request other than the AS's JWKS: %s %s%s (to %s)", req.Method, req.Host, req.Target, e.To)
		}
	}
	if len(out) != jwks || w.Counts().JWKSFetches != jwks {
		t.Errorf("API outbound exchanges %d, JWKSFetches %d; want %d of each", len(out), w.Counts().JWKSFetches, jwks)
	}
}

// TestAPIChallengeNoToken: no credentials → 401 with a bare challenge and
// no error code, no body error (RFC 6750 §3.1).
func TestAPIChallengeNoToken(t *testing.T) {
	w := newTestWorld(t)
	r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", "")
	if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != `Bearer realm="api"` {
		t.Fatalf("got %d %q, want 401 Bearer realm=\"api\"", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r.body != "" {
		t.Errorf("a bare challenge carries no error body, got %q", r.body)
	}
	if ev := apiLastAPIEvent(t, w); ev.Error != "" || !strings.Contains(ev.Reason, "no bearer token") {
		t.Errorf("event error %q reason %q", ev.Error, ev.Reason)
	}
}

// TestAPIChallengeExpired: an expired access token → 401 with exactly the
// challenge of RFC 6750 §3 / checklist item 59.
func TestAPIChallengeExpired(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	if err := w.Advance(w.Policy().AccessTTL + w.Policy().Leeway); err != nil {
		t.Fatal(err)
	}
	r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", at)
	apiWant401(t, w, r, "api", "The access token expired", "expired")
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || body["error"] != CodeInvalidToken {
		t.Errorf("body %q: want JSON error invalid_token", r.body)
	}
}

// TestAPIInsufficientScope: a valid token without the route's scope → 403
// insufficient_scope naming the scope needed (RFC 6750 §3.1), and the
// client does not refresh (checklist item 61).
func TestAPIInsufficientScope(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	if strings.Contains(DefaultScope, "orders:write") {
		t.Fatal("test premise: DefaultScope must lack orders:write")
	}
	r := apiCall(t, w, ActorApp, http.MethodPost, APIAudience+"/api/orders", at)
	want := `Bearer realm="api", error="insufficient_scope", scope="orders:write"`
	if r.status != http.StatusForbidden || r.header.Get("WWW-Authenticate") != want {
		t.Fatalf("got %d %q, want 403 %q", r.status, r.header.Get("WWW-Authenticate"), want)
	}
	apiChallenge(t, r.header)
	ev := apiLastAPIEvent(t, w)
	if ev.Error != CodeInsufficientScope || !strings.Contains(ev.Reason, "orders:write") {
		t.Errorf("event error %q reason %q", ev.Error, ev.Reason)
	}
	// The same token is fine where its scope suffices.
	if r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/orders", at); r.status != http.StatusOK {
		t.Errorf("GET /api/orders with orders:read: %d %s", r.status, r.body)
	}
	// The app does not refresh after a 403.
	before := w.Log().Len()
	if o := w.App().Call(http.MethodPost, "/api/orders"); o.Status != http.StatusForbidden || o.Error != CodeInsufficientScope {
		t.Errorf("Call: %+v, want 403 insufficient_scope", o)
	}
	for _, e := range w.Log().Since(before) {
		if e.Kind == KindExchange && e.Path == "/token" {
			t.Errorf("the app went to /token after a 403")
		}
	}
	// With orders:write the order is created.
	w2 := newTestWorld(t)
	if o := w2.App().Login(DemoUser, DemoPassword, "openid profile orders:read orders:write offline_access"); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	if o := w2.App().Call(http.MethodPost, "/api/orders"); o.Status != http.StatusCreated {
		t.Errorf("POST /api/orders with orders:write: %+v", o)
	}
}

// TestAPIRevocationModes: after logout (RFC 7009 §2.1 revokes the family
// and its access tokens) a stolen access token is still good at a
// stateless API until exp, refused at once by an introspecting API (RFC
// 7662 §2.2 active:false) at one introspection per call, and refused at
// once by a denylisting API without any introspection (checklist item 90).
func TestAPIRevocationModes(t *testing.T) {
	for _, tc := range []struct {
		mode   APIMode
		after  int // status right after logout
		intros bool
		why    string
	}{
		{ModeStateless, http.StatusOK, false, ""},
		{ModeIntrospect, http.StatusUnauthorized, true, "not active"},
		{ModeDenylist, http.StatusUnauthorized, false, "denylist"},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			w := newTestWorld(t)
			if err := w.Set("api_mode", string(tc.mode)); err != nil {
				t.Fatal(err)
			}
			login(t, w)
			if o := w.Attacker().Steal(SourceScript, TokenAccess); !o.OK() {
				t.Fatalf("steal: %+v", o)
			}
			if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusOK {
				t.Fatalf("before logout: %+v", o)
			}
			in0 := w.Counts().Introspections
			if tc.intros && in0 != 1 {
				t.Errorf("introspections before logout = %d, want 1", in0)
			}
			if o := w.App().Logout(); !o.OK() {
				t.Fatalf("logout: %+v", o)
			}
			for i := 1; i <= 3; i++ {
				o := w.Attacker().CallAPI(http.MethodGet, "/api/profile")
				if o.Status != tc.after {
					t.Fatalf("call %d after logout: %+v, want %d", i, o, tc.after)
				}
				if tc.after == http.StatusUnauthorized && (o.Error != CodeInvalidToken || !strings.Contains(o.Reason, tc.why)) {
					t.Errorf("call %d: %+v, want invalid_token naming %q", i, o, tc.why)
				}
				wantIntros := in0
				if tc.intros {
					wantIntros = in0 + i
				}
				if got := w.Counts().Introspections; got != wantIntros {
					t.Errorf("call %d: introspections %d, want %d", i, got, wantIntros)
				}
			}
			if tc.mode == ModeStateless {
				// The flaw: good until exp (+ leeway), then expired.
				ttl, lw := w.Policy().AccessTTL, w.Policy().Leeway
				if err := w.Advance(ttl + lw - time.Second); err != nil {
					t.Fatal(err)
				}
				if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusOK {
					t.Fatalf("just before exp+leeway: %+v", o)
				}
				if err := w.Advance(time.Second); err != nil {
					t.Fatal(err)
				}
				r := apiCall(t, w, ActorAttacker, http.MethodGet, APIAudience+"/api/profile", apiStolen(t, w))
				apiWant401(t, w, r, "api", "The access token expired", "expired")
			}
			if tc.mode != ModeIntrospect && w.Counts().Introspections != 0 {
				t.Errorf("%s mode introspected %d times", tc.mode, w.Counts().Introspections)
			}
			for _, e := range apiAPIExchanges(w) {
				if e.Path == "/introspect" && !tc.intros {
					t.Errorf("%s mode sent /introspect", tc.mode)
				}
			}
		})
	}
}

// apiStolen returns the attacker's stolen access token.
func apiStolen(t testing.TB, w *World) string {
	t.Helper()
	at, _ := w.Attacker().tokens()
	if at == "" {
		t.Fatal("the attacker holds no access token")
	}
	return at
}

// TestAPIIntrospectModeCost: an introspecting API pays one AS round trip per
// call even for a good token, and still refuses the wrong audience.
func TestAPIIntrospectModeCost(t *testing.T) {
	w := newTestWorld(t)
	if err := w.Set("api_mode", "introspect"); err != nil {
		t.Fatal(err)
	}
	at, _ := login(t, w)
	for i := 1; i <= 3; i++ {
		if r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", at); r.status != http.StatusOK {
			t.Fatalf("call %d: %d %s", i, r.status, r.body)
		}
		if got := w.Counts().Introspections; got != i {
			t.Errorf("after %d calls: %d introspections", i, got)
		}
	}
	r := apiCall(t, w, ActorApp, http.MethodGet, APIBAudience+"/api/profile", at)
	apiWant401(t, w, r, "billing", "The access token is for another audience", "audience")
	if w.Counts().JWKSFetches != 0 {
		t.Errorf("an introspecting API fetched the JWKS %d times", w.Counts().JWKSFetches)
	}
	for _, e := range apiAPIExchanges(w) {
		if req := e.Exchange.Request; req.Host != HostAS || req.Target != "/introspect" {
			t.Errorf("introspecting API called %s%s", req.Host, req.Target)
		}
	}
}

// TestAPIRefreshTokenRejected: a refresh token at the API → 401
// invalid_token; refresh tokens are for the AS only (RFC 6749 §1.5,
// checklist item 62), in every mode.
func TestAPIRefreshTokenRejected(t *testing.T) {
	for _, mode := range []APIMode{ModeStateless, ModeIntrospect, ModeDenylist} {
		t.Run(string(mode), func(t *testing.T) {
			w := newTestWorld(t)
			if err := w.Set("api_mode", string(mode)); err != nil {
				t.Fatal(err)
			}
			_, rt := login(t, w)
			if rt == "" {
				t.Fatal("no refresh token issued")
			}
			o := w.App().Present(APIAudience, http.MethodGet, "/api/profile", TokenRefresh)
			if o.Status != http.StatusUnauthorized || o.Error != CodeInvalidToken {
				t.Fatalf("Present(refresh): %+v, want 401 invalid_token", o)
			}
			if !strings.Contains(o.Reason, "refresh token") {
				t.Errorf("reason %q does not say it is a refresh token", o.Reason)
			}
			apiChallenge(t, apiLastAPIEvent(t, w).Exchange.Response.Header)
		})
	}
}

// TestAPIOutboundOnlyJWKS: across good tokens, forged ones, attacker
// headers and repeated calls, the API's only outbound request is the AS's
// jwks_uri (RFC 8725 §3.10; checklist item 53).
func TestAPIOutboundOnlyJWKS(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	for i := 0; i < 3; i++ {
		if r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", at); r.status != http.StatusOK {
			t.Fatalf("good call: %d", r.status)
		}
	}
	apiOnlyJWKSOutbound(t, w, 1) // cached after the first fetch
	evil := "https://evil.test/jwks.json"
	for _, tc := range []struct {
		hdr    map[string]any
		status int
	}{
		{map[string]any{"jku": evil, "kid": "attacker"}, http.StatusUnauthorized},
		{map[string]any{"jwk": map[string]any{"kty": "oct", "k": "c2VjcmV0"}, "kid": "x"}, http.StatusUnauthorized},
		// Signed with the AS's own key: the header is ignored, the token is good.
		{map[string]any{"x5u": evil + "/cert.pem"}, http.StatusCreated},
	} {
		tok := apiGood(t, w, tc.hdr, jwt.MapClaims{"scope": "profile orders:write"})
		if r := apiCall(t, w, ActorAttacker, http.MethodPost, APIAudience+"/api/orders", tok); r.status != tc.status {
			t.Errorf("%v: status %d, want %d", tc.hdr, r.status, tc.status)
		}
	}
	apiOnlyJWKSOutbound(t, w, 1) // unknown kids: inside the re-fetch minute, nothing fetched
}

// TestAPIReasonsOnEveryDenial: every 401 and 403 the API answers carries
// a Reason that names its cause (checklist: every denial explains itself).
func TestAPIReasonsOnEveryDenial(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	api := APIAudience + "/api/profile"
	cases := []struct {
		name, token, target, method string
		status                      int
		why                         string
	}{
		{"no token", "", api, "GET", 401, "no bearer token"},
		{"scope", at, APIAudience + "/api/orders", "POST", 403, "lacks orders:write"},
		{"typ", apiGood(t, w, map[string]any{"typ": "JWT"}, nil), api, "GET", 401, "typ"},
		{"alg none", apiSegments(t, map[string]any{"alg": "none", "typ": "at+jwt"}, apiClaims(w.Clock().Now()), ""), api, "GET", 401, "allowlist"},
		{"signature", apiTamper(t, at, func(m map[string]any) { m["scope"] = "orders:write" }), api, "GET", 401, "signature"},
		{"kid", apiGood(t, w, map[string]any{"kid": "nope"}, nil), api, "GET", 401, "kid"},
		{"issuer", apiGood(t, w, nil, jwt.MapClaims{"iss": "https://evil.test"}), api, "GET", 401, "issued by"},
		{"audience", at, APIBAudience + "/api/profile", "GET", 401, "audience"},
		{"exp", apiGood(t, w, nil, jwt.MapClaims{"exp": nil}), api, "GET", 401, "exp"},
		{"nbf", apiGood(t, w, nil, jwt.MapClaims{"nbf": w.Clock().Now().Add(time.Hour).Unix()}), api, "GET", 401, "not valid before"},
		{"iat", apiGood(t, w, nil, jwt.MapClaims{"iat": w.Clock().Now().Add(time.Hour).Unix()}), api, "GET", 401, "in the future"},
		{"malformed", "abc", api, "GET", 401, "not a jwt"},
	}
	for _, tc := range cases {
		r := apiCall(t, w, ActorApp, tc.method, tc.target, tc.token)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, r.status, tc.status, r.header.Get("WWW-Authenticate"))
			continue
		}
		if ev := apiLastAPIEvent(t, w); !strings.Contains(strings.ToLower(ev.Reason), tc.why) {
			t.Errorf("%s: reason %q does not contain %q", tc.name, ev.Reason, tc.why)
		}
	}
	if err := w.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	apiCall(t, w, ActorApp, http.MethodGet, api, at)
	n := 0
	for _, e := range w.Log().Events() {
		if e.Kind != KindExchange || (e.To != ActorAPI && e.To != ActorBilling) || (e.Status != 401 && e.Status != 403) {
			continue
		}
		n++
		if strings.TrimSpace(e.Reason) == "" {
			t.Errorf("event %d (%d %s): empty Reason", e.Seq, e.Status, e.Error)
		}
	}
	if n != len(cases)+1 {
		t.Errorf("%d denials in the log, want %d", n, len(cases)+1)
	}
}

// TestAPIHandlerEdges: routing and body limits never panic and answer
// with the right status: 404 unknown path, 405 with Allow (RFC 9110
// §15.5.6), 413 above MaxBodyBytes (RFC 9110 §15.5.14).
func TestAPIHandlerEdges(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	big := strings.Repeat("a", MaxBodyBytes+1)
	form := "access_token=" + at + "&pad=" + strings.Repeat("b", MaxBodyBytes)
	ct := func(v string) http.Header {
		h := http.Header{"Authorization": {"Bearer " + at}}
		if v != "" {
			h.Set("Content-Type", v)
		}
		return h
	}
	for _, tc := range []struct {
		name, method, path, body string
		hdr                      http.Header
		status                   int
		allow                    string
	}{
		{"unknown path", "GET", "/api/nope", "", ct(""), 404, ""},
		{"root", "GET", "/", "", nil, 404, ""},
		{"trailing slash", "GET", "/api/profile/", "", ct(""), 404, ""},
		{"DELETE profile", "DELETE", "/api/profile", "", ct(""), 405, "GET, HEAD"},
		{"PUT orders", "PUT", "/api/orders", "", ct(""), 405, "GET, HEAD, POST"},
		{"HEAD profile needs a token like GET", "HEAD", "/api/profile", "", nil, 401, ""},
		{"big raw body", "POST", "/api/orders", big, ct("application/octet-stream"), 413, ""},
		{"big form body", "POST", "/api/orders", form, ct("application/x-www-form-urlencoded"), 413, ""},
		{"big body on GET", "GET", "/api/profile", big, ct(""), 413, ""},
		{"exactly 1 MiB", "POST", "/api/orders", big[:MaxBodyBytes], ct("application/octet-stream"), 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, w, ActorApp, tc.method, APIAudience+tc.path, tc.body, tc.hdr)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (body %.200s)", r.status, tc.status, r.body)
			}
			if got := r.header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if ev := apiLastAPIEvent(t, w); ev.Reason == "" {
				t.Errorf("no reason recorded for %d", tc.status)
			}
		})
	}
}

// TestAPIFormBodyToken: RFC 6750 §2.2: a form-encoded body may carry
// access_token, only with Content-Type application/x-www-form-urlencoded
// and never on GET; §2.3 the query works too.
func TestAPIFormBodyToken(t *testing.T) {
	w := newTestWorld(t)
	if o := w.App().Login(DemoUser, DemoPassword, "openid profile orders:read orders:write offline_access"); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	at, _, _, _ := w.App().store.snapshot()
	body := url.Values{"access_token": {at}, "item": {"tea"}}.Encode()
	for _, tc := range []struct {
		name, method, path, ct string
		status                 int
	}{
		{"form", "POST", "/api/orders", "application/x-www-form-urlencoded", 201},
		{"form with charset", "POST", "/api/orders", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", 201},
		{"text/plain", "POST", "/api/orders", "text/plain", 401},
		{"json", "POST", "/api/orders", "application/json", 401},
		{"multipart", "POST", "/api/orders", "multipart/form-data; boundary=x", 401},
		{"no content type", "POST", "/api/orders", "", 401},
		{"GET with form", "GET", "/api/profile", "application/x-www-form-urlencoded", 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.ct != "" {
				h.Set("Content-Type", tc.ct)
			}
			r := send(t, w, ActorApp, tc.method, APIAudience+tc.path, body, h)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d (%q)", r.status, tc.status, r.header.Get("WWW-Authenticate"))
			}
			if tc.status == 401 && r.header.Get("WWW-Authenticate") != `Bearer realm="api"` {
				t.Errorf("a body the API may not read carries no token: want a bare challenge, got %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
	// RFC 6750 §2.3's URI query parameter is refused: RFC 9700 §4.3.2 says
	// clients must not send access tokens in a query parameter (browser
	// history, logs, Referer), so the API answers 400 invalid_request and
	// tells the learner why instead of silently accepting it.
	if r := send(t, w, ActorApp, "GET", APIAudience+"/api/profile?access_token="+url.QueryEscape(at), "", nil); r.status != 400 ||
		!strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_request"`) || !strings.Contains(r.body, "RFC 9700 section 4.3.2") {
		t.Errorf("query token: %d %q %q, want 400 invalid_request citing RFC 9700 section 4.3.2", r.status, r.header.Get("WWW-Authenticate"), r.body)
	} else if ev := apiLastAPIEvent(t, w); !strings.Contains(ev.Reason, "must not send access tokens there") {
		t.Errorf("query token: reason %q does not say why", ev.Reason)
	}
	// A repeated form parameter is malformed (RFC 6749 §3.1 rule, kept for §2.2).
	r := send(t, w, ActorApp, "POST", APIAudience+"/api/orders", body+"&access_token=x",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if r.status != 400 || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Bearer realm="api", error="invalid_request", error_description="`) {
		t.Errorf("repeated access_token: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
}

// TestAPIJWKSRefetchSingleFlight: concurrent requests with unknown kids
// past the re-fetch interval cause exactly one JWKS re-fetch (RFC 8725
// §3.10, checklist item 54): the rate limit must hold under concurrency,
// or a burst of forged kids multiplies load on the AS.
func TestAPIJWKSRefetchSingleFlight(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	if r := apiCall(t, w, ActorApp, http.MethodGet, APIAudience+"/api/profile", at); r.status != 200 {
		t.Fatalf("good call: %d", r.status)
	}
	if err := w.Advance(refetchInterval); err != nil {
		t.Fatal(err)
	}
	const n = 16
	forged := make([]string, n)
	for i := range forged {
		forged[i] = apiGood(t, w, map[string]any{"kid": "unknown-" + string(rune('a'+i))}, nil)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, n)
	for i := range forged {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, _ := http.NewRequest(http.MethodGet, APIAudience+"/api/profile", nil)
			req.Header.Set("Authorization", "Bearer "+forged[i])
			resp, err := w.wire.Client(ActorAttacker).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = resp.StatusCode
			readAll(resp)
		}()
	}
	close(start)
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusUnauthorized {
			t.Errorf("forged %d: status %d", i, s)
		}
	}
	apiOnlyJWKSOutbound(t, w, 2)
	// Concurrent good calls on a cold API share one fetch too.
	w2 := newTestWorld(t)
	at2, _ := login(t, w2)
	start2 := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start2
			req, _ := http.NewRequest(http.MethodGet, APIAudience+"/api/profile", nil)
			req.Header.Set("Authorization", "Bearer "+at2)
			resp, err := w2.wire.Client(ActorApp).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("cold concurrent good call: %d", resp.StatusCode)
			}
			readAll(resp)
		}()
	}
	close(start2)
	wg.Wait()
	apiOnlyJWKSOutbound(t, w2, 1)
}

// TestAPIHead: HEAD is GET without the body (RFC 9110 §9.3.2): same status
// and headers, no body.
func TestAPIHead(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	h := http.Header{"Authorization": {"Bearer " + at}}
	get := send(t, w, ActorApp, http.MethodGet, APIAudience+"/api/orders", "", h)
	head := send(t, w, ActorApp, http.MethodHead, APIAudience+"/api/orders", "", h)
	if head.status != get.status || head.status != http.StatusOK {
		t.Fatalf("HEAD %d, GET %d; want both 200", head.status, get.status)
	}
	if head.body != "" || get.body == "" {
		t.Fatalf("HEAD body %q (want none), GET body %q", head.body, get.body)
	}
	if head.header.Get("Content-Type") != get.header.Get("Content-Type") {
		t.Errorf("HEAD Content-Type %q, GET %q", head.header.Get("Content-Type"), get.header.Get("Content-Type"))
	}
}
