package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// Resource-server validation of JWT access tokens: RFC 9068 §4 and RFC
// 8725 §3, in the order of checklist item 51: typ → alg allowlist → key by
// kid from the AS's JWKS → signature → iss → aud → exp → nbf/iat → scope.

const (
	apiDescTyp      = "The token is not an access token"
	apiDescAlg      = "The access token algorithm is not allowed"
	apiDescKey      = "The access token key is unknown"
	apiDescSig      = "The access token signature is invalid"
	apiDescIss      = "The access token issuer is not trusted"
	apiDescAud      = "The access token is for another audience"
	apiDescExpired  = "The access token expired"
	apiDescMissing  = "The access token lacks a required claim"
	apiDescNotYet   = "The access token is not valid yet"
	apiDescMalform  = "The access token is malformed"
	apiProfile      = APIAudience + "/api/profile"
	apiProfileB     = APIBAudience + "/api/profile"
	apiAttackerHost = "evil.test"
)

// apiGet presents token at API A's profile endpoint from the attacker.
func apiGet(t testing.TB, w *World, token string) reply {
	t.Helper()
	return apiCall(t, w, ActorAttacker, http.MethodGet, apiProfile, token)
}

// apiWant200 asserts the API accepted.
func apiWant200(t testing.TB, r reply, what string) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d %q, want 200", what, r.status, r.header.Get("WWW-Authenticate"))
	}
}

// apiAttackerKey is a key the attacker made: never published by the AS.
func apiAttackerKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestValidateTyp: an ID token (typ JWT) or any typ other than at+jwt /
// application/at+jwt is refused (RFC 9068 §4; RFC 8725 §3.11, §3.12;
// checklist item 87); the comparison is case-insensitive (RFC 7515 §4.1.9
// media types).
func TestValidateTyp(t *testing.T) {
	w := newTestWorld(t)
	login(t, w)
	o := w.App().Present(APIAudience, http.MethodGet, "/api/profile", TokenID)
	if o.Status != http.StatusUnauthorized || o.Error != CodeInvalidToken {
		t.Fatalf("ID token at the API: %+v", o)
	}
	ev := apiLastAPIEvent(t, w)
	if got := ev.Exchange.Response.Header.Get("WWW-Authenticate"); got != `Bearer realm="api", error="invalid_token", error_description="`+apiDescTyp+`"` {
		t.Errorf("challenge %q", got)
	}
	if !strings.Contains(ev.Reason, "typ") || !strings.Contains(ev.Reason, "ID token") {
		t.Errorf("reason %q should name typ and the ID token", ev.Reason)
	}
	for _, typ := range []any{"JWT", "jwt", "at+JWT+x", "application/jwt", "", 7, nil} {
		r := apiGet(t, w, apiGood(t, w, map[string]any{"typ": typ}, nil))
		apiWant401(t, w, r, "api", apiDescTyp, "typ")
	}
	for _, typ := range []string{"at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+JWT"} {
		apiWant200(t, apiGet(t, w, apiGood(t, w, map[string]any{"typ": typ}, nil)), typ)
	}
}

// TestValidateAlgNone: alg none (any case) is refused before any key is
// looked up (RFC 8725 §2.1, §3.2; RFC 9068 §4 "MUST reject any JWT in
// which the value of alg is none"; checklist item 81).
func TestValidateAlgNone(t *testing.T) {
	w := newTestWorld(t)
	c := map[string]any(apiClaims(w.Clock().Now()))
	for _, alg := range []string{"none", "None", "NONE"} {
		for _, sig := range []string{"", "c2ln"} {
			tok := apiSegments(t, map[string]any{"alg": alg, "typ": "at+jwt", "kid": "demo-RS256"}, c, sig)
			r := apiGet(t, w, tok)
			apiWant401(t, w, r, "api", apiDescAlg, "allowlist")
		}
	}
	if n := w.Counts().JWKSFetches; n != 0 {
		t.Errorf("alg none must fail the allowlist before the key lookup; %d JWKS fetches", n)
	}
	apiOnlyJWKSOutbound(t, w, 0)
}

