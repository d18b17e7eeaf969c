package sim

import (
	"net/http"
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
	lifeFail(t, "the attacker's refresh with its own key", w.Attacker().Refresh(), http.StatusBadRequest, ErrInvalidGrant, "bound")
	lifeAdvance(t, w, 16*time.Minute)
	lifeOK(t, "the app carries on", w.App().Refresh(), http.StatusOK)
}
