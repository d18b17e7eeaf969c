package sim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// Refresh grant tests (RFC 6749 §6; RFC 9700 §4.14.2; OIDC Core §12):
// checklist items 22–30.

// asWorldWith makes a world whose default policy is changed by the knobs
// (name, value pairs).
func asWorldWith(t testing.TB, kv ...string) *World {
	t.Helper()
	w := newTestWorld(t)
	for i := 0; i < len(kv); i += 2 {
		if err := w.Set(kv[i], kv[i+1]); err != nil {
			t.Fatalf("Set(%s, %s): %v", kv[i], kv[i+1], err)
		}
	}
	return w
}

func asAdvance(t testing.TB, w *World, d time.Duration) {
	t.Helper()
	if err := w.Advance(d); err != nil {
		t.Fatal(err)
	}
}

func asAccessScope(t testing.TB, w *World, at string) string {
	t.Helper()
	var c AccessClaims
	asVerify(t, w.Policy().Alg, at, &c)
	return c.Scope
}

func asCountEvents(w *World, kind EventKind) int {
	n := 0
	for _, e := range w.Log().Events() {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// RFC 6749 §6: scope omitted → the original; a subset narrows the access
// token and the response says so; anything wider → invalid_scope.
func TestRefreshScope_RFC6749_6(t *testing.T) {
	cases := []struct {
		name, scope, wantScope, wantErr string
	}{
		{"omitted gives the original", "", DefaultScope, ""},
		{"same scope", DefaultScope, DefaultScope, ""},
		{"subset narrows", "openid orders:read", "openid orders:read", ""},
		{"single scope", "orders:read", "orders:read", ""},
		{"wider: a scope never granted", "orders:read orders:write", "", CodeInvalidScope},
		{"unknown scope", "admin", "", CodeInvalidScope},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTestWorld(t)
			tk := asLogin(t, w, nil)
			r := asRefresh(t, w, tk.RefreshToken, tc.scope)
			if tc.wantErr != "" {
				asWantError(t, r, 400, tc.wantErr)
				// A refused scope does not burn the refresh token.
				asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
				return
			}
			got := asWantTokens(t, r)
			if got.Scope != tc.wantScope {
				t.Errorf("response scope = %q, want %q", got.Scope, tc.wantScope)
			}
			if s := asAccessScope(t, w, got.AccessToken); s != tc.wantScope {
				t.Errorf("access token scope = %q, want %q", s, tc.wantScope)
			}
		})
	}
}

// RFC 6749 §6: the rotated refresh token keeps the original grant even when
// the access token was narrowed.
func TestRefreshRotatedTokenKeepsOriginalScope_RFC6749_6(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	narrow := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, "orders:read"))
	if narrow.RefreshToken == "" {
		t.Fatal("no rotated refresh token")
	}
	again := asWantTokens(t, asRefresh(t, w, narrow.RefreshToken, ""))
	if again.Scope != DefaultScope || asAccessScope(t, w, again.AccessToken) != DefaultScope {
		t.Errorf("after a narrowed refresh, an unscoped refresh gives %q, want the original %q", again.Scope, DefaultScope)
	}
	// And the original scope may still be asked for explicitly.
	asWantTokens(t, asRefresh(t, w, again.RefreshToken, "openid offline_access"))
}

// OIDC Core §3.1.3.3, §12.2: a refresh narrowed to exclude openid gets no
// ID token; one that keeps openid gets one.
func TestRefreshIDTokenFollowsScope_OIDCCore_12_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	r := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, "orders:read"))
	if r.IDToken != "" {
		t.Errorf("scope %q has no openid but the response has an id_token", r.Scope)
	}
	r = asWantTokens(t, asRefresh(t, w, r.RefreshToken, "openid"))
	if r.IDToken == "" {
		t.Errorf("scope %q has openid but the response has no id_token", r.Scope)
	}
}

// RFC 9700 §4.14.2: every refresh returns a new refresh token and the old
// one stops working at once.
func TestRefreshRotation_RFC9700_4_14_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	next := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
	if next.RefreshToken == "" || next.RefreshToken == tk.RefreshToken {
		t.Fatalf("refresh returned refresh_token %q: want a new one", next.RefreshToken)
	}
	if next.AccessToken == tk.AccessToken {
		t.Error("refresh returned the same access token")
	}
	asWantError(t, asRefresh(t, w, tk.RefreshToken, ""), 400, CodeInvalidGrant)
}