// TestValidateKeyConfusion: an HS256 token whose HMAC secret is the AS's
// public key PEM (RFC 8725 §3.1; checklist item 82). The forged token
// really verifies under a naive keyfunc, so it is a live attack, and the
// API refuses it at the allowlist.
func TestValidateKeyConfusion(t *testing.T) {
	w := newTestWorld(t)
	der, err := x509.MarshalPKIXPublicKey(apiDemo(t, jose.RS256).Public())
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodHS256, jwt.SigningMethodHS384, jwt.SigningMethodHS512} {
		tok := apiForge(t, m, pemKey, "demo-RS256", nil, apiClaims(w.Clock().Now()))
		// The vulnerable verifier: keyfunc hands back bytes, no allowlist.
		if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return pemKey, nil },
			jwt.WithTimeFunc(w.Clock().Now)); err != nil {
			t.Fatalf("premise: the %s forgery should fool a naive verifier: %v", m.Alg(), err)
		}
		apiWant401(t, w, apiGet(t, w, tok), "api", apiDescAlg, m.Alg())
	}
	apiOnlyJWKSOutbound(t, w, 0)
}

// TestValidateTampered: an altered payload fails the signature (RFC 7515
// §5.2), and because the signature is checked before the claims, an
// altered expired token reports the signature, not the expiry (checklist
// item 89).
func TestValidateTampered(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	apiWant200(t, apiGet(t, w, at), "untouched")
	up := apiTamper(t, at, func(m map[string]any) { m["scope"] = "profile orders:read orders:write" })
	apiWant401(t, w, apiCall(t, w, ActorAttacker, http.MethodPost, APIAudience+"/api/orders", up), "api", apiDescSig, "signature")
	// Change the signature instead: same verdict.
	sig := at[strings.LastIndexByte(at, '.')+1:]
	flipped := at[:len(at)-len(sig)] + strings.ToUpper(sig[:4]) + sig[4:]
	if flipped != at {
		apiWant401(t, w, apiGet(t, w, flipped), "api", apiDescSig, "signature")
	}
	if err := w.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w, apiGet(t, w, at), "api", apiDescExpired, "expired")
	late := apiTamper(t, at, func(m map[string]any) { m["sub"] = "mallory" })
	ev := apiWant401(t, w, apiGet(t, w, late), "api", apiDescSig, "signature")
	if strings.Contains(ev.Reason, "expired") {
		t.Errorf("a tampered expired token must report the signature only: %q", ev.Reason)
	}
	// Extending exp is the obvious tamper; it still fails the signature.
	ext := apiTamper(t, at, func(m map[string]any) { m["exp"] = w.Clock().Now().Add(time.Hour).Unix() })
	apiWant401(t, w, apiGet(t, w, ext), "api", apiDescSig, "signature")
}

// TestValidateKidInjection: kid is only a map key into the cached JWKS
// (RFC 8725 §3.10; checklist items 54 and 83). Hostile kids fail with
// invalid_token; an unknown kid causes at most one JWKS re-fetch per
// minute, and nothing but the AS's jwks_uri is ever fetched.
func TestValidateKidInjection(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	apiWant200(t, apiGet(t, w, at), "good token")
	if n := w.Counts().JWKSFetches; n != 1 {
		t.Fatalf("first use fetched the JWKS %d times, want 1", n)
	}
	if err := w.Advance(refetchInterval + time.Second); err != nil {
		t.Fatal(err)
	}
	kids := []any{"../../dev/null", "' OR '1'='1", "unknown", "/etc/passwd", "https://evil.test/k", "", 42, nil}
	for i, kid := range kids {
		ev := apiWant401(t, w, apiGet(t, w, apiGood(t, w, map[string]any{"kid": kid}, nil)), "api", apiDescKey, "kid")
		if i == 0 && !strings.Contains(ev.Reason, "after re-fetching") {
			t.Errorf("first unknown kid should re-fetch: %q", ev.Reason)
		}
		if n := w.Counts().JWKSFetches; n != 2 {
			t.Fatalf("after kid %v: %d JWKS fetches, want 2 (one re-fetch)", kid, n)
		}
	}
	apiWant200(t, apiGet(t, w, at), "the good token still verifies from the cache")
	if err := w.Advance(refetchInterval - time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w, apiGet(t, w, apiGood(t, w, map[string]any{"kid": "unknown"}, nil)), "api", apiDescKey, "kid")
	if n := w.Counts().JWKSFetches; n != 2 {
		t.Fatalf("59 s after the re-fetch: %d fetches, want still 2", n)
	}
	if err := w.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w, apiGet(t, w, apiGood(t, w, map[string]any{"kid": "unknown"}, nil)), "api", apiDescKey, "kid")
	if n := w.Counts().JWKSFetches; n != 3 {
		t.Fatalf("a minute after the re-fetch: %d fetches, want 3", n)
	}
	apiOnlyJWKSOutbound(t, w, 3)
}

