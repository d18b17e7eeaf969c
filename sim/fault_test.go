package sim

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A lesson world signs with the committed demo keys: rotation and
// retirement are refused (the served world's rotation is tested over HTTP
// in package serve), and the JWKS is unchanged.
func TestLessonWorldKeepsItsKeys(t *testing.T) {
	w := newTestWorld(t)
	if _, _, err := w.RotateKeys(); !errors.Is(err, ErrFault) {
		t.Errorf("RotateKeys in a lesson world: %v, want ErrFault", err)
	}
	if _, _, err := w.RetireKeys(); !errors.Is(err, ErrFault) {
		t.Errorf("RetireKeys with nothing rotated: %v, want ErrFault", err)
	}
	if got := len(w.env.oldJWKs()); got != 0 {
		t.Errorf("%d old keys published", got)
	}
}

// ExpireAccessTokens in any world: the API refuses a token it would
// otherwise accept, whatever its validation path, with the operator's
// reason; a refresh then recovers (RFC 6749 §6).
func TestExpireAccessTokens(t *testing.T) {
	w := newTestWorld(t)
	if o := w.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	if o := w.App().Call(http.MethodGet, "/api/orders"); !o.OK() {
		t.Fatalf("call: %+v", o)
	}
	if n := w.ExpireAccessTokens(); n != 1 {
		t.Fatalf("ExpireAccessTokens ended %d, want 1", n)
	}
	// The app calls, is refused with the operator's reason, refreshes, and
	// calls again with the new token.
	o := w.App().Call(http.MethodGet, "/api/orders")
	refused := false
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.To == ActorAPI && e.Status == http.StatusUnauthorized && strings.Contains(e.Reason, "operator expired every access token") {
			refused = true
		}
	}
	if !refused || !o.OK() {
		t.Errorf("after ExpireAccessTokens: refused with the reason %v, final call %+v", refused, o)
	}
}

// Unknown users and bad token faults are refused with sentinels.
func TestFaultRefusals(t *testing.T) {
	w := newTestWorld(t)
	if _, err := w.RevokeUserGrants("mallory"); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("RevokeUserGrants(mallory): %v", err)
	}
	if _, _, err := w.ReplayRefresh("mallory"); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("ReplayRefresh(mallory): %v", err)
	}
	if _, _, err := w.ReplayRefresh(DemoUser); !errors.Is(err, ErrFault) {
		t.Errorf("ReplayRefresh with no family: %v", err)
	}
	for _, c := range []struct {
		n    int
		mode string
		d    int64
	}{{0, faultInvalidGrant, 0}, {maxFaultRequests + 1, fault500, 0}, {1, "nope", 0}, {1, faultDelay, 0}, {1, faultDelay, int64(maxFaultDelay) + 1}, {1, fault503, 1}} {
		if err := w.FailTokenRequests(c.n, c.mode, time.Duration(c.d)); !errors.Is(err, ErrFault) {
			t.Errorf("FailTokenRequests(%d, %q, %d): %v", c.n, c.mode, c.d, err)
		}
	}
}
