package sim

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// Discovery and JWKS tests (OIDC Discovery §3–4, RFC 8414, RFC 7517/7518):
// checklist items 40–43.

// asGetJSON GETs an AS URL as the app and decodes the JSON object.
func asGetJSON(t testing.TB, w *World, rawURL string) (reply, map[string]json.RawMessage) {
	t.Helper()
	r := send(t, w, ActorApp, http.MethodGet, rawURL, "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", rawURL, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET %s: Content-Type %q, want application/json", rawURL, ct)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("GET %s: not a JSON object: %v", rawURL, err)
	}
	return r, m
}

// asJWKS fetches the AS's key set, returning the raw members of each key.
func asJWKS(t testing.TB, w *World) []map[string]json.RawMessage {
	t.Helper()
	_, doc := asGetJSON(t, w, Issuer+"/jwks.json")
	var keys []map[string]json.RawMessage
	if err := json.Unmarshal(doc["keys"], &keys); err != nil {
		t.Fatalf("jwks keys: %v", err)
	}
	return keys
}

func asStr(t testing.TB, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Errorf("%s is not a JSON string", raw)
	}
	return s
}

func asStrs(t testing.TB, raw json.RawMessage) []string {
	t.Helper()
	var s []string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Errorf("%s is not a JSON array of strings", raw)
	}
	return s
}

// OIDC Discovery §3, RFC 8414 §2–3, RFC 9207 §3: the same metadata at both
// well-known paths, with every member of checklist item 40.
func TestDiscoveryDocument_OIDCDiscovery_3_RFC8414_2(t *testing.T) {
	w := newTestWorld(t)
	oidc, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration")
	oauth, _ := asGetJSON(t, w, Issuer+"/.well-known/oauth-authorization-server")
	if oidc.body != oauth.body {
		t.Errorf("the two well-known documents differ:\n%s\n%s", oidc.body, oauth.body)
	}
	for _, m := range []string{"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
		"response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported",
		"scopes_supported", "claims_supported", "grant_types_supported", "token_endpoint_auth_methods_supported",
		"code_challenge_methods_supported", "revocation_endpoint", "introspection_endpoint",
		"authorization_response_iss_parameter_supported"} {
		if _, ok := doc[m]; !ok {
			t.Errorf("member %s is missing", m)
		}
	}
	exact := map[string][]string{
		"response_types_supported":         {"code"},
		"subject_types_supported":          {"public"},
		"code_challenge_methods_supported": {"S256"},
	}
	for m, want := range exact {
		if got := asStrs(t, doc[m]); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", m, got, want)
		}
	}
	contains := map[string][]string{
		"id_token_signing_alg_values_supported": {"RS256", "ES256", "EdDSA"},
		"scopes_supported":                      {"openid", "offline_access"},
		"claims_supported":                      {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce"},
		"grant_types_supported":                 {"authorization_code", "refresh_token", "client_credentials"},
		"token_endpoint_auth_methods_supported": {"client_secret_basic", "client_secret_post", "none"},
	}
	for m, want := range contains {
		got := asStrs(t, doc[m])
		for _, v := range want {
			if !slices.Contains(got, v) {
				t.Errorf("%s = %v lacks %s", m, got, v)
			}
		}
	}
	for _, m := range []string{"grant_types_supported", "response_types_supported"} {
		for _, v := range asStrs(t, doc[m]) {
			if v == "implicit" || v == "password" || v == "token" {
				t.Errorf("%s advertises %q", m, v) // RFC 9700 §2.1.2, §2.4
			}
		}
	}
	// RFC 9449 §5.1: dpop_signing_alg_values_supported only when the AS
	// supports DPoP.
	if v, ok := doc["dpop_signing_alg_values_supported"]; ok {
		t.Errorf("dpop off, yet discovery advertises dpop_signing_alg_values_supported %s", v)
	}
	if err := w.Set("dpop", "true"); err != nil {
		t.Fatal(err)
	}
	if _, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration"); !slices.Equal(asStrs(t, doc["dpop_signing_alg_values_supported"]), []string{"ES256"}) {
		t.Errorf("dpop on: dpop_signing_alg_values_supported = %s, want [ES256]", doc["dpop_signing_alg_values_supported"])
	}
	if string(doc["authorization_response_iss_parameter_supported"]) != "true" {
		t.Errorf("authorization_response_iss_parameter_supported = %s, want true: the AS sends iss (RFC 9207 section 2.3)",
			doc["authorization_response_iss_parameter_supported"])
	}
	if r := send(t, w, ActorApp, http.MethodPost, Issuer+"/.well-known/openid-configuration", "", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST discovery: %d, want 405", r.status)
	}
}

