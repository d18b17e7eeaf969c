package sim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Pushed revocation (api_pushed.go): RFC 8417 SETs pushed per RFC 8935,
// carrying the OpenID CAEP 1.0 §3.1 session-revoked event.

// pushedWorld is a logged-in world with api_mode=pushed and the given
// push_delay, whose attacker holds the access token and has used it once.
func pushedWorld(t *testing.T, delay string) *World {
	t.Helper()
	w := newTestWorld(t)
	for k, v := range map[string]string{"api_mode": "pushed", "push_delay": delay} {
		if err := w.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	login(t, w)
	if o := w.Attacker().Steal(SourceScript, TokenAccess); !o.OK() {
		t.Fatalf("steal: %+v", o)
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusOK {
		t.Fatalf("before logout: %+v", o)
	}
	return w
}

// pushes returns the push exchanges the AS made to the API.
func pushes(w *World) []Event {
	var out []Event
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.From == ActorAS && e.To == ActorAPI && e.Path == pushPath {
			out = append(out, e)
		}
	}
	return out
}

// RFC 8935 §2: the AS POSTs the SET with Content-Type
// application/secevent+jwt and the API answers 202 Accepted; the API then
// refuses the revoked token at once (invalid_token, RFC 6750 §3.1), with
// one push for the revocation and no call to the AS per request.
func TestPushedRevocationRefusesAtOnce_RFC8935_2(t *testing.T) {
	w := pushedWorld(t, "0")
	if o := w.App().Logout(); !o.OK() {
		t.Fatalf("logout: %+v", o)
	}
	for i := 1; i <= 3; i++ {
		o := w.Attacker().CallAPI(http.MethodGet, "/api/profile")
		if o.Status != http.StatusUnauthorized || o.Error != CodeInvalidToken || !strings.Contains(o.Reason, "session-revoked") {
			t.Fatalf("call %d after logout: %+v, want 401 invalid_token naming the pushed session-revoked event", i, o)
		}
	}
	ps := pushes(w)
	if len(ps) != 1 {
		t.Fatalf("%d pushes for one revoked access token over three calls, want 1", len(ps))
	}
	p := ps[0].Exchange
	if ct := p.Request.Header.Get("Content-Type"); ct != "application/secevent+jwt" {
		t.Errorf("push Content-Type %q, want application/secevent+jwt (RFC 8935 §2.1)", ct)
	}
	if p.Request.Method != http.MethodPost || p.Response.Status != http.StatusAccepted {
		t.Errorf("push %s answered %d, want POST answered 202 (RFC 8935 §2.2)", p.Request.Method, p.Response.Status)
	}
	if n := w.Counts().Introspections; n != 0 {
		t.Errorf("%d introspections, want 0: the push replaces asking", n)
	}
}

// RFC 8417 §2.2, §2.3: the SET is a JWT typed secevent+jwt with iss, aud,
// iat, jti and an events claim keyed by the event type URI.
func TestPushedSETClaims_RFC8417_2_2(t *testing.T) {
	w := pushedWorld(t, "0")
	if o := w.App().Logout(); !o.OK() {
		t.Fatalf("logout: %+v", o)
	}
	w.Attacker().CallAPI(http.MethodGet, "/api/profile")
	ps := pushes(w)
	if len(ps) != 1 {
		t.Fatalf("%d pushes, want 1", len(ps))
	}
	parts := strings.Split(ps[0].Exchange.Request.Body, ".")
	if len(parts) != 3 {
		t.Fatalf("push body is not a JWS compact serialization: %q", ps[0].Exchange.Request.Body)
	}
	var hdr map[string]any
	var claims struct {
		Iss    string                     `json:"iss"`
		Aud    []string                   `json:"aud"`
		Iat    int64                      `json:"iat"`
		Jti    string                     `json:"jti"`
		Events map[string]json.RawMessage `json:"events"`
	}
	for i, v := range []any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	if hdr["typ"] != "secevent+jwt" {
		t.Errorf("typ %v, want secevent+jwt (RFC 8417 §2.3)", hdr["typ"])
	}
	if claims.Iss != Issuer || len(claims.Aud) != 1 || claims.Aud[0] != APIAudience || claims.Iat == 0 || claims.Jti == "" {
		t.Errorf("SET claims %+v: want iss, aud of the API, iat and jti (RFC 8417 §2.2)", claims)
	}
	if _, ok := claims.Events["https://schemas.openid.net/secevent/caep/event-type/session-revoked"]; !ok || len(claims.Events) != 1 {
		t.Errorf("events %v, want exactly the CAEP session-revoked event (CAEP 1.0 §3.1)", claims.Events)
	}
}

// push_delay: until the event arrives the API checks locally and accepts
// the revoked token; the push goes out at the first clock advance or API
// request at or after revocation + delay, and from then on it is refused.
func TestPushedDelayWindow(t *testing.T) {
	w := pushedWorld(t, "2m")
	if o := w.App().Logout(); !o.OK() {
		t.Fatalf("logout: %+v", o)
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusOK {
		t.Fatalf("right after logout, before the event: %+v, want 200", o)
	}
	if err := w.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusOK || len(pushes(w)) != 0 {
		t.Fatalf("1m after logout (delay 2m): %+v with %d pushes, want 200 and none", o, len(pushes(w)))
	}
	if w.PendingPushes() != 1 {
		t.Errorf("pending pushes %d, want 1", w.PendingPushes())
	}
	if s := w.Inspect().Attacker.Summary; !strings.Contains(s, "until the pushed revocation event reaches it") {
		t.Errorf("attacker summary before the event: %q, want it to say the token works until the event arrives", s)
	}
	if err := w.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := len(pushes(w)); n != 1 {
		t.Fatalf("%d pushes at revocation + delay, want 1", n)
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusUnauthorized || o.Error != CodeInvalidToken {
		t.Fatalf("after the event arrived: %+v, want 401 invalid_token", o)
	}
	if s := w.Inspect().Attacker.Summary; strings.Contains(s, "call the API") {
		t.Errorf("attacker summary after the event: %q, want no API access", s)
	}
}

// RFC 8417 §2.3 and RFC 8935 §2.4: the API acts only on a SET the AS
// signed and typed as a SET; anything else is refused with 400 and changes
// nothing.
func TestPushedRefusesForgedSET_RFC8935_2_4(t *testing.T) {
	w := pushedWorld(t, "0")
	at, _, _, _ := w.App().store.snapshot()
	// A correctly signed JWT of another type: the access token itself.
	for _, body := range []string{"a.b.c", at} {
		h := http.Header{"Content-Type": {"application/secevent+jwt"}}
		if r := send(t, w, ActorAttacker, http.MethodPost, APIAudience+pushPath, body, h); r.status != http.StatusBadRequest {
			t.Errorf("push of %.12s…: status %d, want 400", body, r.status)
		}
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/profile"); o.Status != http.StatusOK {
		t.Errorf("after refused pushes: %+v, want 200", o)
	}
}

// RFC 8935 §2: a push goes to the receiver the event concerns. The
// billing API's access token (RFC 8707, obtained with resource) is revoked
// with the family at logout; its event goes to billing, not to the main
// API, and billing refuses the token at once.
func TestPushedReachesEachAPI_RFC8935_2(t *testing.T) {
	w := pushedWorld(t, "0")
	if o := w.App().RefreshFor(APIBAudience, ""); !o.OK() {
		t.Fatalf("refresh for billing: %+v", o)
	}
	billing := w.App().heldFor(APIBAudience)
	if o := w.App().bearer(APIBAudience+"/api/orders", http.MethodGet, billing); o.Status != http.StatusOK {
		t.Fatalf("billing before logout: %+v", o)
	}
	if o := w.App().Logout(); !o.OK() {
		t.Fatalf("logout: %+v", o)
	}
	o := w.App().bearer(APIBAudience+"/api/orders", http.MethodGet, billing)
	if o.Status != http.StatusUnauthorized || !strings.Contains(o.Reason, "session-revoked") {
		t.Fatalf("billing after logout: %+v, want 401 naming the pushed event", o)
	}
	toBilling := 0
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.From == ActorAS && e.Path == pushPath && e.To == ActorBilling {
			toBilling++
		}
	}
	if toBilling != 1 {
		t.Errorf("%d pushes reached billing, want 1 (its token's event)", toBilling)
	}
}
