package main

import (
	"strings"
	"testing"

	"github.com/tokensim/tokensim/sim"
)

// TestPresetsCommand: issue 12 section 4. `tokensim presets` lists every
// preset, the new vendors among them; shows no refresh lifetime for an app
// that gets no refresh token (spring gives a public client none,
// spring-authorization-server gh-297; google gives a browser app none,
// developers.google.com/identity/protocols/oauth2); shows both kinds of
// Keycloak refresh token; and labels approximations and unverified figures.
func TestPresetsCommand(t *testing.T) {
	code, out, errs := cli(t, "", "presets")
	if code != 0 || errs != "" {
		t.Fatalf("presets: %d %s", code, errs)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			if _, seen := rows[f[0]]; !seen {
				rows[f[0]] = line
			}
		}
	}
	for _, p := range sim.Presets() {
		if _, ok := rows[p.Name]; !ok {
			t.Errorf("no row for %s:\n%s", p.Name, out)
		}
	}
	for name, want := range map[string][]string{
		"spring":             {"none to a single-page app; web app: 1h absolute"},
		"google":             {"none to a single-page app; web app: 183d idle"},
		"keycloak":           {"offline token: 30d idle, no maximum; without offline_access: 10h absolute, 30m idle"},
		"entra":              {"1h15m", "24h absolute", "a new refresh token each use; the old one stays valid"},
		"cognito":            {"30d absolute; issued without offline_access too", "no rotation: the same token is used again"},
		"dex":                {"24h", "no expiry", "a replay is refused, the family lives on"},
		"duende":             {"30d absolute", "no rotation: the same token is used again"},
		"node-oidc-provider": {"14d absolute", "reuse revokes the family and its access tokens"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[name], w) {
				t.Errorf("%s row lacks %q: %q", name, w, rows[name])
			}
		}
	}
	// No lifetime before "none": the single-page app's column starts with it.
	for _, name := range []string{"spring", "google"} {
		f := strings.Fields(rows[name])
		if len(f) < 3 || f[2] != "none" {
			t.Errorf("%s: the refresh column does not start with none: %q", name, rows[name])
		}
	}
	for _, want := range []string{
		"approximated: access tokens live a random 60-90 min; modelled as the 75 min average",
		"unverified: the grace period when rotation is turned on",
		"not modelled: at most 100 live refresh tokens per Google Account and client",
		"7-day refresh tokens for external apps in testing status",
		"approximated: a session-bound refresh token dies with the SSO session",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("presets output lacks %q", want)
		}
	}
}

// TestCompareNewPresets: the new presets run in `compare`, and the
// per-preset summary, each preset with its three browser architectures
// (the presets lesson's attacker is an injected script), stays aligned.
func TestCompareNewPresets(t *testing.T) {
	code, out, errs := cli(t, "", "compare", "presets", "--presets", "entra,cognito,dex,duende,node-oidc-provider")
	if code != 0 {
		t.Fatalf("compare: %d %s", code, errs)
	}
	for _, want := range []string{
		"  entra\n    browser-only (local-storage)  never stopped by the AS",
		"  dex\n    browser-only (local-storage)  never stopped by the AS",
		"  node-oidc-provider\n    browser-only (local-storage)  refresh token stopped at step 7",
		"\n    backend-for-frontend (BFF)    never held a refresh token: the tokens stay on the BFF",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("compare lacks %q:\n%s", want, out)
		}
	}
}

// TestServeBannerFollowsPreset: the curl walk-through's refresh and replay
// steps say what the preset does: no refresh token in the answer without
// rotation (keycloak; sim/rotation.go omits it), a new one with the old
// still valid under entra (Microsoft: "doesn't revoke old refresh
// tokens"), a refused replay that leaves the family alive under dex.
func TestServeBannerFollowsPreset(t *testing.T) {
	for preset, want := range map[string][]string{
		"tokensim": {"5. Refresh: the answer carries a new refresh token; keep it (rotation)", "its whole family is revoked"},
		"keycloak": {"5. Refresh: without rotation the answer carries no refresh token", "without rotation it is the same token, and it still works"},
		"entra":    {"the one you sent stays valid too", "6. Replay the old refresh token: it still works"},
		"dex":      {"keep it (rotation)", "invalid_grant; reuse detection is off, so the family lives on"},
	} {
		srv, err := serveOpts{preset: preset, speed: 1, format: "text"}.server("http://127.0.0.1:8080")
		if err != nil {
			t.Fatal(err)
		}
		g := srv.Guide()
		for _, s := range want {
			if !strings.Contains(g, s) {
				t.Errorf("%s: the walk-through lacks %q:\n%s", preset, s, g)
			}
		}
	}
}
