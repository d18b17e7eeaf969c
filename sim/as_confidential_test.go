package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRefreshConfidentialWithoutSecretRFC6749Sec6Sec10_4: a refresh token
// of a confidential client, stolen off the network, is refused at the token
// endpoint with 401 invalid_client (RFC 6749 §5.2) because the AS must
// authenticate a confidential client on the refresh grant (§6) and the
// token is bound to that client (§10.4). The reason says so, and says that
// the token was not examined: its state, its last use and its family are as
// before, and no reuse is detected.
func TestRefreshConfidentialWithoutSecretRFC6749Sec6Sec10_4(t *testing.T) {
	w := lifeWorld(t, "", func(c *Config) { c.Client = KindWeb })
	_, rt := lifeLogin(t, w, "")
	lifeOK(t, "network steal", w.Attacker().Steal(SourceNetwork, TokenRefresh), 0)
	before := lifeRT(t, lifeFamily(t, w, "f-1"), "rt-1")
	if err := w.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	n := w.Log().Len()
	o := w.Attacker().Refresh()
	lifeFail(t, "thief refreshes as client web without its secret", o, http.StatusUnauthorized, CodeInvalidClient,
		"confidential", "section 6", "section 10.4", "needs its secret", "not examined")
	x := lifeExchanges(w, n, ActorAttacker, "/token")
	if len(x) != 1 {
		t.Fatalf("%d attacker requests to /token", len(x))
	}
	req := x[0].Exchange.Request
	if !strings.Contains(req.Body, "refresh_token="+rt) || !strings.Contains(req.Body, "client_id="+ClientWeb) ||
		strings.Contains(req.Body, "client_secret") || req.Header.Get("Authorization") != "" {
		t.Fatalf("the thief should present the stolen token and the client's id, and no secret: %q %v", req.Body, req.Header)
	}
	after := lifeRT(t, lifeFamily(t, w, "f-1"), "rt-1")
	if after != before || len(lifeEvents(w, n, KindReuse)) != 0 || len(lifeEvents(w, n, KindRotated)) != 0 {
		t.Fatalf("the refused request changed the token: before %+v, after %+v", before, after)
	}
}

// TestRefreshPublicClientStolenTokenWorksRFC9700Sec4_14_2: the same theft
// from a public client (the single-page app) succeeds: its client_id is no
// secret (RFC 6749 §2.1, §10.1), so possession of the refresh token is
// enough; only rotation with reuse detection or sender-constraint (RFC 9700
// §4.14.2) can catch or stop it.
func TestRefreshPublicClientStolenTokenWorksRFC9700Sec4_14_2(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeOK(t, "network steal", w.Attacker().Steal(SourceNetwork, TokenRefresh), 0)
	lifeOK(t, "thief refreshes as the public client", w.Attacker().Refresh(), http.StatusOK)
	if !w.Attacker().Holds(TokenAccess) {
		t.Fatal("the thief got no access token")
	}
}

// TestNoSecretReasonOutsideRefreshRFC6749Sec2_3_1: the refresh-specific
// explanation is given on the refresh grant only; elsewhere (another
// grant, the revocation endpoint) the reason cites client authentication
// itself (§2.3.1) and says nothing of refresh tokens.
func TestNoSecretReasonOutsideRefreshRFC6749Sec2_3_1(t *testing.T) {
	web := defaultClients()[ClientWeb]
	for _, f := range []form{{"grant_type": "authorization_code"}, {"token": "x"}} {
		why := noSecretReason(web, f)
		if !strings.Contains(why, "section 2.3.1") || strings.Contains(why, "refresh") {
			t.Fatalf("%v: %q", f, why)
		}
	}
	if why := noSecretReason(web, form{"grant_type": "refresh_token"}); !strings.Contains(why, "section 6") {
		t.Fatalf("refresh: %q", why)
	}
}

// TestAttackerViewConfidentialRefreshRFC6749Sec6: the snapshot's account of
// what the attacker can do does not claim that a confidential client's
// stolen refresh token mints access tokens: without the client's secret it
// cannot (RFC 6749 §6, §10.4). A public client's can (RFC 9700 §4.14.2).
func TestAttackerViewConfidentialRefreshRFC6749Sec6(t *testing.T) {
	for _, tc := range []struct {
		client ClientKind
		want   string
	}{
		{KindWeb, "rt-1, a confidential client's refresh token, which the token endpoint takes only with the client's secret"},
		{KindSPA, "mint new access tokens at the token endpoint with rt-1"},
	} {
		w := lifeWorld(t, "", func(c *Config) { c.Client = tc.client })
		lifeLogin(t, w, "")
		lifeOK(t, "network steal", w.Attacker().Steal(SourceNetwork, TokenRefresh), 0)
		if got := w.Inspect().Attacker.Summary; !strings.Contains(got, tc.want) {
			t.Errorf("%s: attacker summary %q, want %q", tc.client, got, tc.want)
		}
	}
}