// TestValidateAttackerKeyHeaders: jku, x5u, jwk and x5c pointing at the
// attacker's keys are ignored: 401, and the attacker's host receives
// nothing (RFC 8725 §3.10; RFC 9068 §4 "MUST use the keys provided by the
// authorization server"; checklist item 84).
func TestValidateAttackerKeyHeaders(t *testing.T) {
	w := newTestWorld(t)
	if err := w.Set("alg", "ES256"); err != nil {
		t.Fatal(err)
	}
	evil := apiAttackerKey(t)
	raw, _ := evil.PublicKey.Bytes()
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := map[string]any{"kty": "EC", "crv": "P-256", "x": b64(raw[1:33]), "y": b64(raw[33:65]), "kid": "attacker"}
	der, _ := x509.MarshalPKIXPublicKey(&evil.PublicKey)
	c := apiClaims(w.Clock().Now())
	c["scope"] = "profile orders:read orders:write"
	for _, kid := range []string{"demo-ES256", "attacker"} {
		for name, hdr := range map[string]map[string]any{
			"jku": {"jku": "https://" + apiAttackerHost + "/jwks.json"},
			"x5u": {"x5u": "https://" + apiAttackerHost + "/cert.pem"},
			"jwk": {"jwk": jwk},
			"x5c": {"x5c": []string{base64.StdEncoding.EncodeToString(der)}},
			"all": {"jku": "https://" + apiAttackerHost + "/jwks.json", "x5u": "https://" + apiAttackerHost + "/c", "jwk": jwk},
		} {
			tok := apiForge(t, jwt.SigningMethodES256, evil, kid, hdr, c)
			r := apiCall(t, w, ActorAttacker, http.MethodPost, APIAudience+"/api/orders", tok)
			want := apiDescSig
			if kid == "attacker" {
				want = apiDescKey
			}
			if ev := apiWant401(t, w, r, "api", want); ev.Reason == "" {
				t.Errorf("%s with kid %s: no reason", name, kid)
			}
		}
	}
	for _, e := range w.Log().Events() {
		if e.Kind != KindExchange {
			continue
		}
		if h := e.Exchange.Request.Host; e.From == ActorAPI && h != HostAS {
			t.Errorf("the API sent a request to %s%s", h, e.Exchange.Request.Target)
		}
		if strings.Contains(e.Exchange.Request.Host, apiAttackerHost) {
			t.Errorf("a request reached the attacker's host: %+v", e.Exchange.Request)
		}
	}
	apiOnlyJWKSOutbound(t, w, 1)
}

// TestValidateIssuer: iss must match the AS's issuer exactly (RFC 9068 §4;
// RFC 8725 §3.8; checklist item 88), and a missing iss is refused for the
// same reason.
func TestValidateIssuer(t *testing.T) {
	w := newTestWorld(t)
	for _, iss := range []any{"https://evil.test", Issuer + "/", "http://" + HostAS, strings.ToUpper(Issuer), nil, ""} {
		r := apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{"iss": iss}))
		apiWant401(t, w, r, "api", apiDescIss, "issue")
	}
	apiWant200(t, apiGet(t, w, apiGood(t, w, nil, nil)), "exact issuer")
}

// TestValidateAudience: aud must contain the API's own identifier (RFC
// 9068 §4; RFC 8725 §3.9; checklist item 86): a token for API A at API B
// is refused, as is one with no aud.
func TestValidateAudience(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	o := w.App().Present(APIBAudience, http.MethodGet, "/api/profile", TokenAccess)
	if o.Status != http.StatusUnauthorized || o.Error != CodeInvalidToken || !strings.Contains(o.Reason, "audience") {
		t.Fatalf("token for A at B: %+v", o)
	}
	apiWant401(t, w, apiCall(t, w, ActorApp, http.MethodGet, apiProfileB, at), "billing", apiDescAud, "audience", APIBAudience)
	for _, aud := range []any{nil, "", []string{}, []string{""}, APIAudience + "/", APIBAudience, []string{APIBAudience, AppOrigin}, ClientSPA} {
		r := apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{"aud": aud}))
		apiWant401(t, w, r, "api", apiDescAud, "audience")
	}
	apiWant200(t, apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{"aud": APIAudience})), "aud as a string")
	apiWant200(t, apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{"aud": []string{APIBAudience, APIAudience}})), "aud among several")
}

