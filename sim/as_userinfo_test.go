package sim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// UserInfo endpoint tests: OIDC Core §5.3 (checklist item 106), claims by
// scope (§5.4), errors as RFC 6750 §3 challenges (§5.3.3), DPoP (RFC 9449
// §7).

// uiTokens logs alice in for the confidential client web with scope and
// extra authorization parameters, and returns the token response.
func uiTokens(t testing.TB, w *World, scope string, extra url.Values) tokenResponse {
	t.Helper()
	q := url.Values{"scope": {scope}}
	for k, v := range extra {
		q[k] = v
	}
	code := authCode(t, w, ClientWeb, q)
	r := postForm(t, w, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {RedirectURI}, "code_verifier": {testVerifier}}, http.Header{"Authorization": {"Basic " + dpopTestBasic(ClientWeb, webSecret)}})
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &tr); err != nil || r.status != http.StatusOK || tr.AccessToken == "" {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	return tr
}

// uiGet calls GET /userinfo with the Authorization header auth ("" for
// none).
func uiGet(t testing.TB, w *World, auth string, hdr http.Header) reply {
	t.Helper()
	h := http.Header{}
	for k, v := range hdr {
		h[k] = v
	}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	return send(t, w, ActorApp, http.MethodGet, Issuer+userinfoPath, "", h)
}

func uiClaims(t testing.TB, r reply) map[string]any {
	t.Helper()
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("userinfo: %d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("userinfo body %q: %v", r.body, err)
	}
	return m
}

// uiRefused asserts a refusal with status, an RFC 6750 §3 challenge
// carrying code (none when code is ""), and a reason in the exchange
// event that contains why.
func uiRefused(t testing.TB, w *World, r reply, status int, code, why string) {
	t.Helper()
	c := r.header.Get("WWW-Authenticate")
	if r.status != status || !strings.HasPrefix(c, "Bearer ") && !strings.HasPrefix(c, "DPoP ") {
		t.Fatalf("status %d challenge %q (body %s), want %d with a challenge", r.status, c, r.body, status)
	}
	if code == "" && strings.Contains(c, "error=") || code != "" && !strings.Contains(c, `error="`+code+`"`) {
		t.Errorf("challenge %q, want error %q", c, code)
	}
	ev := dpopTestExchange(t, w, ActorApp, userinfoPath)
	if !strings.Contains(ev.Reason, why) {
		t.Errorf("reason %q, want it to say %q", ev.Reason, why)
	}
}

// TestUserinfoClaimsByScope_OIDCCore_5_3_5_4: GET and POST with the access
// token (Bearer header, or the RFC 6750 §2.2 form parameter) answer JSON
// with sub and the claims each granted scope allows: profile gives name,
// email gives email and email_verified (§5.4); sub equals the ID token's
// (§5.3.2). Without profile or email only sub comes back.
func TestUserinfoClaimsByScope_OIDCCore_5_3_5_4(t *testing.T) {
	w := newTestWorld(t)
	tr := uiTokens(t, w, "openid profile email", nil)
	m := uiClaims(t, uiGet(t, w, "Bearer "+tr.AccessToken, nil))
	want := map[string]any{"sub": DemoUser, "name": "Alice Liddell", "email": "alice@example.com", "email_verified": false}
	if len(m) != len(want) {
		t.Errorf("claims %v, want %v", m, want)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	ev := dpopTestExchange(t, w, ActorApp, userinfoPath)
	if !strings.Contains(ev.Summary, "sub, name, email, email_verified") || ev.Token == "" {
		t.Errorf("event %q (token %q): want the claims given and the token's label", ev.Summary, ev.Token)
	}
	if id := decodeClaims(t, tr.IDToken); id["sub"] != m["sub"] {
		t.Errorf("userinfo sub %v, ID token sub %v: §5.3.2 says they must match", m["sub"], id["sub"])
	}

	form := "application/x-www-form-urlencoded"
	r := send(t, w, ActorApp, http.MethodPost, Issuer+userinfoPath, "", http.Header{"Authorization": {"Bearer " + tr.AccessToken}})
	if uiClaims(t, r)["sub"] != DemoUser {
		t.Errorf("POST with the header: %s", r.body)
	}
	r = send(t, w, ActorApp, http.MethodPost, Issuer+userinfoPath, url.Values{"access_token": {tr.AccessToken}}.Encode(), http.Header{"Content-Type": {form}})
	if uiClaims(t, r)["email"] != "alice@example.com" {
		t.Errorf("POST with the access_token body parameter: %s", r.body)
	}
	r = send(t, w, ActorApp, http.MethodPut, Issuer+userinfoPath, "", nil)
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("PUT: %d Allow %q", r.status, r.header.Get("Allow"))
	}

	only := uiTokens(t, w, "openid", nil)
	if m := uiClaims(t, uiGet(t, w, "Bearer "+only.AccessToken, nil)); len(m) != 1 || m["sub"] != DemoUser {
		t.Errorf("scope openid alone: %v, want sub only", m)
	}
	prof := uiTokens(t, w, "openid profile", nil)
	if m := uiClaims(t, uiGet(t, w, "Bearer "+prof.AccessToken, nil)); len(m) != 2 || m["name"] != "Alice Liddell" {
		t.Errorf("scope openid profile: %v, want sub and name", m)
	}
}

