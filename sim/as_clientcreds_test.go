package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// ccForm is a client credentials token request; scope "" is omitted.
func ccForm(scope string) url.Values {
	f := url.Values{"grant_type": {grantClientCredentials}}
	if scope != "" {
		f.Set("scope", scope)
	}
	return f
}

// ccToken posts a client credentials request as the service actor with
// hdr as its authentication.
func ccToken(t testing.TB, w *World, scope string, hdr http.Header) reply {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range hdr {
		h[k] = v
	}
	return send(t, w, ActorService, http.MethodPost, Issuer+"/token", ccForm(scope).Encode(), h)
}

// RFC 6749 §4.4.2-4.4.3: a confidential client authenticated with
// client_secret_basic (§2.3.1) gets an access token, the §5.1 response, and
// no refresh token ("A refresh token SHOULD NOT be included"). No user, so
// no ID token, no family, no AS session.
func TestClientCredentialsIssuesAccessOnly_RFC6749_4_4_3(t *testing.T) {
	w := newTestWorld(t)
	r := ccToken(t, w, "orders:read", asBasic(ClientService, DemoServiceSecret))
	tk := asWantTokens(t, r)
	asNoStore(t, r)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["refresh_token"]; ok {
		t.Errorf("response carries refresh_token (RFC 6749 section 4.4.3: SHOULD NOT): %s", r.body)
	}
	if _, ok := raw["id_token"]; ok {
		t.Errorf("response carries an id_token, but no user authenticated: %s", r.body)
	}
	if tk.TokenType != "Bearer" || tk.Scope != "orders:read" || tk.ExpiresIn != int64(w.Policy().AccessTTL/time.Second) {
		t.Errorf("token_type %q scope %q expires_in %d", tk.TokenType, tk.Scope, tk.ExpiresIn)
	}
	snap := w.Inspect()
	if len(snap.Families) != 0 || snap.ASSession != nil {
		t.Errorf("families %v, AS session %v: a client credentials grant has neither", snap.Families, snap.ASSession)
	}
}

// RFC 6749 §3.3: a request without scope gets the client's pre-defined
// default.
func TestClientCredentialsDefaultScope_RFC6749_3_3(t *testing.T) {
	w := newTestWorld(t)
	tk := asWantTokens(t, ccToken(t, w, "", asBasic(ClientService, DemoServiceSecret)))
	if tk.Scope != "orders:read" {
		t.Errorf("scope = %q, want the default orders:read", tk.Scope)
	}
}

// RFC 9068 §2.2: for a grant with no resource owner, such as client
// credentials, sub identifies the client application; auth_time (§2.2.1),
// the end user's authentication time, is absent.
func TestClientCredentialsSubIsClient_RFC9068_2_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asWantTokens(t, ccToken(t, w, "orders:read orders:write", asBasic(ClientService, DemoServiceSecret)))
	var c AccessClaims
	tok := asVerify(t, w.Policy().Alg, tk.AccessToken, &c)
	if tok.Header["typ"] != jose.TypAccessToken {
		t.Errorf("typ = %v, want %s", tok.Header["typ"], jose.TypAccessToken)
	}
	if c.Subject != ClientService || c.ClientID != ClientService {
		t.Errorf("sub/client_id = %q/%q, want both %q", c.Subject, c.ClientID, ClientService)
	}
	if c.AuthTime != nil {
		t.Errorf("auth_time = %v: no end user authenticated", c.AuthTime)
	}
	if !slices.Equal([]string(c.Audience), []string{APIAudience}) || c.Scope != "orders:read orders:write" || c.ID == "" {
		t.Errorf("aud %v scope %q jti %q", c.Audience, c.Scope, c.ID)
	}
}

// RFC 6749 §4.4, §5.2: the refusals of the client credentials grant.
func TestClientCredentialsRefusals_RFC6749_5_2(t *testing.T) {
	for _, tc := range []struct {
		name      string
		scope     string
		hdr       http.Header
		body      url.Values // extra form fields
		status    int
		code      string
		challenge bool
		reason    string // in the exchange's reason
	}{
		{"wrong secret (2.3.1)", "orders:read", asBasic(ClientService, "nope"), nil, 401, CodeInvalidClient, true, ""},
		{"public client (4.4, 4.4.2: confidential clients only, and they must authenticate)", "orders:read", nil, url.Values{"client_id": {ClientSPA}}, 401, CodeInvalidClient, false, "no client authentication was included"},
		{"confidential client not registered for the grant", "orders:read", asBasic(ClientWeb, webSecret), nil, 400, CodeUnauthorizedClient, false, ""},
		{"resource server", "orders:read", asAPIAuth(), nil, 400, CodeUnauthorizedClient, false, ""},
		{"unknown scope", "orders:delete", asBasic(ClientService, DemoServiceSecret), nil, 400, CodeInvalidScope, false, ""},
		{"a user's scope, no user", "openid orders:read", asBasic(ClientService, DemoServiceSecret), nil, 400, CodeInvalidScope, false, ""},
		{"offline_access, no refresh token", "offline_access", asBasic(ClientService, DemoServiceSecret), nil, 400, CodeInvalidScope, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			f := ccForm(tc.scope)
			for k, v := range tc.body {
				f[k] = v
			}
			h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
			for k, v := range tc.hdr {
				h[k] = v
			}
			r := send(t, w, ActorService, http.MethodPost, Issuer+"/token", f.Encode(), h)
			asWantError(t, r, tc.status, tc.code)
			if got := r.header.Get("WWW-Authenticate"); tc.challenge != strings.HasPrefix(got, `Basic realm="`) {
				t.Errorf("WWW-Authenticate = %q, want a Basic challenge: %v", got, tc.challenge)
			}
			if e := asLastExchange(t, w, "/token"); e.Error != tc.code || e.Reason == "" || !strings.Contains(e.Reason, tc.reason) {
				t.Errorf("event: error %q reason %q, want %q and a reason with %q", e.Error, e.Reason, tc.code, tc.reason)
			}
			if n := len(w.Inspect().Tokens); n != 0 {
				t.Errorf("%d tokens held after a refusal", n)
			}
		})
	}
}

