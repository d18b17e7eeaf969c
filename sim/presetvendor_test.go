package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRotationKeepsOld: Microsoft Entra ID. "Refresh tokens replace
// themselves with a fresh token upon every use. The Microsoft identity
// platform doesn't revoke old refresh tokens when used to fetch new access
// tokens", and a single-page app's later refresh tokens "carry over" the
// 24 h expiration of the first (learn.microsoft.com/entra/
// identity-platform/refresh-tokens). Each refresh brings a new token, the
// one presented stays active, presenting it again works (no reuse to
// detect), and every token of the family dies at login + 24 h.
func TestRotationKeepsOld(t *testing.T) {
	w := lifeWorld(t, "entra")
	_, rt1 := lifeLogin(t, w, "")
	loginAt := w.Clock().Now()
	n := w.Log().Len()
	lifeOK(t, "refresh", w.App().Refresh(), http.StatusOK)
	_, rt2 := lifeHeld(w)
	if rt2 == "" || rt2 == rt1 {
		t.Fatal("no new refresh token on use")
	}
	said := false
	for _, e := range lifeEvents(w, n, KindIssued) {
		said = said || (e.Token == "rt-2" && strings.Contains(e.Summary, "issued for rt-1, which stays valid"))
	}
	if !said {
		t.Fatal("no issue event says rt-1 stays valid")
	}
	if len(lifeEvents(w, n, KindRotated)) != 0 {
		t.Fatal("a token was retired")
	}
	f := lifeFamily(t, w, "f-1")
	if r1 := lifeRT(t, f, "rt-1"); r1.State != StateActive {
		t.Fatalf("rt-1 after use: %+v", r1)
	}
	// The old token, presented again an hour later by anyone, still works.
	lifeAdvance(t, w, time.Hour)
	lifeOK(t, "steal rt-2", w.Attacker().Steal(SourceScript, TokenRefresh), 0)
	lifeOK(t, "the thief refreshes with rt-2", w.Attacker().Refresh(), http.StatusOK)
	raw := rt1
	resp := postRefresh(t, w, raw)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("rt-1 presented again: %d", resp.StatusCode)
	}
	if f := lifeFamily(t, w, "f-1"); f.RevokedWhy != "" || !f.AbsExpiry.Equal(loginAt.Add(24*time.Hour)) {
		t.Fatalf("family %+v", f)
	}
	// Not sliding: at login + 24 h every one of them is refused.
	lifeAdvance(t, w, 23*time.Hour)
	if resp := postRefresh(t, w, raw); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("rt-1 after 24 h: %d", resp.StatusCode)
	}
	lifeFail(t, "the app after 24 h", w.App().Refresh(), 400, CodeInvalidGrant, "absolute lifetime")
}

