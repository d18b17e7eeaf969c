package sim

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// Authorization Server tests: the token endpoint (RFC 6749 §3.2, §4.1.3,
// §5; RFC 7636; OIDC Core) — checklist items 10–21, 28, 44–46. The helpers
// with the `as` prefix are shared by the AS test files.

// asBasic is an Authorization header for client_secret_basic, with the id
// and secret form-URL-encoded first as RFC 6749 §2.3.1 requires.
func asBasic(id, secret string) http.Header {
	raw := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(raw))}}
}

// asAPIAuth is the resource server's own credentials, for introspection.
func asAPIAuth() http.Header { return asBasic(ClientAPI, apiSecret) }

// asCodeForm is the authorization_code token request for a code obtained
// by authCode (redirect_uri and testVerifier as authCode sends them).
func asCodeForm(client, code string) url.Values {
	f := url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {RedirectURI}, "code_verifier": {testVerifier}}
	if client != "" {
		f.Set("client_id", client)
	}
	return f
}

// asTokens is a decoded §5.1 token response plus its raw body.
type asTokens struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token"`
	raw          string
}

// asWantTokens asserts a 200 token response and decodes it.
func asWantTokens(t testing.TB, r reply) asTokens {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("token endpoint: status %d, body %s; want 200", r.status, r.body)
	}
	var tk asTokens
	if err := json.Unmarshal([]byte(r.body), &tk); err != nil {
		t.Fatalf("token response is not JSON: %v: %s", err, r.body)
	}
	if tk.AccessToken == "" {
		t.Fatalf("token response has no access_token: %s", r.body)
	}
	tk.raw = r.body
	return tk
}

// asLogin runs the code flow for the spa (extra goes to the authorization
// request) and redeems the code.
func asLogin(t testing.TB, w *World, extra url.Values) asTokens {
	t.Helper()
	code := authCode(t, w, ClientSPA, extra)
	return asWantTokens(t, postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil))
}

// asLoginWeb does the same for the confidential client, authenticating
// with client_secret_basic.
func asLoginWeb(t testing.TB, w *World, extra url.Values) asTokens {
	t.Helper()
	code := authCode(t, w, ClientWeb, extra)
	return asWantTokens(t, postForm(t, w, "/token", asCodeForm("", code), asBasic(ClientWeb, webSecret)))
}

// asRefresh sends a refresh_token grant as the spa; scope "" is omitted.
func asRefresh(t testing.TB, w *World, rt, scope string) reply {
	t.Helper()
	f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {ClientSPA}}
	if scope != "" {
		f.Set("scope", scope)
	}
	return postForm(t, w, "/token", f, nil)
}

// asNoStore asserts the §5.1 cache headers, which §5.2 errors carry too.
func asNoStore(t testing.TB, r reply) {
	t.Helper()
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := r.header.Get("Pragma"); got != "no-cache" {
		t.Errorf("Pragma = %q, want no-cache", got)
	}
}

// asWantError asserts a §5.2 JSON error response: status, code, JSON
// content type, an error_description, and the no-store headers.
func asWantError(t testing.TB, r reply, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	asNoStore(t, r)
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, r.body)
	}
	if e.Error != code {
		t.Errorf("error = %q, want %q (body %s)", e.Error, code, r.body)
	}
	if e.Description == "" {
		t.Errorf("error_description is empty (body %s)", r.body)
	}
}

// asLastExchange returns the last recorded exchange to path.
func asLastExchange(t testing.TB, w *World, path string) Event {
	t.Helper()
	evs := w.Log().Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == KindExchange && evs[i].Path == path {
			return evs[i]
		}
	}
	t.Fatalf("no exchange to %s in the log", path)
	return Event{}
}

// asVerify verifies a JWT the AS signed with the demo key of alg and
// returns its header and claims.
func asVerify(t testing.TB, alg jose.Alg, tok string, claims jwt.Claims) *jwt.Token {
	t.Helper()
	k, err := jose.DemoKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return k.Public(), nil },
		jwt.WithValidMethods([]string{string(alg)}), jwt.WithoutClaimsValidation())
	if err != nil {
		t.Fatalf("%s token does not verify with demo key %s: %v", alg, k.KID, err)
	}
	return parsed
}