// RFC 6750 §3.1 with RFC 9068 §2.2: the API accepts the service's token
// for the endpoints its scope covers, says no user stands behind it, and
// refuses the rest with insufficient_scope.
func TestClientCredentialsTokenAtAPI_RFC6750_3_1(t *testing.T) {
	w := newTestWorld(t)
	if o := w.Service().Token("orders:read"); !o.OK() {
		t.Fatalf("service token: %+v", o)
	}
	o := w.Service().Call(http.MethodGet, "/api/orders")
	if o.Status != 200 || !strings.Contains(o.Reason, "no user") {
		t.Errorf("GET /api/orders: %+v, want 200 and a reason saying there is no user", o)
	}
	if e := asLastExchange(t, w, "/api/orders"); e.From != ActorService || !strings.Contains(e.Summary, "client service itself, no user") {
		t.Errorf("exchange from %s, summary %q", e.From, e.Summary)
	}
	if o := w.Service().Call(http.MethodPost, "/api/orders"); o.Status != 403 || o.Error != CodeInsufficientScope {
		t.Errorf("POST /api/orders with orders:read only: %+v, want 403 insufficient_scope", o)
	}
	if o := w.Service().Call(http.MethodGet, "/api/profile"); o.Status != 403 {
		t.Errorf("GET /api/profile (a user's profile): %+v, want 403", o)
	}
}

// RFC 6749 §4.4.3: with no refresh token, a service whose token expired
// asks again with its credentials: a second client_credentials grant, a new
// access token, and never the refresh grant.
func TestServiceAsksAgainAfterExpiry_RFC6749_4_4_3(t *testing.T) {
	w := newTestWorld(t)
	if o := w.Service().Token(""); !o.OK() {
		t.Fatalf("service token: %+v", o)
	}
	first := w.Inspect().Tokens
	if len(first) != 1 || first[0].Holder != ActorService {
		t.Fatalf("tokens held: %+v, want the service's one", first)
	}
	if err := w.Advance(w.Policy().AccessTTL + w.Policy().Leeway + time.Second); err != nil {
		t.Fatal(err)
	}
	if o := w.Service().Call(http.MethodGet, "/api/orders"); o.Status != 200 {
		t.Fatalf("call after expiry: %+v, want 200 after asking again", o)
	}
	grants := 0
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.Status == http.StatusUnauthorized {
			t.Errorf("%s %s answered 401: the service knew its token had expired (expires_in) and should have asked first", e.Method, e.Path)
		}
		if e.Kind == KindExchange && e.Path == "/token" {
			grants++
			if e.From != ActorService || e.Status != 200 {
				t.Errorf("token exchange %+v", e)
			}
		}
	}
	if grants != 2 {
		t.Errorf("%d token requests, want 2: the first and the one after expiry", grants)
	}
	now := w.Inspect().Tokens
	if len(now) != 1 || now[0].Label == first[0].Label || now[0].State != StateActive {
		t.Errorf("after asking again: %+v, want one new active token (was %s)", now, first[0].Label)
	}
}

// RFC 6750 §3.1: a 401 invalid_token before exp (here: the service revoked
// its own token, RFC 7009, and the API introspects) is met by asking the
// AS again and retrying once, not by a refresh.
func TestServiceAsksAgainAfter401_RFC6750_3_1(t *testing.T) {
	w := newTestWorld(t)
	if err := w.Set("api_mode", string(ModeIntrospect)); err != nil {
		t.Fatal(err)
	}
	if o := w.Service().Token(""); !o.OK() {
		t.Fatalf("service token: %+v", o)
	}
	h := asBasic(ClientService, DemoServiceSecret)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := send(t, w, ActorService, http.MethodPost, Issuer+"/revoke", url.Values{"token": {w.Inspect().Tokens[0].Value}}.Encode(), h); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if o := w.Service().Call(http.MethodGet, "/api/orders"); o.Status != 200 {
		t.Fatalf("call after revocation: %+v, want 200 after asking again", o)
	}
	var got []int
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && (e.Path == "/token" || e.Path == "/api/orders") {
			got = append(got, e.Status)
		}
	}
	if want := []int{200, 401, 200, 200}; !slices.Equal(got, want) {
		t.Errorf("token, call, token, call statuses = %v, want %v", got, want)
	}
}

// The first-party topology has no AS a machine could ask: the service says
// so instead of sending a request nowhere.
func TestServiceNeedsAnAS(t *testing.T) {
	w := newTestWorld(t, func(c *Config) { c.Topology = TopologyFirstParty })
	if o := w.Service().Token(""); o.OK() || !strings.Contains(o.Reason, "first-party") {
		t.Errorf("service in a first-party world: %+v", o)
	}
}
