package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDPoPBindsFamilyAtFirstProof: RFC 9449 §5, checklist item 67. A
// public client that logged in before it had a DPoP key gets its refresh
// tokens bound at its first refresh with a proof; from then on a stolen
// refresh token without that key is refused, and revokes nothing.
func TestDPoPBindsFamilyAtFirstProof(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	lifeLogin(t, w, "") // no key yet: the family is unbound
	lifeSet(t, w, "dpop", "true")
	lifeAdvance(t, w, 16*time.Minute)
	lifeOK(t, "the app's first refresh with a proof", w.App().Refresh(), http.StatusOK)
	if got := w.Attacker().Steal(SourceScript, TokenRefresh); got.Error != "" {
		t.Fatalf("steal: %+v", got)
	}
	lifeFail(t, "the attacker's refresh with its own key", w.Attacker().Refresh(), http.StatusBadRequest, CodeInvalidGrant, "bound")
	lifeAdvance(t, w, 16*time.Minute)
	lifeOK(t, "the app carries on", w.App().Refresh(), http.StatusOK)
}

// TestDPoPSchemeWhenOff: an API with dpop off that receives the DPoP
// scheme answers as for no credentials (RFC 6750 §3.1: a bare Bearer
// challenge), and says why in words: the scheme, not a missing token.
func TestDPoPSchemeWhenOff(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	at, _ := lifeLogin(t, w, "")
	r := send(t, w, ActorApp, http.MethodGet, APIAudience+"/api/orders", "", http.Header{"Authorization": {"DPoP " + at}})
	if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != `Bearer realm="api"` {
		t.Fatalf("DPoP scheme at a Bearer-only API: %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	ev := w.Log().Events()
	if last := ev[len(ev)-1]; !strings.Contains(last.Reason, "DPoP scheme") {
		t.Fatalf("reason %q", last.Reason)
	}
}