// RFC 6749 §6 / checklist item 29: without rotation the response omits
// refresh_token and the same one keeps working.
func TestRefreshWithoutRotation_RFC6749_6(t *testing.T) {
	w := asWorldWith(t, "rotation", "false")
	tk := asLogin(t, w, nil)
	for i := range 3 {
		r := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
		if r.RefreshToken != "" {
			t.Fatalf("refresh %d returned a refresh_token without rotation: %s", i, r.raw)
		}
	}
}

// RFC 9700 §4.14.2: reusing a rotated refresh token is invalid_grant and
// revokes the family: its active refresh token and, with
// RevokeAccessOnReuse, its access tokens.
func TestRefreshReuseRevokesFamily_RFC9700_4_14_2(t *testing.T) {
	for _, revokeAccess := range []string{"true", "false"} {
		t.Run("revoke_access_on_reuse="+revokeAccess, func(t *testing.T) {
			w := asWorldWith(t, "revoke_access_on_reuse", revokeAccess)
			tk := asLogin(t, w, nil)
			next := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
			other := asLogin(t, w, nil)

			asWantError(t, asRefresh(t, w, tk.RefreshToken, ""), 400, CodeInvalidGrant)
			if e := asLastExchange(t, w, "/token"); !strings.Contains(e.Reason, "reuse") {
				t.Errorf("reason = %q, want it to name the reuse", e.Reason)
			}
			if asCountEvents(w, KindReuse) != 1 || asCountEvents(w, KindFamilyRevoked) != 1 {
				t.Errorf("want one reuse and one family revocation event, got %d and %d",
					asCountEvents(w, KindReuse), asCountEvents(w, KindFamilyRevoked))
			}
			// The active refresh token of the family is dead too.
			asWantError(t, asRefresh(t, w, next.RefreshToken, ""), 400, CodeInvalidGrant)
			for _, at := range []string{tk.AccessToken, next.AccessToken} {
				r := asIntrospect(t, w, at)
				if revokeAccess == "true" && r.body != `{"active":false}` {
					t.Errorf("family access token still active: %s", r.body)
				}
				if revokeAccess == "false" && !strings.Contains(r.body, `"active":true`) {
					t.Errorf("access token revoked although revoke_access_on_reuse is off: %s", r.body)
				}
			}
			// Another login's family is untouched.
			asWantTokens(t, asRefresh(t, w, other.RefreshToken, ""))
		})
	}
}

// Reuse detection is a policy: off, a rotated token is refused but the
// family lives on.
func TestRefreshReuseWithoutDetection_RFC9700_4_14_2(t *testing.T) {
	w := asWorldWith(t, "reuse_detection", "false")
	tk := asLogin(t, w, nil)
	next := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
	asWantError(t, asRefresh(t, w, tk.RefreshToken, ""), 400, CodeInvalidGrant)
	if n := asCountEvents(w, KindFamilyRevoked); n != 0 {
		t.Errorf("%d family revocations with reuse detection off", n)
	}
	asWantTokens(t, asRefresh(t, w, next.RefreshToken, ""))
}