// TestValidateMissingExp: exp is REQUIRED in an access token (RFC 9068
// §2.2) and the API insists on it.
func TestValidateMissingExp(t *testing.T) {
	w := newTestWorld(t)
	apiWant401(t, w, apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{"exp": nil})), "api", apiDescMissing, "exp")
}

// TestValidateKeyAlgMismatch: one algorithm per key (RFC 8725 §3.1;
// checklist item 55): a token whose alg differs from the alg of the key
// its kid names is refused, even when signed with a real demo key.
func TestValidateKeyAlgMismatch(t *testing.T) {
	for _, tc := range []struct {
		world, alg jose.Alg // world's signing alg; the token's alg
	}{
		{jose.ES256, jose.RS256}, // RS256 header with the EC kid
		{jose.RS256, jose.ES256}, // ES256 header with the RSA kid
		{jose.RS256, jose.EdDSA},
		{jose.EdDSA, jose.ES256},
	} {
		t.Run(string(tc.alg)+" with "+string(tc.world)+" kid", func(t *testing.T) {
			w := newTestWorld(t)
			if err := w.Set("alg", string(tc.world)); err != nil {
				t.Fatal(err)
			}
			apiWant200(t, apiGet(t, w, apiGood(t, w, nil, nil)), "own alg")
			k := apiDemo(t, tc.alg)
			tok := apiForge(t, tc.alg.Method(), k.Private, "demo-"+string(tc.world), nil, apiClaims(w.Clock().Now()))
			apiWant401(t, w, apiGet(t, w, tok), "api", apiDescKey, "is for "+string(tc.world))
		})
	}
}

// TestValidateForeignKey: a token signed by a key the AS never published,
// under the AS's kid, fails the signature (RFC 8725 §3.8, checklist 88).
func TestValidateForeignKey(t *testing.T) {
	w := newTestWorld(t)
	if err := w.Set("alg", "ES256"); err != nil {
		t.Fatal(err)
	}
	tok := apiForge(t, jwt.SigningMethodES256, apiAttackerKey(t), "demo-ES256", nil, apiClaims(w.Clock().Now()))
	apiWant401(t, w, apiGet(t, w, tok), "api", apiDescSig, "signature")
}

// TestValidateCrit: a JWS whose crit lists an extension the recipient does
// not understand "is invalid" (RFC 7515 §4.1.11; RFC 9068 §4 validates the
// signature "according to [RFC7515]"). The API understands none.
func TestValidateCrit(t *testing.T) {
	w := newTestWorld(t)
	for _, crit := range []any{[]string{"b64"}, []string{"exp"}, []string{"x-unknown"}, "x", []string{}} {
		tok := apiGood(t, w, map[string]any{"crit": crit, "b64": false, "x-unknown": 1}, nil)
		apiWant401(t, w, apiGet(t, w, tok), "api", "The access token has an unsupported critical header", "crit")
	}
}

// TestValidateOrder: when several checks fail, the first in checklist
// item 51's order decides the description.
func TestValidateOrder(t *testing.T) {
	w := newTestWorld(t)
	now := w.Clock().Now()
	past := now.Add(-time.Hour).Unix()
	for _, tc := range []struct {
		name string
		tok  string
		desc string
	}{
		{"typ before alg", apiSegments(t, map[string]any{"alg": "none", "typ": "JWT"}, apiClaims(now), ""), apiDescTyp},
		{"alg before key", apiSegments(t, map[string]any{"alg": "HS256", "typ": "at+jwt", "kid": "nope"}, apiClaims(now), "c2ln"), apiDescAlg},
		{"signature before claims", apiTamper(t, apiGood(t, w, nil, jwt.MapClaims{"iss": "x", "aud": "y", "exp": past}), func(m map[string]any) { m["sub"] = "z" }), apiDescSig},
		{"iss before aud", apiGood(t, w, nil, jwt.MapClaims{"iss": "x", "aud": "y", "exp": past}), apiDescIss},
		{"aud before exp", apiGood(t, w, nil, jwt.MapClaims{"aud": "y", "exp": past}), apiDescAud},
		{"exp before iat", apiGood(t, w, nil, jwt.MapClaims{"exp": past, "iat": now.Add(time.Hour).Unix()}), apiDescExpired},
		{"malformed payload", strings.SplitN(apiGood(t, w, nil, nil), ".", 2)[0] + ".AAAA.c2ln", apiDescMalform},
	} {
		t.Run(tc.name, func(t *testing.T) {
			apiWant401(t, w, apiGet(t, w, tc.tok), "api", tc.desc)
		})
	}
}

