package sim

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// Checklist item 73 / RFC 7638 §3 / RFC 9449 §6.1, §7: the thumbprint of
// the EC JWK and the ath of the access token.
func TestDPoPVectors(t *testing.T) {
	const x, y = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"
	if got, want := ecThumbprint("P-256", x, y), "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"; got != want {
		t.Errorf("jkt = %s, want %s", got, want)
	}
	// The same key as a proof's jwk gives the same thumbprint: the verifier
	// hashes the members it parsed, not the header's bytes.
	if _, err := (dpopJWK{Kty: "EC", Crv: "P-256", X: x, Y: y}).public(); err != nil {
		t.Errorf("the vector's key does not parse: %v", err)
	}
	if got, want := dpopATH("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"), "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"; got != want {
		t.Errorf("ath = %s, want %s", got, want)
	}
}

// dpopTestKey is a fixed key from seeded entropy.
func dpopTestKey(t testing.TB, seed uint64) *dpopKey {
	t.Helper()
	k, err := newDPoPKey(newEntropy(seed))
	if err != nil {
		t.Fatalf("newDPoPKey: %v", err)
	}
	return k
}

var dpopTestNow = Epoch().Add(time.Hour)

const dpopTestURI = APIAudience + "/api/orders"

// dpopTestProof signs claims with method and key under a header that
// starts as a valid proof header of k and is then changed by hdr (a nil
// value deletes a member).
func dpopTestProof(t testing.TB, k *dpopKey, method jwt.SigningMethod, key any, hdr map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["typ"] = jose.TypDPoP
	tok.Header["jwk"] = k.jwk
	for h, v := range hdr {
		if v == nil {
			delete(tok.Header, h)
		} else {
			tok.Header[h] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("SignedString: %v", err)
	}
	return s
}

// dpopTestClaims are valid claims for GET dpopTestURI with access token at.
func dpopTestClaims(at string) jwt.MapClaims {
	return jwt.MapClaims{"jti": "jti-1", "htm": "GET", "htu": dpopTestURI, "iat": dpopTestNow.Unix(), "ath": dpopATH(at)}
}

// TestDPoPProofChecks: every check of RFC 9449 §4.3, a valid proof and one
// refused proof each, in the RFC's order.
func TestDPoPProofChecks(t *testing.T) {
	k := dpopTestKey(t, 1)
	other := dpopTestKey(t, 2)
	const at = "access-token-value"
	req := dpopRequest{method: "GET", uri: dpopTestURI, accessToken: at, now: dpopTestNow, leeway: 30 * time.Second}
	sign := func(hdr map[string]any, mod func(jwt.MapClaims)) string {
		c := dpopTestClaims(at)
		if mod != nil {
			mod(c)
		}
		return dpopTestProof(t, k, dpopES256, k.priv, hdr, c)
	}
	rs, err := jose.DemoKey(jose.RS256)
	if err != nil {
		t.Fatal(err)
	}
	withD := map[string]any{}
	for m, v := range k.jwk {
		withD[m] = v
	}
	withD["d"] = "c2VjcmV0"
	valid := sign(nil, nil)
	sig := valid[strings.LastIndexByte(valid, '.')+1:]
	flipped := valid[:len(valid)-len(sig)] + string(sig[0]^1) + sig[1:]

	for _, tc := range []struct {
		name   string
		values []string
		req    func(*dpopRequest)
		code   string // "" = accepted
		reason string
	}{
		{name: "valid", values: []string{valid}},
		{name: "1 missing header", values: nil, code: CodeInvalidDPoPProof, reason: "no DPoP header"},
		{name: "1 two headers", values: []string{valid, valid}, code: CodeInvalidDPoPProof, reason: "2 DPoP headers"},
		{name: "2 not a JWT", values: []string{"not-a-jwt"}, code: CodeInvalidDPoPProof, reason: "not a JWT"},
		{name: "4 typ JWT", values: []string{sign(map[string]any{"typ": "JWT"}, nil)}, code: CodeInvalidDPoPProof, reason: "not dpop+jwt"},
		{name: "4 typ at+jwt", values: []string{sign(map[string]any{"typ": "at+jwt"}, nil)}, code: CodeInvalidDPoPProof, reason: "not dpop+jwt"},
		{name: "4 typ application/dpop+jwt (RFC 7515 4.1.9)", values: []string{sign(map[string]any{"typ": "application/dpop+jwt"}, nil)}},
		{name: "4 typ case-insensitive", values: []string{sign(map[string]any{"typ": "Application/DPoP+JWT"}, nil)}},
		{name: "4 typ application/jwt", values: []string{sign(map[string]any{"typ": "application/jwt"}, nil)}, code: CodeInvalidDPoPProof, reason: "not dpop+jwt"},
		{name: "4 typ application/ alone", values: []string{sign(map[string]any{"typ": "application/"}, nil)}, code: CodeInvalidDPoPProof, reason: "not dpop+jwt"},
		{name: "crit refused (RFC 7515 4.1.11)", values: []string{sign(map[string]any{"crit": []string{"exp"}}, nil)}, code: CodeInvalidDPoPProof, reason: "crit"},
		{name: "5 alg none", values: []string{dpopTestProof(t, k, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil, dpopTestClaims(at))}, code: CodeInvalidDPoPProof, reason: "alg none"},
		{name: "5 alg HS256", values: []string{dpopTestProof(t, k, jwt.SigningMethodHS256, []byte("shared"), nil, dpopTestClaims(at))}, code: CodeInvalidDPoPProof, reason: "a MAC"},
		{name: "5 alg RS256 unsupported", values: []string{dpopTestProof(t, k, jwt.SigningMethodRS256, rs.Private, nil, dpopTestClaims(at))}, code: CodeInvalidDPoPProof, reason: "accept ES256"},
		{name: "6 no jwk", values: []string{sign(map[string]any{"jwk": nil}, nil)}, code: CodeInvalidDPoPProof, reason: "lacks jwk"},
		{name: "6 jwk not P-256", values: []string{sign(map[string]any{"jwk": map[string]any{"kty": "RSA", "n": "AQAB", "e": "AQAB"}}, nil)}, code: CodeInvalidDPoPProof, reason: "not a P-256 public key"},
		{name: "6 bad signature", values: []string{flipped}, code: CodeInvalidDPoPProof, reason: "signature does not verify"},
		{name: "6 signed by another key", values: []string{dpopTestProof(t, k, dpopES256, other.priv, nil, dpopTestClaims(at))}, code: CodeInvalidDPoPProof, reason: "signature does not verify"},
		{name: "3 missing jti", values: []string{sign(nil, func(c jwt.MapClaims) { delete(c, "jti") })}, code: CodeInvalidDPoPProof, reason: "lacks jti"},
		{name: "3 missing htm and iat", values: []string{sign(nil, func(c jwt.MapClaims) { delete(c, "htm"); delete(c, "iat") })}, code: CodeInvalidDPoPProof, reason: "lacks htm, iat"},
		{name: "3 missing typ", values: []string{sign(map[string]any{"typ": nil}, nil)}, code: CodeInvalidDPoPProof, reason: "lacks typ"},
		{name: "3 before the signature", values: []string{flipped[:strings.IndexByte(flipped, '.')] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"htm":"GET"}`)) + "." + sig}, code: CodeInvalidDPoPProof, reason: "lacks jti, htu, iat"},
		{name: "3 iat of the wrong type", values: []string{sign(nil, func(c jwt.MapClaims) { c["iat"] = "yesterday" })}, code: CodeInvalidDPoPProof, reason: "not a well-formed JWT"},
		{name: "3 jti of the wrong type", values: []string{sign(nil, func(c jwt.MapClaims) { c["jti"] = 7 })}, code: CodeInvalidDPoPProof, reason: "not a well-formed JWT"},
		{name: "7 private key in jwk", values: []string{sign(map[string]any{"jwk": withD}, nil)}, code: CodeInvalidDPoPProof, reason: "private key (d)"},
		{name: "8 wrong htm", values: []string{sign(nil, func(c jwt.MapClaims) { c["htm"] = "POST" })}, code: CodeInvalidDPoPProof, reason: "made for method 'POST'"},
		{name: "8 htm case matters", values: []string{sign(nil, func(c jwt.MapClaims) { c["htm"] = "get" })}, code: CodeInvalidDPoPProof, reason: "method"},
		{name: "9 wrong htu path", values: []string{sign(nil, func(c jwt.MapClaims) { c["htu"] = APIAudience + "/api/profile" })}, code: CodeInvalidDPoPProof, reason: "/api/profile"},
		{name: "9 wrong htu host", values: []string{sign(nil, func(c jwt.MapClaims) { c["htu"] = APIBAudience + "/api/orders" })}, code: CodeInvalidDPoPProof, reason: "the request is for"},
		{name: "9 htu query and fragment ignored", values: []string{sign(nil, func(c jwt.MapClaims) { c["htu"] = dpopTestURI + "?page=2#top" })}},
		{name: "9 request query ignored", values: []string{valid}, req: func(r *dpopRequest) { r.uri += "?page=2" }},
		{name: "9 htu normalized", values: []string{sign(nil, func(c jwt.MapClaims) { c["htu"] = "HTTPS://API.TokenSim.test:443/api/./x/../%6Frders" })}},
		{name: "10 nonce required, none sent", values: []string{valid}, req: func(r *dpopRequest) { r.nonce = "n-1" }, code: CodeUseDPoPNonce, reason: "carries no nonce"},
		{name: "10 stale nonce", values: []string{sign(nil, func(c jwt.MapClaims) { c["nonce"] = "n-0" })}, req: func(r *dpopRequest) { r.nonce = "n-1" }, code: CodeUseDPoPNonce, reason: "not the server's current one"},
		{name: "10 right nonce", values: []string{sign(nil, func(c jwt.MapClaims) { c["nonce"] = "n-1" })}, req: func(r *dpopRequest) { r.nonce = "n-1" }},
		{name: "11 stale iat", values: []string{valid}, req: func(r *dpopRequest) { r.now = r.now.Add(DPoPWindow + 31*time.Second) }, code: CodeInvalidDPoPProof, reason: "too old"},
		{name: "11 old but inside window and leeway", values: []string{valid}, req: func(r *dpopRequest) { r.now = r.now.Add(DPoPWindow + 30*time.Second) }},
		{name: "11 future iat", values: []string{valid}, req: func(r *dpopRequest) { r.now = r.now.Add(-31 * time.Second) }, code: CodeInvalidDPoPProof, reason: "from the future"},
		{name: "11 future iat inside leeway", values: []string{valid}, req: func(r *dpopRequest) { r.now = r.now.Add(-30 * time.Second) }},
		{name: "12 missing ath", values: []string{sign(nil, func(c jwt.MapClaims) { delete(c, "ath") })}, code: CodeInvalidDPoPProof, reason: "has no ath"},
		{name: "12 wrong ath", values: []string{sign(nil, func(c jwt.MapClaims) { c["ath"] = dpopATH("another token") })}, code: CodeInvalidDPoPProof, reason: "hash of another access token"},
		{name: "12 no ath needed at the token endpoint", values: []string{sign(nil, func(c jwt.MapClaims) { delete(c, "ath") })}, req: func(r *dpopRequest) { r.accessToken = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req
			if tc.req != nil {
				tc.req(&r)
			}
			p, f := checkDPoP(tc.values, r)
			if tc.code == "" {
				if f != nil {
					t.Fatalf("refused: %+v", f)
				}
				if p.jkt != k.jkt || p.jti != "jti-1" || !p.iat.Equal(dpopTestNow) {
					t.Fatalf("proof %+v; want jkt %s", p, k.jkt)
				}
				return
			}
			if f == nil {
				t.Fatalf("accepted; want %s (%s)", tc.code, tc.reason)
			}
			if f.code != tc.code || !strings.Contains(f.reason, tc.reason) || f.desc == "" {
				t.Fatalf("got %s %q (%q); want %s containing %q", f.code, f.reason, f.desc, tc.code, tc.reason)
			}
		})
	}
}

func TestDPoPNormalizeHTU(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.tokensim.test/api/orders":           "https://api.tokensim.test/api/orders",
		"HTTPS://Api.Tokensim.Test:443/api/orders?x=1#f": "https://api.tokensim.test/api/orders",
		"http://example.com:80":                          "http://example.com/",
		"http://example.com:8080/a/b/../c/./d":           "http://example.com:8080/a/c/d",
		"https://example.com/%7euser/%2fx%3a":            "https://example.com/~user/%2Fx%3A",
		"https://[2001:DB8::1]:443/":                     "https://[2001:db8::1]/",
		"https://example.com/a/%2E%2E/b":                 "https://example.com/b",
	} {
		if got, err := normalizeHTU(in); err != nil || got != want {
			t.Errorf("normalizeHTU(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"/api/orders", "ftp://example.com/", "https://", "mailto:a@b", "%zz"} {
		if got, err := normalizeHTU(bad); err == nil {
			t.Errorf("normalizeHTU(%q) = %q; want an error", bad, got)
		}
	}
}

// TestDPoPDeterministicProofs: the same seed makes the same key and the
// same proof bytes (RFC 6979), and golang-jwt's ES256 verifies them.
func TestDPoPDeterministicProofs(t *testing.T) {
	a, b := dpopTestKey(t, 9), dpopTestKey(t, 9)
	pa, err := a.proof("GET", dpopTestURI, "at", "", "j", dpopTestNow)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := b.proof("GET", dpopTestURI, "at", "", "j", dpopTestNow)
	if pa != pb || a.jkt != b.jkt {
		t.Fatal("one seed, two different proofs")
	}
	if c := dpopTestKey(t, 10); c.jkt == a.jkt {
		t.Fatal("two seeds, one key")
	}
	if _, err := jwt.Parse(pa, func(*jwt.Token) (any, error) { return &a.priv.PublicKey, nil }, jwt.WithValidMethods([]string{"ES256"})); err != nil {
		t.Fatalf("golang-jwt does not verify the proof: %v", err)
	}
	var _ *ecdsa.PublicKey = &a.priv.PublicKey
}

// dpopTestWorld is a world with DPoP on (and the given extra knobs),
// logged in.
func dpopTestWorld(t testing.TB, knobs ...string) *World {
	t.Helper()
	w := newTestWorld(t)
	dpopTestSet(t, w, append([]string{"dpop", "true"}, knobs...)...)
	if o := w.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	return w
}

func dpopTestSet(t testing.TB, w *World, kv ...string) {
	t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := w.Set(kv[i], kv[i+1]); err != nil {
			t.Fatalf("Set %s: %v", kv[i], err)
		}
	}
}

// dpopTestExchange returns the newest exchange from actor to path.
func dpopTestExchange(t testing.TB, w *World, from Actor, path string) Event {
	t.Helper()
	evs := w.Log().Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if e := evs[i]; e.Kind == KindExchange && e.From == from && e.Path == path {
			return e
		}
	}
	t.Fatalf("no exchange from %s to %s", from, path)
	return Event{}
}

// TestDPoPTokenBinding: RFC 9449 §5, §6: a token request with a valid
// proof gets token_type DPoP and an access token with cnf.jkt, the public
// client's family is bound, and introspection reports the binding (§6.2).
func TestDPoPTokenBinding(t *testing.T) {
	w := dpopTestWorld(t)
	jkt := w.App().DPoPKey()
	if jkt == "" {
		t.Fatal("the app holds no DPoP key")
	}
	tok := dpopTestExchange(t, w, ActorApp, "/token")
	if p := tok.Exchange.Request.Header.Get("DPoP"); p == "" {
		t.Fatal("the token request carries no proof")
	}
	var tr tokenResponse
	if err := json.Unmarshal([]byte(tok.Exchange.Response.Body), &tr); err != nil {
		t.Fatal(err)
	}
	if tr.TokenType != "DPoP" {
		t.Errorf("token_type %q, want DPoP", tr.TokenType)
	}
	if d, err := jose.Decode("DPoP " + tr.AccessToken); err != nil || d.Claims["cnf"].(map[string]any)["jkt"] != jkt {
		t.Errorf("Decode with the DPoP scheme: %v, %v", d.Claims, err)
	}
	if got := boundJKT(tr.AccessToken); got != jkt {
		t.Errorf("cnf.jkt %q, want the app's key %q", got, jkt)
	}
	snap := w.Inspect()
	if snap.DPoPKey != jkt || snap.Families[0].Bound != jkt || snap.Families[0].Access[0].Bound != jkt {
		t.Errorf("inspection does not show the binding: %+v", snap.Families[0])
	}
	for _, tv := range snap.Tokens {
		if tv.Kind != "id" && tv.Bound != jkt {
			t.Errorf("%s token %s: bound %q", tv.Kind, tv.Label, tv.Bound)
		}
	}
	// Introspection, as the API asks it.
	r := send(t, w, ActorAPI, http.MethodPost, Issuer+"/introspect", url.Values{"token": {tr.AccessToken}}.Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic " + dpopTestBasic(ClientAPI, apiSecret)}})
	var in introspection
	if err := json.Unmarshal([]byte(r.body), &in); err != nil || !in.Active || in.TokenType != "DPoP" || in.Cnf == nil || in.Cnf.JKT != jkt {
		t.Errorf("introspection %s (%v)", r.body, err)
	}
	// The app's own calls work, with the DPoP scheme and ath.
	if o := w.App().Call("GET", "/api/orders"); !o.OK() {
		t.Fatalf("call: %+v", o)
	}
	call := dpopTestExchange(t, w, ActorApp, "/api/orders")
	if a := call.Exchange.Request.Header.Get("Authorization"); !strings.HasPrefix(a, "DPoP ") {
		t.Errorf("Authorization %q", a)
	}
	d, err := jose.Decode(call.Exchange.Request.Header.Get("DPoP"))
	if err != nil || d.Header["typ"] != jose.TypDPoP || d.Claims["htm"] != "GET" || d.Claims["htu"] != dpopTestURI || d.Claims["ath"] != dpopATH(tr.AccessToken) {
		t.Errorf("proof %+v, %v", d, err)
	}
	if _, ok := d.Header["jwk"].(map[string]any)["d"]; ok {
		t.Error("the app's proof leaks its private key")
	}
}

func dpopTestBasic(id, secret string) string {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// TestDPoPTokenEndpointRefusals: a bad proof is 400 invalid_dpop_proof
// (RFC 9449 §5), a replayed one too (§11.1); a confidential client's refresh
// token stays unbound (its secret binds it) while its access tokens are bound.
func TestDPoPTokenEndpointRefusals(t *testing.T) {
	w := dpopTestWorld(t)
	_, _, rt, _ := w.App().store.snapshot()
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {ClientSPA}}
	r := postForm(t, w, "/token", form, http.Header{"DPoP": {"garbage"}})
	if r.status != 400 || !strings.Contains(r.body, `"error":"invalid_dpop_proof"`) {
		t.Fatalf("bad proof: %d %s", r.status, r.body)
	}
	h := w.App().dpop(false)
	p, err := h.key.proof("POST", Issuer+"/token", "", "", "replayed-jti", w.Clock().Now())
	if err != nil {
		t.Fatal(err)
	}
	if r := postForm(t, w, "/token", form, http.Header{"DPoP": {p}}); r.status != 200 {
		t.Fatalf("first use of the proof: %d %s", r.status, r.body)
	}
	var tr tokenResponse
	_ = json.Unmarshal([]byte(postForm(t, w, "/token", form, http.Header{"DPoP": {p}}).body), &tr)
	if ev := dpopTestExchange(t, w, ActorApp, "/token"); ev.Status != 400 || ev.Error != CodeInvalidDPoPProof || !strings.Contains(ev.Reason, "replayed-jti") {
		t.Fatalf("replayed proof: %d %s %q", ev.Status, ev.Error, ev.Reason)
	}
	// A proof for another endpoint is refused too.
	p2, _ := h.key.proof("POST", Issuer+"/revoke", "", "", "other-jti", w.Clock().Now())
	if r := postForm(t, w, "/token", form, http.Header{"DPoP": {p2}}); r.status != 400 || !strings.Contains(r.body, "invalid_dpop_proof") {
		t.Fatalf("proof for /revoke at /token: %d %s", r.status, r.body)
	}

	web := newTestWorld(t, func(c *Config) { c.Client = KindWeb })
	dpopTestSet(t, web, "dpop", "true")
	if o := web.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatal(o)
	}
	f := web.Inspect().Families[0]
	if f.Bound != "" || f.Access[0].Bound != web.App().DPoPKey() || f.Access[0].Bound == "" {
		t.Fatalf("confidential client: family bound %q, access bound %q", f.Bound, f.Access[0].Bound)
	}
}

// TestDPoPRefreshBinding: RFC 9449 §5 and checklist item 67: a public
// client's bound refresh token is refused (invalid_grant) without a proof
// or with another key's, and, unlike reuse, the refusal revokes nothing.
func TestDPoPRefreshBinding(t *testing.T) {
	w := dpopTestWorld(t)
	if o := w.Attacker().Steal(SourceScript, TokenRefresh); !o.OK() {
		t.Fatal(o)
	}
	o := w.Attacker().Refresh()
	if o.Status != 400 || o.Error != CodeInvalidGrant || !strings.Contains(o.Reason, "proof was signed by key") {
		t.Fatalf("attacker refresh with its own key: %+v", o)
	}
	// No proof at all.
	_, _, rt, _ := w.App().store.snapshot()
	r := postForm(t, w, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {ClientSPA}}, nil)
	if ev := dpopTestExchange(t, w, ActorApp, "/token"); r.status != 400 || ev.Error != CodeInvalidGrant || !strings.Contains(ev.Reason, "no proof") {
		t.Fatalf("refresh without proof: %d %s %q", r.status, r.body, ev.Reason)
	}
	if f := w.Inspect().Families[0]; !f.RevokedAt.IsZero() {
		t.Fatal("a refused binding revoked the family")
	}
	if o := w.App().Refresh(); !o.OK() {
		t.Fatalf("the app's own refresh: %+v", o)
	}
}

// TestDPoPAPIChallenges: RFC 9449 §7.1, §7.2 and checklist items 68–71,
// challenges byte for byte, in every API mode.
func TestDPoPAPIChallenges(t *testing.T) {
	for _, mode := range []string{"stateless", "introspect", "denylist"} {
		t.Run(mode, func(t *testing.T) {
			w := dpopTestWorld(t, "api_mode", mode)
			if o := w.App().Call("GET", "/api/orders"); !o.OK() {
				t.Fatalf("the app's call: %+v", o)
			}
			at, _, _, _ := w.App().store.snapshot()
			challengeOf := func(from Actor) string {
				return dpopTestExchange(t, w, from, "/api/orders").Exchange.Response.Header.Get("WWW-Authenticate")
			}
			// Item 69: no credentials.
			send(t, w, ActorAttacker, "GET", APIAudience+"/api/orders", "", nil)
			if got := challengeOf(ActorAttacker); got != `Bearer realm="api", DPoP algs="ES256"` {
				t.Errorf("no credentials: %q", got)
			}
			// Item 68: the DPoP scheme without a proof.
			send(t, w, ActorAttacker, "GET", APIAudience+"/api/orders", "", http.Header{"Authorization": {"DPoP " + at}})
			if got := challengeOf(ActorAttacker); got != `DPoP error="invalid_dpop_proof", algs="ES256"` {
				t.Errorf("no proof: %q", got)
			}
			if o := w.Attacker().Steal(SourceLog, TokenAccess); !o.OK() || !strings.Contains(o.Reason, "non-extractable") {
				t.Fatalf("steal: %+v", o)
			}
			// Items 70, 75: downgrade.
			o := w.Attacker().CallAPIAs("GET", "/api/orders", PresentBearer)
			if o.Status != 401 || o.Error != CodeInvalidToken || !strings.Contains(o.Reason, "downgrade") {
				t.Errorf("downgrade: %+v", o)
			}
			if got := challengeOf(ActorAttacker); got != `Bearer realm="api", error="invalid_token", error_description="The access token is DPoP-bound and needs a DPoP proof", DPoP algs="ES256"` {
				t.Errorf("downgrade challenge: %q", got)
			}
			// Items 68, 75: the attacker's own key.
			o = w.Attacker().CallAPI("GET", "/api/orders") // auto: the strongest it has
			if o.Status != 401 || o.Error != CodeInvalidToken || !strings.Contains(o.Reason, "does not hold the token's private key") {
				t.Errorf("own key: %+v", o)
			}
			if got := challengeOf(ActorAttacker); got != `DPoP error="invalid_token", error_description="Invalid DPoP key binding", algs="ES256"` {
				t.Errorf("own key challenge: %q", got)
			}
			// Item 71: the captured proof, replayed.
			o = w.Attacker().CallAPIAs("GET", "/api/orders", PresentReplay)
			if o.Status != 401 || o.Error != CodeInvalidDPoPProof || !strings.Contains(o.Reason, "already accepted") {
				t.Errorf("replay: %+v", o)
			}
			// Item 71: the captured proof at another URL and method.
			o = w.Attacker().CallAPIAs("POST", "/api/orders", PresentReplay)
			if o.Status != 401 || o.Error != CodeInvalidDPoPProof || !strings.Contains(o.Reason, "made for method 'GET'") {
				t.Errorf("replay for POST: %+v", o)
			}
			o = w.Attacker().CallAPIAs("GET", "/api/profile", PresentReplay)
			if o.Status != 401 || o.Error != CodeInvalidDPoPProof || !strings.Contains(o.Reason, "/api/profile") {
				t.Errorf("replay at another URL: %+v", o)
			}
			// The app carries on.
			if o := w.App().Call("GET", "/api/orders"); !o.OK() {
				t.Fatalf("the app after the attacks: %+v", o)
			}
			if s := w.Inspect().Attacker.Summary; !strings.Contains(s, "bound to the app's DPoP key") {
				t.Errorf("attacker summary %q", s)
			}
		})
	}
}

// TestDPoPOffChallenge: with DPoP off the API offers Bearer alone, and the
// DPoP scheme is no credential at all (RFC 6750 §3.1).
func TestDPoPOffChallenge(t *testing.T) {
	w := newTestWorld(t)
	r := send(t, w, ActorAttacker, "GET", APIAudience+"/api/orders", "", http.Header{"Authorization": {"DPoP abc"}})
	if got := r.header.Get("WWW-Authenticate"); r.status != 401 || got != `Bearer realm="api"` {
		t.Fatalf("%d %q", r.status, got)
	}
}

// TestDPoPUnboundTokenWithDPoPScheme: a bearer token sent with the DPoP
// scheme has no binding for the proof to confirm.
func TestDPoPUnboundTokenWithDPoPScheme(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	dpopTestSet(t, w, "dpop", "true")
	k := dpopTestKey(t, 5)
	p, _ := k.proof("GET", dpopTestURI, at, "", "j-1", w.Clock().Now())
	r := send(t, w, ActorApp, "GET", dpopTestURI, "", http.Header{"Authorization": {"DPoP " + at}, "DPoP": {p}})
	if got := r.header.Get("WWW-Authenticate"); r.status != 401 || got != `DPoP error="invalid_token", error_description="Invalid DPoP key binding", algs="ES256"` {
		t.Fatalf("%d %q", r.status, got)
	}
}

// TestDPoPNonce: checklist item 72, RFC 9449 §8 and §9: the AS answers 400
// use_dpop_nonce and the API 401 `DPoP error="use_dpop_nonce"`, each with
// DPoP-Nonce; the app retries once with the nonce and succeeds.
func TestDPoPNonce(t *testing.T) {
	w := dpopTestWorld(t, "dpop_nonce", "true")
	if o := w.App().Call("GET", "/api/orders"); !o.OK() {
		t.Fatalf("call: %+v", o)
	}
	var asNonce, apiNonce, asOK, apiOK bool
	for _, e := range w.Log().Events() {
		if e.Kind != KindExchange || e.From != ActorApp {
			continue
		}
		h := e.Exchange.Response.Header
		switch {
		case e.Path == "/token" && e.Status == 400:
			asNonce = e.Error == CodeUseDPoPNonce && h.Get("DPoP-Nonce") != "" && strings.Contains(e.Exchange.Response.Body, `"error":"use_dpop_nonce"`)
		case e.Path == "/token" && e.Status == 200:
			d, _ := jose.Decode(e.Exchange.Request.Header.Get("DPoP"))
			asOK = d.Claims["nonce"] != nil
		case e.Path == "/api/orders" && e.Status == 401:
			apiNonce = strings.HasPrefix(h.Get("WWW-Authenticate"), `DPoP error="use_dpop_nonce"`) && h.Get("DPoP-Nonce") != ""
		case e.Path == "/api/orders" && e.Status == 200:
			d, _ := jose.Decode(e.Exchange.Request.Header.Get("DPoP"))
			apiOK = d.Claims["nonce"] != nil
		}
	}
	if !asNonce || !apiNonce || !asOK || !apiOK {
		t.Fatalf("AS use_dpop_nonce %v, retried with nonce %v; API use_dpop_nonce %v, retried with nonce %v", asNonce, asOK, apiNonce, apiOK)
	}
	// The nonce ages out; the app picks up the new one.
	if err := w.Advance(dpopNonceLife); err != nil {
		t.Fatal(err)
	}
	if o := w.App().Call("GET", "/api/orders"); !o.OK() {
		t.Fatalf("call after the nonce changed: %+v", o)
	}
}

// TestDPoPReplayCacheBounded: the API forgets a jti once its proof could
// no longer pass the iat check under any leeway (RFC 9449 §11.1).
func TestDPoPReplayCacheBounded(t *testing.T) {
	w := dpopTestWorld(t)
	for range 5 {
		if o := w.App().Call("GET", "/api/orders"); !o.OK() {
			t.Fatal(o)
		}
	}
	if n := w.API().dpopSeen.size(); n != 5 {
		t.Fatalf("%d jti remembered, want 5", n)
	}
	if err := w.Advance(dpopRemember + time.Second); err != nil {
		t.Fatal(err)
	}
	if o := w.App().Call("GET", "/api/orders"); !o.OK() {
		t.Fatal(o)
	}
	if n := w.API().dpopSeen.size(); n != 1 {
		t.Fatalf("%d jti remembered after the window, want 1", n)
	}
}

// TestDPoPDeterminism: with DPoP on, the same seed still gives
// byte-identical events (keys, proofs, nonces, tokens).
func TestDPoPDeterminism(t *testing.T) {
	run := func() []byte {
		w := dpopTestWorld(t, "dpop_nonce", "true")
		w.App().Call("GET", "/api/orders")
		w.Attacker().Steal(SourceNetwork, TokenAccess)
		w.Attacker().CallAPI("GET", "/api/orders")
		_ = w.Advance(20 * time.Minute)
		w.App().Call("GET", "/api/orders")
		b, err := json.Marshal(w.Log().Events())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, b := run(), run(); !bytes.Equal(a, b) {
		t.Fatal("one seed, two different event logs")
	}
}

// TestDPoPTopologies: a confidential web app proves possession from its
// server; a first-party app, whose /auth/ endpoints take no proofs, holds
// no key and keeps bearer tokens; an attacker with no captured proof has
// nothing to replay.
func TestDPoPTopologies(t *testing.T) {
	web := newTestWorld(t, func(c *Config) { c.Client = KindWeb })
	dpopTestSet(t, web, "dpop", "true")
	if o := web.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatal(o)
	}
	if o := web.App().Call("GET", "/api/orders"); !o.OK() || !strings.HasPrefix(dpopTestExchange(t, web, ActorApp, "/api/orders").Exchange.Request.Header.Get("Authorization"), "DPoP ") {
		t.Fatalf("web app call: %+v", o)
	}

	fp := newTestWorld(t, func(c *Config) { c.Topology = TopologyFirstParty })
	dpopTestSet(t, fp, "dpop", "true")
	if o := fp.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatal(o)
	}
	if o := fp.App().Call("GET", "/api/orders"); !o.OK() || fp.App().DPoPKey() != "" {
		t.Fatalf("first-party call: %+v, key %q", o, fp.App().DPoPKey())
	}

	w := dpopTestWorld(t)
	if o := w.Attacker().Steal(SourceScript, TokenAccess); !o.OK() {
		t.Fatal(o)
	}
	if o := w.Attacker().CallAPIAs("GET", "/api/orders", PresentReplay); o.Error != CodeNoToken || o.Status != 0 {
		t.Fatalf("replay with no captured proof: %+v", o)
	}
}