func decodeClaims(t testing.TB, jwtStr string) map[string]any {
	t.Helper()
	parts := strings.Split(jwtStr, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwtStr)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestUserinfoRefusals_OIDCCore_5_3_3_RFC6750_3: no token is a bare
// challenge (RFC 6750 §3.1); a token the AS no longer honours (revoked,
// expired on its clock, its account disabled), an ID token, a refresh
// token or a token for another resource server is 401 invalid_token; a
// token without openid is 403 insufficient_scope (§5.3.1: the access token
// of an OpenID Connect request); a token in the query is 400.
func TestUserinfoRefusals_OIDCCore_5_3_3_RFC6750_3(t *testing.T) {
	w := newTestWorld(t)
	uiRefused(t, w, uiGet(t, w, "", nil), http.StatusUnauthorized, "", "no bearer token")

	tr := uiTokens(t, w, "openid profile orders:read offline_access", nil)
	uiRefused(t, w, uiGet(t, w, "Bearer "+tr.IDToken, nil), http.StatusUnauthorized, CodeInvalidToken, "an ID token")
	uiRefused(t, w, uiGet(t, w, "Bearer "+tr.RefreshToken, nil), http.StatusUnauthorized, CodeInvalidToken, "refresh token is for the token endpoint only")
	r := send(t, w, ActorApp, http.MethodGet, Issuer+userinfoPath+"?access_token="+tr.AccessToken, "", nil)
	uiRefused(t, w, r, http.StatusBadRequest, CodeInvalidRequest, "URL query")

	noOpenID := uiTokens(t, w, "profile orders:read", nil)
	uiRefused(t, w, uiGet(t, w, "Bearer "+noOpenID.AccessToken, nil), http.StatusForbidden, CodeInsufficientScope, "lacks openid")
	if c := uiGet(t, w, "Bearer "+noOpenID.AccessToken, nil).header.Get("WWW-Authenticate"); !strings.Contains(c, `scope="openid"`) {
		t.Errorf("insufficient_scope challenge %q names no scope", c)
	}
	// error_description is OPTIONAL (RFC 6749 §5.2): absent, never empty.
	if b := uiGet(t, w, "Bearer "+noOpenID.AccessToken, nil).body; strings.Contains(b, "error_description") {
		t.Errorf("insufficient_scope body %s carries an empty error_description", b)
	}

	billing := uiTokens(t, w, "openid profile", url.Values{resourceParam: {APIBAudience}})
	uiRefused(t, w, uiGet(t, w, "Bearer "+billing.AccessToken, nil), http.StatusUnauthorized, CodeInvalidToken, "not for this AS's userinfo")

	// Revocation (RFC 7009) is seen at once: the AS asks its own records.
	rev := uiTokens(t, w, "openid profile", nil)
	uiClaims(t, uiGet(t, w, "Bearer "+rev.AccessToken, nil))
	if r := postForm(t, w, "/revoke", url.Values{"token": {rev.AccessToken}}, http.Header{"Authorization": {"Basic " + dpopTestBasic(ClientWeb, webSecret)}}); r.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	uiRefused(t, w, uiGet(t, w, "Bearer "+rev.AccessToken, nil), http.StatusUnauthorized, CodeInvalidToken, "was revoked")

	// A disabled account ends the grant (as_account.go).
	if err := w.DisableUser(DemoUser); err != nil {
		t.Fatal(err)
	}
	uiRefused(t, w, uiGet(t, w, "Bearer "+tr.AccessToken, nil), http.StatusUnauthorized, CodeInvalidToken, "grant that has ended")

	// Expiry on the AS's clock.
	w2 := newTestWorld(t)
	tr2 := uiTokens(t, w2, "openid", nil)
	uiClaims(t, uiGet(t, w2, "Bearer "+tr2.AccessToken, nil))
	if err := w2.Advance(w2.Policy().AccessTTL + time.Second); err != nil {
		t.Fatal(err)
	}
	uiRefused(t, w2, uiGet(t, w2, "Bearer "+tr2.AccessToken, nil), http.StatusUnauthorized, CodeInvalidToken, "expired")
}

// TestUserinfoMachineToken_OIDCCore_5_3_1: a client credentials token
// speaks for no user and has no openid scope: 403 insufficient_scope.
func TestUserinfoMachineToken_OIDCCore_5_3_1(t *testing.T) {
	w := newTestWorld(t)
	r := postForm(t, w, "/token", url.Values{"grant_type": {grantClientCredentials}}, http.Header{"Authorization": {"Basic " + dpopTestBasic(ClientService, serviceSecret)}})
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("client credentials: %d %s", r.status, r.body)
	}
	uiRefused(t, w, uiGet(t, w, "Bearer "+tr.AccessToken, nil), http.StatusForbidden, CodeInsufficientScope, "lacks openid")
}