// asAtHash computes OIDC Core §3.1.3.6 at_hash independently: the left half
// of SHA-256 (RS256, ES256) or SHA-512 (EdDSA, as go-oidc does).
func asAtHash(alg jose.Alg, at string) string {
	var sum []byte
	if alg == jose.EdDSA {
		s := sha512.Sum512([]byte(at))
		sum = s[:]
	} else {
		s := sha256.Sum256([]byte(at))
		sum = s[:]
	}
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// RFC 6749 §5.1: headers, integer expires_in, token_type, refresh_token.
func TestTokenSuccessResponse_RFC6749_5_1(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil)
	r := postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil)
	tk := asWantTokens(t, r)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	asNoStore(t, r)
	if tk.TokenType != "Bearer" {
		t.Errorf("token_type = %q, want Bearer", tk.TokenType)
	}
	// expires_in must be a JSON integer, never a float or a string.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatal(err)
	}
	want := int64(w.Policy().AccessTTL / time.Second)
	if got := string(raw["expires_in"]); got != asJSONInt(want) {
		t.Errorf("expires_in = %s, want the integer %d", got, want)
	}
	if tk.RefreshToken == "" {
		t.Errorf("no refresh_token although offline_access was granted: %s", r.body)
	}
	if tk.Scope != DefaultScope {
		t.Errorf("scope = %q, want %q", tk.Scope, DefaultScope)
	}
}

func asJSONInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// OIDC Core §3.1.3.3: id_token if and only if openid is in scope; no
// refresh token without offline_access.
func TestTokenIDTokenIffOpenID_OIDCCore_3_1_3_3(t *testing.T) {
	for _, tc := range []struct {
		scope          string
		wantID, wantRT bool
	}{
		{"openid profile orders:read offline_access", true, true},
		{"openid", true, false},
		{"profile orders:read offline_access", false, true},
		{"orders:read", false, false},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			w := newTestWorld(t)
			tk := asLogin(t, w, url.Values{"scope": {tc.scope}})
			if (tk.IDToken != "") != tc.wantID {
				t.Errorf("id_token present = %v, want %v: %s", tk.IDToken != "", tc.wantID, tk.raw)
			}
			if (tk.RefreshToken != "") != tc.wantRT {
				t.Errorf("refresh_token present = %v, want %v", tk.RefreshToken != "", tc.wantRT)
			}
			if tk.Scope != tc.scope {
				t.Errorf("scope = %q, want %q", tk.Scope, tc.scope)
			}
		})
	}
}