// OIDC Discovery §4.3, RFC 8414 §3.3: issuer equals, byte for byte, the
// URL the client used (no trailing slash), and every endpoint is served.
func TestDiscoveryIssuerAndEndpoints_OIDCDiscovery_4_3(t *testing.T) {
	w := newTestWorld(t)
	_, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration")
	if got := string(doc["issuer"]); got != `"`+Issuer+`"` {
		t.Errorf("issuer = %s, want exactly %q", got, Issuer)
	}
	if strings.HasSuffix(Issuer, "/") {
		t.Errorf("Issuer %q ends with a slash", Issuer)
	}
	want := map[string]string{
		"authorization_endpoint": "/authorize", "token_endpoint": "/token", "jwks_uri": "/jwks.json",
		"revocation_endpoint": "/revoke", "introspection_endpoint": "/introspect",
	}
	for m, path := range want {
		if got := asStr(t, doc[m]); got != Issuer+path {
			t.Errorf("%s = %q, want %q", m, got, Issuer+path)
		}
	}
	// Each endpoint is really there: not the AS's 404.
	asGetJSON(t, w, asStr(t, doc["jwks_uri"]))
	if r := send(t, w, ActorUser, http.MethodGet, asStr(t, doc["authorization_endpoint"])+"?client_id=spa", "", nil); r.status == http.StatusNotFound {
		t.Error("authorization_endpoint is not served")
	}
	for _, m := range []string{"token_endpoint", "revocation_endpoint", "introspection_endpoint"} {
		if r := postForm(t, w, strings.TrimPrefix(asStr(t, doc[m]), Issuer), nil, nil); r.status == http.StatusNotFound {
			t.Errorf("%s is not served", m)
		}
	}
}