// Checklist item 27 (Auth0 rotation overlap, Okta grace period): the
// immediately previous refresh token within the grace interval gives new
// tokens and revokes nothing; an older token, or reuse after the interval,
// is reuse detection.
func TestRefreshReuseGraceInterval(t *testing.T) {
	cases := []struct {
		name     string
		grace    string
		rotation int           // refreshes before the reuse (1: RT1 was rotated once)
		wait     time.Duration // after the last rotation
		reuse    int           // index of the reused token (0 = RT1)
		wantOK   bool
	}{
		{"previous token within the interval", "30s", 1, 10 * time.Second, 0, true},
		{"previous token at once", "30s", 1, 0, 0, true},
		{"previous token after the interval", "30s", 1, 31 * time.Second, 0, false},
		{"older token within the interval", "30s", 2, 5 * time.Second, 0, false},
		{"previous of two within the interval", "30s", 2, 5 * time.Second, 1, true},
		{"no grace interval", "0", 1, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := asWorldWith(t, "reuse_grace", tc.grace)
			tk := asLogin(t, w, nil)
			rts, ats := []string{tk.RefreshToken}, []string{tk.AccessToken}
			for range tc.rotation {
				r := asWantTokens(t, asRefresh(t, w, rts[len(rts)-1], ""))
				rts, ats = append(rts, r.RefreshToken), append(ats, r.AccessToken)
			}
			asAdvance(t, w, tc.wait)
			r := asRefresh(t, w, rts[tc.reuse], "")
			if !tc.wantOK {
				asWantError(t, r, 400, CodeInvalidGrant)
				if asCountEvents(w, KindFamilyRevoked) != 1 {
					t.Error("reuse outside the grace interval did not revoke the family")
				}
				asWantError(t, asRefresh(t, w, rts[len(rts)-1], ""), 400, CodeInvalidGrant)
				return
			}
			got := asWantTokens(t, r)
			if got.RefreshToken == "" || got.RefreshToken == rts[tc.reuse] {
				t.Errorf("grace reuse returned refresh_token %q, want a new one", got.RefreshToken)
			}
			if n := asCountEvents(w, KindFamilyRevoked); n != 0 {
				t.Errorf("grace reuse revoked %d families", n)
			}
			for _, at := range ats {
				if r := asIntrospect(t, w, at); !strings.Contains(r.body, `"active":true`) {
					t.Errorf("an access token was revoked by a forgiven reuse: %s", r.body)
				}
			}
			// The token from the grace reuse carries the family on.
			asWantTokens(t, asRefresh(t, w, got.RefreshToken, ""))
		})
	}
}

// RFC 9700 §4.14.2: idle and absolute lifetimes are distinct, and the
// refusal says which one ran out. Rotation never extends the absolute one.
func TestRefreshIdleVsAbsoluteExpiry_RFC9700_4_14_2(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		w := asWorldWith(t, "refresh_idle", "1h", "refresh_absolute", "3h")
		tk := asLogin(t, w, nil)
		asAdvance(t, w, 59*time.Minute)
		next := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
		// The idle clock restarts with the new token.
		asAdvance(t, w, time.Hour)
		asWantError(t, asRefresh(t, w, next.RefreshToken, ""), 400, CodeInvalidGrant)
		e := asLastExchange(t, w, "/token")
		if !strings.Contains(e.Reason, "idle") || strings.Contains(e.Reason, "absolute") {
			t.Errorf("reason = %q, want the idle lifetime named, not the absolute one", e.Reason)
		}
		if !strings.Contains(e.Exchange.Response.Body, "idle") {
			t.Errorf("error_description does not say idle: %s", e.Exchange.Response.Body)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		w := asWorldWith(t, "refresh_idle", "1h", "refresh_absolute", "3h")
		tk := asLogin(t, w, nil)
		rt := tk.RefreshToken
		for range 3 { // refreshed every 50 minutes: never idle
			asAdvance(t, w, 50*time.Minute)
			rt = asWantTokens(t, asRefresh(t, w, rt, "")).RefreshToken
		}
		asAdvance(t, w, 30*time.Minute) // 3h after login, 30 min after the last use
		asWantError(t, asRefresh(t, w, rt, ""), 400, CodeInvalidGrant)
		e := asLastExchange(t, w, "/token")
		if !strings.Contains(e.Reason, "absolute") || strings.Contains(e.Reason, "idle") {
			t.Errorf("reason = %q, want the absolute lifetime named, not the idle one", e.Reason)
		}
		if !strings.Contains(e.Exchange.Response.Body, "absolute") {
			t.Errorf("error_description does not say absolute: %s", e.Exchange.Response.Body)
		}
	})
}