// RFC 6749 §5.2, §2.3, §3.1, §3.2: every token-endpoint error, with its
// status, code, JSON body and no-store headers, and the Basic challenge
// when the client tried Basic.
func TestTokenErrorResponses_RFC6749_5_2(t *testing.T) {
	spa := func(kv ...string) url.Values {
		f := url.Values{"client_id": {ClientSPA}}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	cases := []struct {
		name      string
		body      string // raw form body
		hdr       http.Header
		status    int
		code      string
		challenge bool // WWW-Authenticate: Basic realm=…
	}{
		{"missing grant_type", spa("code", "x").Encode(), nil, 400, CodeInvalidRequest, false},
		{"empty grant_type counts as omitted (3.1)", "grant_type=&client_id=spa", nil, 400, CodeInvalidRequest, false},
		{"missing code", spa("grant_type", "authorization_code").Encode(), nil, 400, CodeInvalidRequest, false},
		{"missing refresh_token", spa("grant_type", "refresh_token").Encode(), nil, 400, CodeInvalidRequest, false},
		{"repeated parameter (3.2)", "grant_type=refresh_token&client_id=spa&refresh_token=a&refresh_token=b", nil, 400, CodeInvalidRequest, false},
		{"two auth methods: Basic and client_secret (2.3)", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}, "client_secret": {webSecret}}.Encode(),
			asBasic(ClientWeb, webSecret), 400, CodeInvalidRequest, false},
		{"Basic and a different body client_id (2.3)", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}, "client_id": {ClientSPA}}.Encode(),
			asBasic(ClientWeb, webSecret), 400, CodeInvalidRequest, false},
		{"wrong secret via Basic", "grant_type=refresh_token&refresh_token=x", asBasic(ClientWeb, "nope"), 401, CodeInvalidClient, true},
		{"empty secret via Basic for a confidential client", "grant_type=refresh_token&refresh_token=x", asBasic(ClientWeb, ""), 401, CodeInvalidClient, true},
		{"unknown client via Basic", "grant_type=refresh_token&refresh_token=x", asBasic("mallory", "x"), 401, CodeInvalidClient, true},
		{"Basic credentials not base64", "grant_type=refresh_token&refresh_token=x", http.Header{"Authorization": {"Basic !!!"}}, 401, CodeInvalidClient, true},
		{"wrong secret in the body", "grant_type=refresh_token&refresh_token=x&client_id=web&client_secret=nope", nil, 401, CodeInvalidClient, false},
		{"confidential client without a secret", "grant_type=refresh_token&refresh_token=x&client_id=web", nil, 401, CodeInvalidClient, false},
		{"no client at all", "grant_type=refresh_token&refresh_token=x", nil, 401, CodeInvalidClient, false},
		{"unknown client in the body", "grant_type=refresh_token&refresh_token=x&client_id=mallory", nil, 401, CodeInvalidClient, false},
		{"public client sending a secret", "grant_type=refresh_token&refresh_token=x&client_id=spa&client_secret=s", nil, 401, CodeInvalidClient, false},
		{"unknown code", spa("grant_type", "authorization_code", "code", "never-issued", "code_verifier", testVerifier).Encode(), nil, 400, CodeInvalidGrant, false},
		{"unknown refresh token", spa("grant_type", "refresh_token", "refresh_token", "never-issued").Encode(), nil, 400, CodeInvalidGrant, false},
		{"client not allowed the code grant", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {ClientFirstParty}}.Encode(), nil, 400, CodeUnauthorizedClient, false},
		{"resource server may not obtain tokens", "grant_type=refresh_token&refresh_token=x", asAPIAuth(), 400, CodeUnauthorizedClient, false},
		{"password grant", spa("grant_type", "password", "username", DemoUser, "password", DemoPassword).Encode(), nil, 400, CodeUnsupportedGrantType, false},
		{"client_credentials grant, client not registered for it (4.4)", "grant_type=client_credentials", asBasic(ClientWeb, webSecret), 400, CodeUnauthorizedClient, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
			for k, v := range tc.hdr {
				h[k] = v
			}
			r := send(t, w, ActorApp, http.MethodPost, Issuer+"/token", tc.body, h)
			asWantError(t, r, tc.status, tc.code)
			got := r.header.Get("WWW-Authenticate")
			if tc.challenge && !strings.HasPrefix(got, `Basic realm="`) {
				t.Errorf("WWW-Authenticate = %q, want a Basic realm challenge (RFC 6749 section 5.2)", got)
			}
			if e := asLastExchange(t, w, "/token"); e.Error != tc.code || e.Reason == "" {
				t.Errorf("event: error %q reason %q, want %q and a reason", e.Error, e.Reason, tc.code)
			}
		})
	}
}