// postRefresh sends a refresh_token grant for the single-page app straight
// to the AS, as anyone holding raw could.
func postRefresh(t *testing.T, w *World, raw string) *http.Response {
	t.Helper()
	c := w.wire.Client(ActorAttacker)
	resp, err := c.PostForm(Issuer+"/token", map[string][]string{
		"grant_type": {"refresh_token"}, "refresh_token": {raw}, "client_id": {ClientSPA}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestOfflineTokens: Keycloak. With offline_access the login gets an
// offline token that ignores SSO Session Idle/Max: Offline Session Idle
// 30 d, no maximum unless "Offline Session Max Limited" (Constants.java
// DEFAULT_OFFLINE_SESSION_IDLE_TIMEOUT 2592000; Server Administration
// Guide, "Offline access"). Without it, a session-bound refresh token,
// dead after 1,800 s idle (checked in TestLifeIdleLifetime) or 36,000 s in
// all (TestLifeAbsoluteLifetime).
func TestOfflineTokens(t *testing.T) {
	w := lifeWorld(t, "keycloak")
	lifeLogin(t, w, "")
	f := lifeFamily(t, w, "f-1")
	if !f.Offline || !f.AbsExpiry.IsZero() {
		t.Fatalf("offline_access: %+v", f)
	}
	// Beyond SSO Session Max (10 h) and Idle (30 min): still good.
	for range 4 {
		lifeAdvance(t, w, 29*day)
		lifeOK(t, "offline refresh after 29 days", w.App().Refresh(), http.StatusOK)
	}
	lifeAdvance(t, w, 30*day)
	lifeFail(t, "offline refresh after 30 days idle", w.App().Refresh(), 400, CodeInvalidGrant, "offline idle lifetime is 30d")
	// Offline Session Max Limited: an absolute lifetime of its own.
	w = lifeWorld(t, "keycloak")
	lifeSet(t, w, "offline_absolute", "60d")
	lifeLogin(t, w, "")
	if f := lifeFamily(t, w, "f-1"); !f.AbsExpiry.Equal(w.Clock().Now().Add(60 * day)) {
		t.Fatalf("offline max: %s", f.AbsExpiry)
	}
}

// TestRefreshIssuance: who gets a refresh token at login, per preset.
// Spring Authorization Server: none to a public client (gh-296, PR #379).
// Google: none to a browser-only (JavaScript) client, one to web-server and
// installed apps (developers.google.com/identity/protocols/oauth2).
// Keycloak and Cognito: one without offline_access too (Keycloak's
// session-bound refresh token; Cognito's code grant "returns ID, access,
// and refresh tokens"). The others only with offline_access (OIDC Core
// §11).
func TestRefreshIssuance(t *testing.T) {
	const noOffline = "openid profile orders:read"
	for _, c := range []struct {
		preset, scope string
		client        ClientKind
		want          bool
	}{
		{"spring", "", KindSPA, false}, {"spring", "", KindWeb, true},
		{"google", "", KindSPA, false}, {"google", "", KindWeb, true},
		{"tokensim", "", KindSPA, true}, {"tokensim", noOffline, KindSPA, false},
		{"keycloak", "", KindSPA, true}, {"keycloak", noOffline, KindSPA, true},
		{"cognito", noOffline, KindSPA, true}, {"dex", noOffline, KindSPA, false},
		{"duende", noOffline, KindSPA, false}, {"node-oidc-provider", noOffline, KindSPA, false},
		{"entra", noOffline, KindSPA, false}, {"entra", "", KindSPA, true},
	} {
		w := lifeWorld(t, c.preset, func(cfg *Config) { cfg.Client = c.client })
		_, rt := lifeLogin(t, w, c.scope)
		if (rt != "") != c.want {
			t.Errorf("%s, %s client, scope %q: refresh token issued %t, want %t", c.preset, c.client, c.scope, rt != "", c.want)
		}
		if got, _ := w.Policy().IssuesRefresh(c.client, c.scope == ""); got != c.want {
			t.Errorf("%s: IssuesRefresh(%s) = %t, the AS did %t", c.preset, c.client, got, c.want)
		}
	}
	// An installed (native) public client is no browser: Google gives it
	// one (serve mode's CLI client).
	google, _ := LookupPreset("google")
	if issue, _ := google.Policy.issuesRefresh(true, false, true); !issue {
		t.Error("google: no refresh token for an installed app")
	}
	if issue, _ := google.Policy.issuesRefresh(true, true, true); issue {
		t.Error("google: a refresh token for a browser app")
	}
}

// TestDescribePresets: the words `tokensim presets` prints come from the
// engine's own rule: no lifetime for a token that is not issued (spring,
// google), both kinds of Keycloak token, Entra's kept old token, Dex's
// refusal without revocation.
func TestDescribePresets(t *testing.T) {
	for _, c := range []struct {
		preset         string
		kind           ClientKind
		refresh, rotat string
	}{
		{"spring", KindSPA, "none", "no rotation: the same token is used again"},
		{"spring", KindWeb, "1h absolute", "no rotation: the same token is used again"},
		{"google", KindSPA, "none", "no rotation: the same token is used again"},
		{"google", KindWeb, "183d idle, no maximum", "no rotation: the same token is used again"},
		{"keycloak", KindSPA, "offline token: 30d idle, no maximum; without offline_access: 10h absolute, 30m idle", "no rotation: the same token is used again"},
		{"cognito", KindSPA, "30d absolute; issued without offline_access too", "no rotation: the same token is used again"},
		{"entra", KindSPA, "24h absolute", "a new refresh token each use; the old one stays valid"},
		{"dex", KindSPA, "no expiry", "rotation; a replay is refused, the family lives on"},
		{"okta", KindSPA, "90d absolute", "rotation (grace 30s); reuse revokes the family and its access tokens"},
		{"tokensim", KindSPA, "30d absolute, 7d idle", "rotation; reuse revokes the family and its access tokens"},
		{"auth0", KindSPA, "30d absolute", "rotation; reuse revokes the family"},
	} {
		p, err := LookupPreset(c.preset)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Policy.DescribeRefresh(c.kind); got != c.refresh {
			t.Errorf("%s %s refresh: %q, want %q", c.preset, c.kind, got, c.refresh)
		}
		if got := p.Policy.DescribeRotation(); got != c.rotat {
			t.Errorf("%s rotation: %q, want %q", c.preset, got, c.rotat)
		}
	}
}