// TestValidateLeeway: the API allows 30 s of clock skew (sim policy,
// checklist item 52; RFC 7519 §4.1.4 "some small leeway"): exp passed by
// 20 s is accepted; at exactly exp+leeway the token is refused.
func TestValidateLeeway(t *testing.T) {
	w := newTestWorld(t)
	at, _ := login(t, w)
	ttl, lw := w.Policy().AccessTTL, w.Policy().Leeway
	if lw != 30*time.Second {
		t.Fatalf("premise: leeway %s, want 30s", lw)
	}
	if err := w.Advance(ttl + 20*time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant200(t, apiGet(t, w, at), "20 s past exp")
	if err := w.Advance(9 * time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant200(t, apiGet(t, w, at), "29 s past exp")
	if err := w.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w, apiGet(t, w, at), "api", apiDescExpired, "expired", "leeway 30s")

	// Leeway 0: the exp instant itself is already too late (RFC 7519
	// §4.1.4: "on or after which the JWT MUST NOT be accepted").
	w2 := newTestWorld(t)
	if err := w2.Set("leeway", "0"); err != nil {
		t.Fatal(err)
	}
	exp := w2.Clock().Now().Add(10 * time.Second).Unix()
	tok := apiGood(t, w2, nil, jwt.MapClaims{"exp": exp})
	if err := w2.Advance(9 * time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant200(t, apiGet(t, w2, tok), "1 s before exp")
	if err := w2.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w2, apiGet(t, w2, tok), "api", apiDescExpired, "expired")
}

// TestValidateNotYetValid: nbf and iat in the future beyond the leeway are
// refused (RFC 7519 §4.1.5, §4.1.6; checklist item 85); within it they pass.
func TestValidateNotYetValid(t *testing.T) {
	w := newTestWorld(t)
	now := w.Clock().Now()
	for _, claim := range []string{"nbf", "iat"} {
		r := apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{claim: now.Add(31 * time.Second).Unix()}))
		why := "not valid before"
		if claim == "iat" {
			why = "in the future"
		}
		apiWant401(t, w, r, "api", apiDescNotYet, why)
		apiWant200(t, apiGet(t, w, apiGood(t, w, nil, jwt.MapClaims{claim: now.Add(30 * time.Second).Unix()})), claim+" within leeway")
	}
}

// TestValidateAPIClockSkew: the API's own clock decides (RFC 7519 §4.1.4
// "current date/time"). Ahead by 2 m, it sees tokens expire 2 m early;
// behind by 2 m, fresh tokens look issued in the future.
func TestValidateAPIClockSkew(t *testing.T) {
	w := newTestWorld(t)
	if err := w.Set("api_clock_skew", "2m"); err != nil {
		t.Fatal(err)
	}
	at, _ := login(t, w)
	ttl := w.Policy().AccessTTL
	if err := w.Advance(ttl - 2*time.Minute + 29*time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant200(t, apiGet(t, w, at), "API ahead, within leeway")
	if err := w.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w, apiGet(t, w, at), "api", apiDescExpired, "expired")

	w2 := newTestWorld(t)
	if err := w2.Set("api_clock_skew", "-2m"); err != nil {
		t.Fatal(err)
	}
	at2, _ := login(t, w2)
	apiWant401(t, w2, apiGet(t, w2, at2), "api", apiDescNotYet, "in the future")
	if err := w2.Advance(89 * time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant401(t, w2, apiGet(t, w2, at2), "api", apiDescNotYet, "in the future")
	if err := w2.Advance(time.Second); err != nil {
		t.Fatal(err)
	}
	apiWant200(t, apiGet(t, w2, at2), "API behind by 2m, 90 s after issue")
	// Skew 0 again: immediately fine.
	if err := w2.Set("api_clock_skew", "0"); err != nil {
		t.Fatal(err)
	}
	apiWant200(t, apiGet(t, w2, at2), "no skew")
}