// RFC 6749 §3.2: POST with a form body only.
func TestTokenRequestShape_RFC6749_3_2(t *testing.T) {
	w := newTestWorld(t)
	r := send(t, w, ActorApp, http.MethodGet, Issuer+"/token?grant_type=refresh_token&refresh_token=x&client_id=spa", "", nil)
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != http.MethodPost {
		t.Errorf("GET /token: status %d Allow %q, want 405 and Allow: POST", r.status, r.header.Get("Allow"))
	}
	asNoStore(t, r)
	r = send(t, w, ActorApp, http.MethodPost, Issuer+"/token", `{"grant_type":"refresh_token","refresh_token":"x","client_id":"spa"}`,
		http.Header{"Content-Type": {"application/json"}})
	asWantError(t, r, 400, CodeInvalidRequest)
	// A charset parameter on the media type is fine.
	code := authCode(t, w, ClientSPA, nil)
	r = send(t, w, ActorApp, http.MethodPost, Issuer+"/token", asCodeForm(ClientSPA, code).Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=UTF-8"}})
	asWantTokens(t, r)
}

// RFC 6749 §3.1: an empty parameter is omitted, so it cannot make another
// one "repeated".
func TestTokenEmptyParameterIsNotARepeat_RFC6749_3_1(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil)
	body := "scope=&" + asCodeForm(ClientSPA, code).Encode() + "&code_verifier="
	r := send(t, w, ActorApp, http.MethodPost, Issuer+"/token", body, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	asWantTokens(t, r)
}

// RFC 6749 §2.3.1: client_secret_basic form-URL-decodes the id and the
// secret after base64 (x/oauth2 sends url.QueryEscape'd values).
func TestTokenClientSecretBasicIsFormURLDecoded_RFC6749_2_3_1(t *testing.T) {
	const id, secret = "my app", "p@ss:w+rd %/é"
	cases := []struct {
		name   string
		rawID  string
		rawSec string
		status int
	}{
		{"QueryEscape'd id and secret", url.QueryEscape(id), url.QueryEscape(secret), 200},
		{"raw secret is not form-URL-encoded", url.QueryEscape(id), secret, 401},
		{"plus in the secret means space once decoded", url.QueryEscape(id), strings.ReplaceAll(url.QueryEscape(secret), "%2B", "+"), 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			w.as.clients[id] = &clientReg{id: id, secretHash: sha256.Sum256([]byte(secret)), redirectURIs: []string{RedirectURI},
				grants: []string{"authorization_code"}, scopes: scopesSupported()}
			code := authCode(t, w, id, nil)
			basic := base64.StdEncoding.EncodeToString([]byte(tc.rawID + ":" + tc.rawSec))
			r := postForm(t, w, "/token", asCodeForm("", code), http.Header{"Authorization": {"Basic " + basic}})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status == 401 {
				asWantError(t, r, 401, CodeInvalidClient)
			}
		})
	}
	// Percent-encoded characters that need no encoding decode too.
	w := newTestWorld(t)
	code := authCode(t, w, ClientWeb, nil)
	basic := base64.StdEncoding.EncodeToString([]byte("%77eb:web%2Dsecret"))
	asWantTokens(t, postForm(t, w, "/token", asCodeForm("", code), http.Header{"Authorization": {"Basic " + basic}}))
}

// Checklist item 17: x/oauth2's AuthStyleInHeader sends "spa:" for a public
// client; that identifies it (it cannot authenticate).
func TestTokenPublicClientBasicEmptySecret_xoauth2(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil)
	tk := asWantTokens(t, postForm(t, w, "/token", asCodeForm("", code), asBasic(ClientSPA, "")))
	var c AccessClaims
	asVerify(t, jose.RS256, tk.AccessToken, &c)
	if c.ClientID != ClientSPA {
		t.Errorf("client_id = %q, want spa", c.ClientID)
	}
	// A confidential client cannot do the same (RFC 6749 §2.3.1).
	code = authCode(t, w, ClientWeb, nil)
	r := postForm(t, w, "/token", asCodeForm("", code), asBasic(ClientWeb, ""))
	asWantError(t, r, 401, CodeInvalidClient)
}

// RFC 6749 §4.1.3: the code is bound to the client it was issued to.
func TestTokenCodeBoundToClient_RFC6749_4_1_3(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil)
	r := postForm(t, w, "/token", asCodeForm("", code), asBasic(ClientWeb, webSecret))
	asWantError(t, r, 400, CodeInvalidGrant)
	// The rightful client can still redeem it.
	asWantTokens(t, postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil))
}