// TestUserinfoDPoP_RFC9449_7: a DPoP-bound access token is good at
// userinfo only with the DPoP scheme and a proof from its key, with ath
// and htu for /userinfo (§4.3, §7.1); as Bearer it is refused (§7.2, a
// downgrade), and with another key's proof too.
func TestUserinfoDPoP_RFC9449_7(t *testing.T) {
	w := dpopTestWorld(t)
	at, _, _, _ := w.App().store.snapshot()
	key := w.App().dpop(false).key
	proof := func(k *dpopKey, jti, htu string) string {
		p, err := k.proof(http.MethodGet, htu, at, "", jti, w.env.clock.Wall())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	r := uiGet(t, w, "DPoP "+at, http.Header{"DPoP": {proof(key, "ui-1", Issuer+userinfoPath)}})
	if m := uiClaims(t, r); m["sub"] != DemoUser || m["name"] != "Alice Liddell" {
		t.Errorf("DPoP userinfo: %v", m)
	}
	uiRefused(t, w, uiGet(t, w, "Bearer "+at, nil), http.StatusUnauthorized, CodeInvalidToken, "with no proof")
	// A proof beside the Bearer scheme is not looked at, and the reason
	// says so rather than "no proof" (§7.1).
	uiRefused(t, w, uiGet(t, w, "Bearer "+at, http.Header{"DPoP": {proof(key, "ui-0", Issuer+userinfoPath)}}), http.StatusUnauthorized, CodeInvalidToken, "a DPoP proof beside it")
	other := dpopTestKey(t, 99)
	uiRefused(t, w, uiGet(t, w, "DPoP "+at, http.Header{"DPoP": {proof(other, "ui-2", Issuer+userinfoPath)}}), http.StatusUnauthorized, CodeInvalidToken, "not the one the token was issued to")
	uiRefused(t, w, uiGet(t, w, "DPoP "+at, http.Header{"DPoP": {proof(key, "ui-3", APIAudience+"/api/orders")}}), http.StatusUnauthorized, CodeInvalidDPoPProof, "userinfo endpoint refuses the DPoP proof: the proof was made for")
	uiRefused(t, w, uiGet(t, w, "DPoP "+at, http.Header{"DPoP": {proof(key, "ui-1", Issuer+userinfoPath)}}), http.StatusUnauthorized, CodeInvalidDPoPProof, "replayed")
}

// name is a profile claim (OIDC Core §5.4): the ID token carries it only
// when profile was granted, as userinfo answers it.
func TestIDTokenNameNeedsProfile_OIDCCore_5_4(t *testing.T) {
	w := newTestWorld(t)
	for scope, want := range map[string]bool{"openid profile": true, "openid orders:read": false} {
		tr := uiTokens(t, w, scope, nil)
		d, err := jose.Decode(tr.IDToken)
		if err != nil {
			t.Fatalf("%s: %v", scope, err)
		}
		if _, has := d.Claims["name"]; has != want {
			t.Errorf("scope %q: ID token has name: %v, want %v (%v)", scope, has, want, d.Claims)
		}
	}
}