// RFC 6749 §6, §10.4: a refresh token is bound to its client, and a
// confidential client must authenticate to use it.
func TestRefreshClientBinding_RFC6749_10_4(t *testing.T) {
	w := newTestWorld(t)
	web := asLoginWeb(t, w, nil)
	spa := asLogin(t, w, nil)
	grant := func(rt string) url.Values {
		return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	}
	// The spa presents web's refresh token.
	asWantError(t, asRefresh(t, w, web.RefreshToken, ""), 400, CodeInvalidGrant)
	// web presents the spa's.
	asWantError(t, postForm(t, w, "/token", grant(spa.RefreshToken), asBasic(ClientWeb, webSecret)), 400, CodeInvalidGrant)
	// web without its secret (a thief with only the refresh token).
	f := grant(web.RefreshToken)
	f.Set("client_id", ClientWeb)
	asWantError(t, postForm(t, w, "/token", f, nil), 401, CodeInvalidClient)
	// None of that burned the tokens.
	asWantTokens(t, postForm(t, w, "/token", grant(web.RefreshToken), asBasic(ClientWeb, webSecret)))
	asWantTokens(t, asRefresh(t, w, spa.RefreshToken, ""))
}

// OIDC Core §12.2: a refreshed ID token keeps iss, sub, aud and auth_time,
// has a new iat and no nonce; its at_hash matches the new access token.
func TestRefreshIDTokenClaims_OIDCCore_12_2(t *testing.T) {
	for _, alg := range jose.Algs() {
		t.Run(string(alg), func(t *testing.T) {
			w := asWorldWith(t, "alg", string(alg))
			tk := asLogin(t, w, url.Values{"nonce": {"n-42"}})
			asAdvance(t, w, 2*time.Minute)
			r := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
			if r.IDToken == "" {
				t.Fatal("no id_token on refresh")
			}
			var first, again idClaims
			asVerify(t, alg, tk.IDToken, &first)
			asVerify(t, alg, r.IDToken, &again)
			if first.Nonce != "n-42" {
				t.Fatalf("login ID token nonce = %q", first.Nonce)
			}
			if again.Issuer != first.Issuer || again.Subject != first.Subject || strings.Join(again.Audience, " ") != strings.Join(first.Audience, " ") {
				t.Errorf("iss/sub/aud changed: %v → %v", first.RegisteredClaims, again.RegisteredClaims)
			}
			if again.AuthTime == nil || !again.AuthTime.Equal(first.AuthTime.Time) {
				t.Errorf("auth_time = %v, want the original %v", again.AuthTime, first.AuthTime)
			}
			if again.IssuedAt.Sub(first.IssuedAt.Time) != 2*time.Minute {
				t.Errorf("iat %v, want 2 min after %v", again.IssuedAt, first.IssuedAt)
			}
			if again.Nonce != "" {
				t.Errorf("refreshed ID token carries nonce %q", again.Nonce)
			}
			if again.AtHash != asAtHash(alg, r.AccessToken) {
				t.Errorf("at_hash = %q, want the hash of the new access token", again.AtHash)
			}
		})
	}
}

// RFC 6749 §5.1: refresh responses carry the same headers as any token
// response.
func TestRefreshResponseHeaders_RFC6749_5_1(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	r := asRefresh(t, w, tk.RefreshToken, "")
	asWantTokens(t, r)
	asNoStore(t, r)
	if r.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
	}
	// Errors too.
	r = asRefresh(t, w, tk.RefreshToken, "")
	asWantError(t, r, http.StatusBadRequest, CodeInvalidGrant)
}

// TestRefreshWithAJWTSaysWhereTokensGo: an access token posted as a refresh
// token is refused with a reason that says where each token belongs, true
// to the sources: aud may name several APIs (RFC 7519 §4.1.3), and the
// refresh token goes to the auth server's token and revocation endpoints
// (RFC 6749 §1.5, RFC 7009 §2.1), not "one audience" (issue 12).
func TestRefreshWithAJWTSaysWhereTokensGo(t *testing.T) {
	w := newTestWorld(t)
	login(t, w)
	o := w.App().RefreshUsing(TokenAccess)
	if o.Status != 400 || o.Error != CodeInvalidGrant {
		t.Fatalf("access token as a refresh token: %+v", o)
	}
	for _, want := range []string{"the APIs their aud names", "its token and revocation endpoints", "RFC 7009 section 2.1"} {
		if !strings.Contains(o.Reason, want) {
			t.Errorf("reason %q lacks %q", o.Reason, want)
		}
	}
	if strings.Contains(o.Reason, "one audience") {
		t.Errorf("reason %q says a token has one audience; aud may be an array (RFC 7519 §4.1.3)", o.Reason)
	}
}