// RFC 7636 Appendix B: the S256 test vector.
func TestPKCES256Vector_RFC7636_AppendixB(t *testing.T) {
	if got, want := s256Challenge(testVerifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; got != want {
		t.Errorf("s256Challenge(%q) = %q, want %q", testVerifier, got, want)
	}
}

// RFC 7636 §4.6, RFC 9700 §2.1.1 / §4.8.2: wrong or missing verifier, and
// a verifier without a stored challenge (PKCE downgrade), are invalid_grant.
func TestTokenPKCEVerification_RFC7636_4_6(t *testing.T) {
	other := strings.Repeat("a", 43)
	cases := []struct {
		name      string
		client    string
		challenge string // "" = none in the authorization request
		verifier  string // "" = none in the token request
		wantOK    bool
	}{
		{"right verifier", ClientSPA, s256Challenge(testVerifier), testVerifier, true},
		{"wrong verifier", ClientSPA, s256Challenge(testVerifier), other, false},
		{"challenge itself as verifier", ClientSPA, s256Challenge(testVerifier), s256Challenge(testVerifier), false},
		{"missing verifier", ClientSPA, s256Challenge(testVerifier), "", false},
		{"downgrade: verifier without challenge", ClientWeb, "", testVerifier, false},
		{"confidential client without PKCE", ClientWeb, "", "", true},
		{"confidential client with PKCE", ClientWeb, s256Challenge(testVerifier), testVerifier, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			code := authCode(t, w, tc.client, url.Values{"code_challenge": {tc.challenge}})
			f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {RedirectURI}}
			if tc.verifier != "" {
				f.Set("code_verifier", tc.verifier)
			}
			var hdr http.Header
			if tc.client == ClientWeb {
				hdr = asBasic(ClientWeb, webSecret)
			} else {
				f.Set("client_id", tc.client)
			}
			r := postForm(t, w, "/token", f, hdr)
			if tc.wantOK {
				asWantTokens(t, r)
				return
			}
			asWantError(t, r, 400, CodeInvalidGrant)
		})
	}
}

// RFC 6749 §4.1.2, §10.5: a replayed code is invalid_grant, and every token
// issued from its first redemption is revoked.
func TestTokenCodeReplayRevokesFirstTokens_RFC6749_4_1_2(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil)
	first := asWantTokens(t, postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil))
	if r := asIntrospect(t, w, first.AccessToken); !strings.Contains(r.body, `"active":true`) {
		t.Fatalf("before replay the access token should be active: %s", r.body)
	}

	r := postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil)
	asWantError(t, r, 400, CodeInvalidGrant)
	if e := asLastExchange(t, w, "/token"); !strings.Contains(e.Reason, "already redeemed") {
		t.Errorf("replay reason = %q, want it to say the code was already redeemed", e.Reason)
	}

	if r := asIntrospect(t, w, first.AccessToken); r.body != `{"active":false}` {
		t.Errorf("introspection of the first access token after replay = %s, want {\"active\":false}", r.body)
	}
	asWantError(t, asRefresh(t, w, first.RefreshToken, ""), 400, CodeInvalidGrant)
}

// RFC 6749 §4.1.2: the code lives CodeTTL (sim: 60 s) on the virtual clock.
func TestTokenCodeExpiry_RFC6749_4_1_2(t *testing.T) {
	for _, tc := range []struct {
		codeTTL string
		wait    time.Duration
		wantOK  bool
	}{
		{"", 59 * time.Second, true},
		{"", 60 * time.Second, false},
		{"", 10 * time.Minute, false},
		{"5m", 4 * time.Minute, true},
		{"5m", 5 * time.Minute, false},
	} {
		t.Run(tc.codeTTL+"+"+tc.wait.String(), func(t *testing.T) {
			w := newTestWorld(t)
			if tc.codeTTL != "" {
				if err := w.Set("code_ttl", tc.codeTTL); err != nil {
					t.Fatal(err)
				}
			}
			code := authCode(t, w, ClientSPA, nil)
			if err := w.Advance(tc.wait); err != nil {
				t.Fatal(err)
			}
			r := postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil)
			if tc.wantOK {
				asWantTokens(t, r)
				return
			}
			asWantError(t, r, 400, CodeInvalidGrant)
			if e := asLastExchange(t, w, "/token"); !strings.Contains(e.Reason, "expired") {
				t.Errorf("reason = %q, want it to say the code expired", e.Reason)
			}
		})
	}
}