// RFC 7517 §4–5, RFC 7518 §6: every key has kty, a unique kid, use sig and
// alg; EC coordinates are full 32 bytes; there are no private members; and
// the published key verifies the AS's tokens.
func TestJWKSPublicKeys_RFC7517_4(t *testing.T) {
	for _, alg := range jose.Algs() {
		t.Run(string(alg), func(t *testing.T) {
			w := asWorldWith(t, "alg", string(alg))
			tk := asLogin(t, w, nil)
			r := send(t, w, ActorAPI, http.MethodGet, Issuer+"/jwks.json", "", nil)
			for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k", "oth"} {
				if strings.Contains(r.body, `"`+private+`":`) {
					t.Errorf("the JWKS has the private member %q: %s", private, r.body)
				}
			}
			keys := asJWKS(t, w)
			if len(keys) == 0 {
				t.Fatal("no keys")
			}
			kids := map[string]bool{}
			for _, k := range keys {
				for _, m := range []string{"kty", "kid", "use", "alg"} {
					if _, ok := k[m]; !ok {
						t.Errorf("key %v lacks %s", k, m)
					}
				}
				kid := asStr(t, k["kid"])
				if kid == "" || kids[kid] {
					t.Errorf("kid %q is empty or not unique", kid)
				}
				kids[kid] = true
				if asStr(t, k["use"]) != "sig" {
					t.Errorf("use = %s, want sig", k["use"])
				}
			}
			var jwk jose.JWK
			b, _ := json.Marshal(keys[0])
			if err := json.Unmarshal(b, &jwk); err != nil {
				t.Fatal(err)
			}
			demo, _ := jose.DemoKey(alg)
			if jwk.KID != demo.KID || jwk.Alg != string(alg) {
				t.Errorf("first key kid %q alg %q, want the signing key %s", jwk.KID, jwk.Alg, demo.KID)
			}
			dec := base64.RawURLEncoding.DecodeString
			switch alg {
			case jose.ES256:
				x, errX := dec(jwk.X)
				y, errY := dec(jwk.Y)
				if jwk.Kty != "EC" || jwk.Crv != "P-256" || errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
					t.Errorf("EC key kty %q crv %q: x %d bytes, y %d bytes; want EC P-256 with 32 each", jwk.Kty, jwk.Crv, len(x), len(y))
				}
			case jose.EdDSA:
				x, err := dec(jwk.X)
				if jwk.Kty != "OKP" || jwk.Crv != "Ed25519" || err != nil || len(x) != ed25519.PublicKeySize {
					t.Errorf("OKP key kty %q crv %q x %d bytes", jwk.Kty, jwk.Crv, len(x))
				}
			case jose.RS256:
				n, err := dec(jwk.N)
				if jwk.Kty != "RSA" || err != nil || len(n) < 256 || jwk.E == "" {
					t.Errorf("RSA key kty %q: n %d bytes", jwk.Kty, len(n))
				}
			}
			pub, err := jwk.PublicKey()
			if err != nil {
				t.Fatal(err)
			}
			switch p := pub.(type) {
			case *rsa.PublicKey:
				if !p.Equal(demo.Public()) {
					t.Error("published RSA key is not the signing key")
				}
			case *ecdsa.PublicKey:
				if !p.Equal(demo.Public()) {
					t.Error("published EC key is not the signing key")
				}
			case ed25519.PublicKey:
				if !p.Equal(demo.Public()) {
					t.Error("published Ed25519 key is not the signing key")
				}
			}
			if _, err := jwt.Parse(tk.AccessToken, func(*jwt.Token) (any, error) { return pub, nil },
				jwt.WithValidMethods([]string{string(alg)}), jwt.WithoutClaimsValidation()); err != nil {
				t.Errorf("the access token does not verify with the published key: %v", err)
			}
		})
	}
}

// TestJWKSPublishesKeysBeforeSigning_OIDCCore_10_1_1: the JWKS lists every
// key the AS may sign with, the one in use first, so that switching the
// signing algorithm strands nothing: the API verifies new-key tokens from
// its cached set without a re-fetch, and old-key tokens keep verifying.
func TestJWKSPublishesKeysBeforeSigning_OIDCCore_10_1_1(t *testing.T) {
	w := newTestWorld(t)
	kids := func() []string {
		var out []string
		for _, k := range asJWKS(t, w) {
			out = append(out, asStr(t, k["kid"]))
		}
		return out
	}
	if got := kids(); !slices.Equal(got, []string{"demo-RS256", "demo-ES256", "demo-EdDSA"}) {
		t.Fatalf("JWKS kids %v, want the signing key first, then the others", got)
	}
	old := asLogin(t, w, nil)
	login(t, w)
	if o := w.App().Call("GET", "/api/orders"); !o.OK() { // the API fetches the set once
		t.Fatalf("call: %+v", o)
	}
	if err := w.Set("alg", string(jose.ES256)); err != nil {
		t.Fatal(err)
	}
	if got := kids(); got[0] != "demo-ES256" || !slices.Contains(got, "demo-RS256") {
		t.Errorf("after the switch: %v, want the new key first and the old one kept", got)
	}
	fetches := w.Counts().JWKSFetches
	login(t, w) // signs with ES256 now
	if o := w.App().Call("GET", "/api/orders"); !o.OK() {
		t.Fatalf("an ES256 token right after the switch: %+v", o)
	}
	if got := w.Counts().JWKSFetches; got != fetches {
		t.Errorf("the API re-fetched the JWKS (%d → %d): the new key was not published before use", fetches, got)
	}
	var c AccessClaims
	asVerify(t, jose.RS256, old.AccessToken, &c)
}