// RFC 6749 §4.1.3: redirect_uri sent at /authorize must come again,
// identical: missing → invalid_request, different → invalid_grant.
func TestTokenRedirectURIBinding_RFC6749_4_1_3(t *testing.T) {
	cases := []struct {
		name     string
		authzURI string // "" = omitted at /authorize (implied: one registered URI)
		tokenURI string // "" = omitted at /token
		status   int
		code     string
	}{
		{"same", RedirectURI, RedirectURI, 200, ""},
		{"missing at token endpoint", RedirectURI, "", 400, CodeInvalidRequest},
		{"different", RedirectURI, AppOrigin + "/other", 400, CodeInvalidGrant},
		{"trailing slash differs", RedirectURI, RedirectURI + "/", 400, CodeInvalidGrant},
		{"implied at authorize, omitted at token", "", "", 200, ""},
		{"implied at authorize, same at token", "", RedirectURI, 200, ""},
		{"implied at authorize, different at token", "", AppOrigin + "/other", 400, CodeInvalidGrant},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			code := authCode(t, w, ClientSPA, url.Values{"redirect_uri": {tc.authzURI}})
			f := asCodeForm(ClientSPA, code)
			if tc.tokenURI == "" {
				f.Del("redirect_uri")
			} else {
				f.Set("redirect_uri", tc.tokenURI)
			}
			r := postForm(t, w, "/token", f, nil)
			if tc.status == 200 {
				asWantTokens(t, r)
				return
			}
			asWantError(t, r, tc.status, tc.code)
		})
	}
}

// OIDC Core §2, §3.1.3.6, checklist items 44–46: ID token claims and
// at_hash, for every signing algorithm.
func TestIDTokenClaims_OIDCCore_2(t *testing.T) {
	for _, alg := range jose.Algs() {
		t.Run(string(alg), func(t *testing.T) {
			w := newTestWorld(t)
			if err := w.Set("alg", string(alg)); err != nil {
				t.Fatal(err)
			}
			login := w.Clock().Now()
			code := authCode(t, w, ClientSPA, url.Values{"nonce": {"n-0S6_WzA2Mj"}})
			if err := w.Advance(5 * time.Second); err != nil {
				t.Fatal(err)
			}
			tk := asWantTokens(t, postForm(t, w, "/token", asCodeForm(ClientSPA, code), nil))
			var c idClaims
			tok := asVerify(t, alg, tk.IDToken, &c)
			key, _ := jose.DemoKey(alg)
			if tok.Header["kid"] != key.KID {
				t.Errorf("kid = %v, want %s", tok.Header["kid"], key.KID)
			}
			if typ, _ := tok.Header["typ"].(string); strings.EqualFold(typ, jose.TypAccessToken) || strings.EqualFold(typ, "application/at+jwt") {
				t.Errorf("ID token typ = %q: it must not pass as an access token (RFC 9068 section 5)", typ)
			}
			if c.Issuer != Issuer {
				t.Errorf("iss = %q, want %q", c.Issuer, Issuer)
			}
			if c.Subject != DemoUser || len(c.Subject) > 255 {
				t.Errorf("sub = %q, want %q", c.Subject, DemoUser)
			}
			if !slices.Equal([]string(c.Audience), []string{ClientSPA}) {
				t.Errorf("aud = %v, want [spa] (never the API)", c.Audience)
			}
			now := w.Clock().Now()
			if c.IssuedAt == nil || !c.IssuedAt.Equal(now.Truncate(time.Second)) {
				t.Errorf("iat = %v, want %v", c.IssuedAt, now)
			}
			if c.ExpiresAt == nil || !c.ExpiresAt.After(now) {
				t.Errorf("exp = %v, want after %v", c.ExpiresAt, now)
			}
			if c.AuthTime == nil || !c.AuthTime.Equal(login.Truncate(time.Second)) {
				t.Errorf("auth_time = %v, want the login time %v", c.AuthTime, login)
			}
			if c.Nonce != "n-0S6_WzA2Mj" {
				t.Errorf("nonce = %q, want the request's nonce", c.Nonce)
			}
			if want := asAtHash(alg, tk.AccessToken); c.AtHash != want {
				t.Errorf("at_hash = %q, want %q", c.AtHash, want)
			}
		})
	}
}

// RFC 9068 §2.1–2.2: the JWT access token's header and claims.
func TestAccessTokenJWT_RFC9068_2(t *testing.T) {
	for _, alg := range jose.Algs() {
		t.Run(string(alg), func(t *testing.T) {
			w := newTestWorld(t)
			if err := w.Set("alg", string(alg)); err != nil {
				t.Fatal(err)
			}
			login := w.Clock().Now()
			tk := asLogin(t, w, nil)
			second := asLogin(t, w, nil)
			var c AccessClaims
			tok := asVerify(t, alg, tk.AccessToken, &c)
			key, _ := jose.DemoKey(alg)
			if tok.Header["typ"] != jose.TypAccessToken || tok.Header["kid"] != key.KID || tok.Header["alg"] != string(alg) {
				t.Errorf("header = %v, want typ at+jwt, kid %s, alg %s", tok.Header, key.KID, alg)
			}
			if c.Issuer != Issuer || c.Subject != DemoUser || c.ClientID != ClientSPA {
				t.Errorf("iss/sub/client_id = %q/%q/%q", c.Issuer, c.Subject, c.ClientID)
			}
			if !slices.Equal([]string(c.Audience), []string{APIAudience}) {
				t.Errorf("aud = %v, want [%s]", c.Audience, APIAudience)
			}
			if c.IssuedAt == nil || c.ExpiresAt == nil || c.ExpiresAt.Sub(c.IssuedAt.Time) != w.Policy().AccessTTL {
				t.Errorf("iat %v exp %v: want exp-iat = %v", c.IssuedAt, c.ExpiresAt, w.Policy().AccessTTL)
			}
			if c.Scope != DefaultScope {
				t.Errorf("scope = %q, want the space-delimited %q", c.Scope, DefaultScope)
			}
			if c.AuthTime == nil || !c.AuthTime.Equal(login.Truncate(time.Second)) {
				t.Errorf("auth_time = %v, want %v", c.AuthTime, login)
			}
			var c2 AccessClaims
			asVerify(t, alg, second.AccessToken, &c2)
			if c.ID == "" || c.ID == c2.ID {
				t.Errorf("jti %q / %q: want present and unique", c.ID, c2.ID)
			}
		})
	}
}

// RFC 9700 §2.2.2, RFC 6749 §10.10: refresh tokens are opaque random
// values of at least 128 bits, and the AS stores only their hash.
func TestRefreshTokenIsOpaque_RFC6749_10_10(t *testing.T) {
	w := newTestWorld(t)
	a, b := asLogin(t, w, nil), asLogin(t, w, nil)
	for _, rt := range []string{a.RefreshToken, b.RefreshToken} {
		if strings.Contains(rt, ".") {
			t.Errorf("refresh token %q looks like a JWT: it must be opaque", rt)
		}
		raw, err := base64.RawURLEncoding.DecodeString(rt)
		if err != nil || len(raw) < 16 {
			t.Errorf("refresh token %q: %d bytes of entropy (err %v), want >= 16", rt, len(raw), err)
		}
	}
	if a.RefreshToken == b.RefreshToken {
		t.Error("two logins got the same refresh token")
	}
	w.as.mu.Lock()
	defer w.as.mu.Unlock()
	if _, ok := w.as.refresh[hashToken(a.RefreshToken)]; !ok {
		t.Error("the AS does not find the refresh token by its hash")
	}
}

// RFC 6749 §2.3.1: client_secret_basic, client_secret_post and (public
// clients) none all authenticate a code redemption.
func TestTokenClientAuthMethods_RFC6749_2_3_1(t *testing.T) {
	cases := []struct {
		name   string
		client string
		body   url.Values
		hdr    http.Header
	}{
		{"client_secret_basic", ClientWeb, url.Values{}, asBasic(ClientWeb, webSecret)},
		{"client_secret_post", ClientWeb, url.Values{"client_id": {ClientWeb}, "client_secret": {webSecret}}, nil},
		{"Basic plus the same client_id in the body", ClientWeb, url.Values{"client_id": {ClientWeb}}, asBasic(ClientWeb, webSecret)},
		{"none: public client_id", ClientSPA, url.Values{"client_id": {ClientSPA}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			code := authCode(t, w, tc.client, nil)
			f := asCodeForm("", code)
			for k, v := range tc.body {
				f[k] = v
			}
			tk := asWantTokens(t, postForm(t, w, "/token", f, tc.hdr))
			var c AccessClaims
			asVerify(t, jose.RS256, tk.AccessToken, &c)
			if c.ClientID != tc.client {
				t.Errorf("client_id claim = %q, want %q", c.ClientID, tc.client)
			}
		})
	}
}
