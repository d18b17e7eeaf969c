package sim

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// End-to-end lifecycle tests: a world driven through its public API only
// (New, App, Attacker, Advance, Set, Inspect, Log). Helpers shared by the
// lifecycle test files carry the prefix "life".

// lifeWorld makes a world with seed 7 from preset ("" = default) after
// applying mods to the config.
func lifeWorld(t testing.TB, preset string, mods ...func(*Config)) *World {
	t.Helper()
	cfg := Config{Seed: 7, Preset: preset}
	for _, m := range mods {
		m(&cfg)
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return w
}

// lifeLogin logs the app in with scope ("" = DefaultScope) and returns the
// tokens the app holds afterwards.
func lifeLogin(t testing.TB, w *World, scope string) (access, refresh string) {
	t.Helper()
	if o := w.App().Login(DemoUser, DemoPassword, scope); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	return lifeHeld(w)
}

// lifeHeld returns the access and refresh tokens the app holds now (the
// refresh cookie for a first-party app).
func lifeHeld(w *World) (access, refresh string) {
	for _, tv := range w.Inspect().Tokens {
		if tv.Holder == ActorAttacker {
			continue
		}
		switch tv.Kind {
		case "access":
			access = tv.Value
		case "refresh":
			refresh = tv.Value
		}
	}
	return access, refresh
}

func lifeAdvance(t testing.TB, w *World, d time.Duration) {
	t.Helper()
	if err := w.Advance(d); err != nil {
		t.Fatalf("Advance(%s): %v", d, err)
	}
}

func lifeSet(t testing.TB, w *World, knob, value string) {
	t.Helper()
	if err := w.Set(knob, value); err != nil {
		t.Fatalf("Set(%s, %s): %v", knob, value, err)
	}
}

// lifeOK fails unless o succeeded with status.
func lifeOK(t testing.TB, what string, o Outcome, status int) {
	t.Helper()
	if o.Status != status || o.Error != "" {
		t.Fatalf("%s: got %+v, want status %d and no error", what, o, status)
	}
}

// lifeFail fails unless o is a refusal with status and code whose reason
// contains every one of words (case-insensitive).
func lifeFail(t testing.TB, what string, o Outcome, status int, code string, words ...string) {
	t.Helper()
	if o.Status != status || o.Error != code {
		t.Fatalf("%s: got %+v, want status %d error %s", what, o, status, code)
	}
	for _, wd := range words {
		if !strings.Contains(strings.ToLower(o.Reason), strings.ToLower(wd)) {
			t.Fatalf("%s: reason %q does not mention %q", what, o.Reason, wd)
		}
	}
}

// lifeFamily returns the family called label from a fresh snapshot.
func lifeFamily(t testing.TB, w *World, label string) FamilyView {
	t.Helper()
	for _, f := range w.Inspect().Families {
		if f.Label == label {
			return f
		}
	}
	t.Fatalf("no family %s in %+v", label, w.Inspect().Families)
	return FamilyView{}
}

// lifeFamilyRecord returns the AS's record of the world's first family.
func lifeFamilyRecord(t testing.TB, w *World) *family {
	t.Helper()
	if len(w.as.families) == 0 {
		t.Fatal("no family")
	}
	return w.as.families[0]
}

// lifeRT returns refresh token label of f.
func lifeRT(t testing.TB, f FamilyView, label string) RefreshView {
	t.Helper()
	for _, r := range f.Refresh {
		if r.Label == label {
			return r
		}
	}
	t.Fatalf("family %s has no refresh token %s: %+v", f.Label, label, f.Refresh)
	return RefreshView{}
}

// lifeRTLabel is the AS's label for refresh token value v.
func lifeRTLabel(t testing.TB, w *World, v string) string {
	t.Helper()
	for _, tv := range w.Inspect().Tokens {
		if tv.Value == v && tv.Kind == "refresh" {
			return tv.Label
		}
	}
	t.Fatalf("no holder has refresh token %.10s…", v)
	return ""
}

// lifeEvents returns the events of kind after the first n.
func lifeEvents(w *World, n int, kind EventKind) []Event {
	var out []Event
	for _, e := range w.Log().Since(n) {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// lifeExchanges returns the exchanges after the first n from actor to path
// ("" = any path).
func lifeExchanges(w *World, n int, from Actor, path string) []Event {
	var out []Event
	for _, e := range lifeEvents(w, n, KindExchange) {
		if e.From == from && (path == "" || e.Path == path) {
			out = append(out, e)
		}
	}
	return out
}

// lifeRefreshOnlyToAS checks curriculum idea 5 and RFC 6749 §1.5/§10.4: the
// refresh token value travels only in requests to the AS's token and
// revocation endpoints (and in the token endpoint's responses).
func lifeRefreshOnlyToAS(t testing.TB, w *World, rts ...string) {
	t.Helper()
	for _, e := range lifeEvents(w, 0, KindExchange) {
		x := e.Exchange
		req := x.Request.Target + "\n" + x.Request.Body + "\n" + x.Request.Text()
		allowed := x.Request.Host == HostAS && (e.Path == "/token" || e.Path == "/revoke")
		for _, rt := range rts {
			if rt == "" {
				t.Fatal("lifeRefreshOnlyToAS: empty refresh token")
			}
			if strings.Contains(req, rt) && !allowed {
				t.Errorf("event %d: refresh token sent to %s%s (%s -> %s)", e.Seq, x.Request.Host, e.Path, e.From, e.To)
			}
			if strings.Contains(x.Response.Text(), rt) && !(x.Request.Host == HostAS && e.Path == "/token") {
				t.Errorf("event %d: refresh token in the response of %s%s", e.Seq, x.Request.Host, e.Path)
			}
		}
	}
}

// TestLifeSilentRefresh: curriculum `silent-refresh`. Proactive refresh
// RefreshSkew before exp, then (refresh_skew=0) reactive: 401 invalid_token
// → refresh → retry once → 200 (RFC 6750 §3, RFC 6749 §6). Every refresh
// brings a new access token and, with rotation, a new refresh token; the
// old one is StateRotated (RFC 9700 §4.14.2); the refresh token only ever
// goes to /token.
func TestLifeSilentRefresh(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	at1, rt1 := lifeLogin(t, w, "")
	if at1 == "" || rt1 == "" {
		t.Fatalf("login gave access %q refresh %q", at1, rt1)
	}
	lifeOK(t, "first call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)

	// Proactive: 14m40s into a 15m token, within the 30 s skew.
	skew := w.Policy().RefreshSkew
	if skew != 30*time.Second {
		t.Fatalf("RefreshSkew = %s, want 30s", skew)
	}
	lifeAdvance(t, w, 15*time.Minute-skew+10*time.Second)
	n := w.Log().Len()
	lifeOK(t, "proactive call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	if got := lifeExchanges(w, n, ActorApp, "/api/orders"); len(got) != 1 || got[0].Status != 200 {
		t.Fatalf("proactive: want exactly one API call, answered 200, got %+v", got)
	}
	tok := lifeExchanges(w, n, ActorApp, "/token")
	if len(tok) != 1 || tok[0].Status != 200 || tok[0].Seq > lifeExchanges(w, n, ActorApp, "/api/orders")[0].Seq {
		t.Fatalf("proactive: want one /token 200 before the API call, got %+v", tok)
	}
	at2, rt2 := lifeHeld(w)
	if at2 == at1 || rt2 == rt1 || at2 == "" || rt2 == "" {
		t.Fatal("proactive refresh did not bring a new access and refresh token")
	}
	f := lifeFamily(t, w, "f-1")
	if r := lifeRT(t, f, "rt-1"); r.State != StateRotated || !strings.Contains(r.Why, "rt-2") {
		t.Fatalf("rt-1 after rotation: %+v", r)
	}
	if r := lifeRT(t, f, "rt-2"); r.State != StateActive || r.Parent != "rt-1" {
		t.Fatalf("rt-2: %+v", r)
	}

	// Reactive: no skew; the clock passes exp+leeway; the call gets 401,
	// refreshes and retries once.
	lifeSet(t, w, "refresh_skew", "0")
	lifeAdvance(t, w, 15*time.Minute+w.Policy().Leeway)
	n = w.Log().Len()
	lifeOK(t, "reactive call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	api := lifeExchanges(w, n, ActorApp, "/api/orders")
	tok = lifeExchanges(w, n, ActorApp, "/token")
	if len(api) != 2 || len(tok) != 1 {
		t.Fatalf("reactive: want API, /token, API; got %d API calls and %d /token", len(api), len(tok))
	}
	if api[0].Status != 401 || api[0].Error != CodeInvalidToken || !strings.Contains(api[0].Reason, "expired") ||
		!strings.Contains(api[0].Exchange.Response.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("reactive: first call %d %s %q %v", api[0].Status, api[0].Error, api[0].Reason, api[0].Exchange.Response.Header)
	}
	if !(api[0].Seq < tok[0].Seq && tok[0].Seq < api[1].Seq) || tok[0].Status != 200 || api[1].Status != 200 {
		t.Fatalf("reactive: wrong order or statuses: %d %d %d", api[0].Status, tok[0].Status, api[1].Status)
	}
	at3, rt3 := lifeHeld(w)
	if at3 == at2 || rt3 == rt2 {
		t.Fatal("reactive refresh did not bring new tokens")
	}
	f = lifeFamily(t, w, "f-1")
	if r := lifeRT(t, f, "rt-2"); r.State != StateRotated {
		t.Fatalf("rt-2 after the reactive refresh: %+v", r)
	}
	if f.RevokedWhy != "" || len(f.Access) != 3 {
		t.Fatalf("family after two refreshes: revoked %q, %d access tokens", f.RevokedWhy, len(f.Access))
	}
	if len(lifeEvents(w, 0, KindSessionEnded)) != 0 {
		t.Fatal("the user noticed: a session ended")
	}
	lifeRefreshOnlyToAS(t, w, rt1, rt2, rt3)
}

// TestLifeRefreshTokenNeverLeavesForAPI: the scan of lifeRefreshOnlyToAS
// must catch a refresh token presented at the API (RFC 6749 §1.5); the API
// answers 401 invalid_token (checklist item 62).
func TestLifeRefreshTokenNeverLeavesForAPI(t *testing.T) {
	w := lifeWorld(t, "")
	_, rt := lifeLogin(t, w, "")
	o := w.App().Present(APIAudience, http.MethodGet, "/api/orders", TokenRefresh)
	lifeFail(t, "refresh token at the API", o, 401, CodeInvalidToken, "not a JWT")
	ft := &lifeT{TB: t}
	lifeRefreshOnlyToAS(ft, w, rt)
	if !ft.failed {
		t.Fatal("the refresh-token scan did not notice a refresh token sent to the API")
	}
}

// lifeT records failures instead of reporting them, to test a checker.
type lifeT struct {
	testing.TB
	failed bool
}

func (l *lifeT) Errorf(string, ...any) { l.failed = true }
func (l *lifeT) Helper()               {}

// TestLifeExpiryWithoutRefreshToken: curriculum `expiry`. Without
// offline_access the AS issues no refresh token (OIDC Core §11); past
// exp+leeway the API answers 401 invalid_token naming expiry (RFC 6750 §3,
// RFC 7519 §4.1.4, checklist items 52 and 59) and the app does not refresh.
func TestLifeExpiryWithoutRefreshToken(t *testing.T) {
	w := lifeWorld(t, "")
	at, rt := lifeLogin(t, w, "openid profile orders:read")
	if at == "" || rt != "" {
		t.Fatalf("want an access token and no refresh token, got %t/%t", at != "", rt != "")
	}
	ttl, leeway := w.Policy().AccessTTL, w.Policy().Leeway
	lifeAdvance(t, w, ttl+leeway-time.Second) // still inside the leeway
	lifeOK(t, "call inside the leeway", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeAdvance(t, w, time.Second) // now == exp+leeway: rejected (item 52)
	n := w.Log().Len()
	o := w.App().Call(http.MethodGet, "/api/orders")
	lifeFail(t, "expired call", o, 401, CodeInvalidToken, "expired")
	ex := lifeExchanges(w, n, ActorApp, "")
	if len(ex) != 1 || ex[0].Path != "/api/orders" {
		t.Fatalf("the app made %d exchanges after expiry, want one API call and no refresh", len(ex))
	}
	ch := ex[0].Exchange.Response.Header.Get("WWW-Authenticate")
	if !strings.HasPrefix(ch, "Bearer ") || !strings.Contains(ch, `error="invalid_token"`) || !strings.Contains(ch, "expired") {
		t.Fatalf("challenge %q", ch)
	}
	ended := lifeEvents(w, n, KindSessionEnded)
	if len(ended) != 1 || !strings.Contains(ended[0].Summary, "log in again") || !strings.Contains(ended[0].Reason, "expired") {
		t.Fatalf("want one session.ended saying the user must log in again because the token expired, got %+v", ended)
	}
	if w.App().LoggedIn() {
		t.Fatal("the app still holds the dead access token")
	}
	if o := w.App().Refresh(); o.Error != CodeNoToken {
		t.Fatalf("Refresh without a refresh token: %+v", o)
	}
}

// TestLifeIdleLifetime: curriculum `session-end`, act one. A refresh token
// unused for the idle lifetime is refused with invalid_grant naming idleness
// (RFC 6749 §5.2; sim policy for the lifetime itself). Checked under the
// default preset (7 d, rotation), keycloak without offline_access (a
// session-bound token: SSO Session Idle 1,800 s, no rotation) and with it
// (an offline token: Offline Session Idle 30 d; Keycloak Constants.java,
// Server Administration Guide "Offline access"), and google's web app (six
// months unused; Google gives a browser app none).
func TestLifeIdleLifetime(t *testing.T) {
	for _, tc := range []struct {
		name, preset, scope, word string
		client                    ClientKind
		idle                      time.Duration
	}{
		{"tokensim", "tokensim", "", "idle lifetime", KindSPA, 7 * day},
		{"keycloak", "keycloak", "openid profile orders:read", "idle lifetime", KindSPA, 1800 * time.Second},
		{"keycloak-offline", "keycloak", "", "offline idle lifetime", KindSPA, 30 * day},
		{"google", "google", "", "idle lifetime", KindWeb, 183 * day},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := lifeWorld(t, tc.preset, func(c *Config) { c.Client = tc.client })
			lifeLogin(t, w, tc.scope)
			idle, _ := lifeFamilyRecord(t, w).idle(w.Policy())
			if idle != tc.idle {
				t.Fatalf("idle = %s, want %s", idle, tc.idle)
			}
			// Used just before the idle lifetime: fine, and it restarts
			// the idle clock (rotation: a new token; none: lastUsed).
			lifeAdvance(t, w, tc.idle-time.Second)
			lifeOK(t, "refresh before idle expiry", w.App().Refresh(), http.StatusOK)
			lifeAdvance(t, w, tc.idle-time.Second)
			lifeOK(t, "refresh before the restarted idle expiry", w.App().Refresh(), http.StatusOK)
			lifeAdvance(t, w, tc.idle)
			n := w.Log().Len()
			o := w.App().Refresh()
			lifeFail(t, "refresh after idle", o, 400, CodeInvalidGrant, "and "+tc.word+" is", "log in again")
			if ended := lifeEvents(w, n, KindSessionEnded); len(ended) != 1 || ended[0].Reason != o.Reason {
				t.Fatalf("session.ended: %+v", ended)
			}
			if w.App().LoggedIn() {
				t.Fatal("the app still holds tokens after invalid_grant")
			}
			// The inspector agrees, and the family is not revoked: it expired.
			f := lifeFamily(t, w, "f-1")
			if f.RevokedWhy != "" {
				t.Fatalf("idle expiry revoked the family: %s", f.RevokedWhy)
			}
			last := f.Refresh[len(f.Refresh)-1]
			if last.State != StateExpired || !strings.Contains(last.Why, "idle") {
				t.Fatalf("last refresh token: %+v", last)
			}
		})
	}
}

// TestLifeAbsoluteLifetime: curriculum `session-end`, act two, and idea 9.
// Constant use until the absolute lifetime: invalid_grant naming the
// absolute lifetime; rotation does not extend it (RFC 9700 §4.14.2; Auth0
// configure-refresh-token-expiration). Keycloak's 36,000 s SSO Session Max
// for a login without offline_access, without rotation; the default 30 d
// with rotation; spring's 60 min; Entra's single-page app 24 h, which
// later refresh tokens "carry over" (learn.microsoft.com/entra/
// identity-platform/refresh-tokens) while each use brings a new one.
func TestLifeAbsoluteLifetime(t *testing.T) {
	for _, tc := range []struct {
		preset, scope string
		abs, gap      time.Duration
		rotation      bool
	}{
		{"tokensim", "", 30 * day, 6 * day, true},
		{"keycloak", "openid profile orders:read", 36000 * time.Second, 25 * time.Minute, false},
		{"spring", "", 60 * time.Minute, 5 * time.Minute, false},
		{"auth0", "", 30 * day, 5 * day, true},
		{"entra", "", 24 * time.Hour, 2 * time.Hour, true},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			// Spring issues no refresh token to a public client
			// (spring-authorization-server #379): its lifetime is a
			// confidential client's.
			client := KindSPA
			if tc.preset == "spring" {
				client = KindWeb
			}
			w := lifeWorld(t, tc.preset, func(c *Config) { c.Client = client })
			_, rt := lifeLogin(t, w, tc.scope)
			loginAt := w.Clock().Now()
			if w.Policy().RefreshAbsolute != tc.abs || w.Policy().Rotation != tc.rotation {
				t.Fatalf("policy %+v", w.Policy())
			}
			if tc.abs%tc.gap != 0 {
				t.Fatal("bad test table: gap must divide abs")
			}
			refreshes := 0
			for w.Clock().Elapsed(loginAt)+tc.gap < tc.abs {
				lifeAdvance(t, w, tc.gap)
				lifeOK(t, "refresh in constant use", w.App().Refresh(), http.StatusOK)
				refreshes++
			}
			_, rtNow := lifeHeld(w)
			if tc.rotation == (rtNow == rt) {
				t.Fatalf("rotation %t but refresh token changed: %t", tc.rotation, rtNow != rt)
			}
			f := lifeFamily(t, w, "f-1")
			if !f.AbsExpiry.Equal(loginAt.Add(tc.abs)) {
				t.Fatalf("absolute expiry %s moved from login+%s (%s)", f.AbsExpiry, tc.abs, loginAt.Add(tc.abs))
			}
			want := 1 // no rotation: the same token all along
			if tc.rotation {
				want = refreshes + 1
			}
			if len(f.Refresh) != want {
				t.Fatalf("%d refresh tokens after %d refreshes, want %d", len(f.Refresh), refreshes, want)
			}
			lifeAdvance(t, w, tc.gap) // exactly login + abs
			o := w.App().Refresh()
			lifeFail(t, "refresh at the absolute lifetime", o, 400, CodeInvalidGrant, "absolute lifetime", "log in again")
			if strings.Contains(o.Reason, "rotation does not extend it") != tc.rotation {
				t.Fatalf("rotation %t, reason %q", tc.rotation, o.Reason)
			}
			if !w.Clock().Now().Equal(loginAt.Add(tc.abs)) {
				t.Fatalf("clock %s, want login+abs", w.Clock().Now())
			}
			if len(lifeEvents(w, 0, KindSessionEnded)) != 1 {
				t.Fatal("want one session.ended")
			}
			// A fresh login starts a new family with a new absolute expiry.
			lifeLogin(t, w, tc.scope)
			if f2 := lifeFamily(t, w, "f-2"); !f2.AbsExpiry.Equal(w.Clock().Now().Add(tc.abs)) {
				t.Fatalf("f-2 absolute expiry %s", f2.AbsExpiry)
			}
		})
	}
}

// TestLifeLogout: curriculum `logout`, RFC 7009 §2.1. The app revokes its
// refresh token; refreshing with it fails afterwards; a stolen access token
// still works at a stateless API until exp (the gap, item 90), and the
// revocation is idempotent (§2.2).
func TestLifeLogout(t *testing.T) {
	w := lifeWorld(t, "")
	_, rt := lifeLogin(t, w, "")
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "steal access", w.Attacker().Steal(SourceLog, TokenAccess), 0)      // a theft sends no request: no status
	lifeOK(t, "steal refresh", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status

	n := w.Log().Len()
	lifeOK(t, "logout", w.App().Logout(), http.StatusOK)
	rev := lifeExchanges(w, n, ActorApp, "/revoke")
	if len(rev) != 1 || !strings.Contains(rev[0].Exchange.Request.Body, "token_type_hint=refresh_token") ||
		!strings.Contains(rev[0].Summary, "revoked") {
		t.Fatalf("logout exchange: %+v", rev)
	}
	if w.App().LoggedIn() {
		t.Fatal("the app still holds tokens after logout")
	}
	if got := lifeEvents(w, n, KindFamilyRevoked); len(got) != 1 || !strings.Contains(got[0].Reason, "logout") {
		t.Fatalf("family.revoked: %+v", got)
	}
	f := lifeFamily(t, w, "f-1")
	if lifeRT(t, f, "rt-1").State != StateRevoked || f.Access[0].State != StateRevoked {
		t.Fatalf("after logout: %+v", f)
	}

	// The revoked refresh token is refused at the token endpoint.
	o := w.Attacker().Refresh()
	lifeFail(t, "refresh after logout", o, 400, CodeInvalidGrant, "revoked", "logout")
	// The access token, revoked at the AS, still works at a stateless API.
	lifeOK(t, "stolen access token after logout", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeAdvance(t, w, w.Policy().AccessTTL+w.Policy().Leeway)
	lifeFail(t, "stolen access token after exp", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), 401, CodeInvalidToken, "expired")

	// Revoking again answers 200 (RFC 7009 §2.2).
	r := postForm(t, w, "/revoke", map[string][]string{"token": {rt}, "client_id": {ClientSPA}}, nil)
	if r.status != 200 {
		t.Fatalf("second revocation: %d %s", r.status, r.body)
	}
	if o := w.App().Call(http.MethodGet, "/api/orders"); o.Error != CodeNoToken {
		t.Fatalf("call after logout: %+v", o)
	}
}

// TestLifeNewRejectsBadConfig: New refuses configs that cannot run, each
// wrapped in ErrBadConfig.
func TestLifeNewRejectsBadConfig(t *testing.T) {
	bad := Policy{AccessTTL: -time.Minute}
	for name, cfg := range map[string]Config{
		"web in localStorage":    {Client: KindWeb, Storage: StorageLocal},
		"web in memory":          {Client: KindWeb, Storage: StorageMemory},
		"spa on a server":        {Client: KindSPA, Storage: StorageServer},
		"unknown topology":       {Topology: "peer-to-peer"},
		"unknown client":         {Client: "mobile"},
		"unknown storage":        {Storage: "indexeddb"},
		"unknown preset":         {Preset: "nope"},
		"first-party web":        {Topology: TopologyFirstParty, Client: KindWeb, Storage: StorageServer},
		"first-party in storage": {Topology: TopologyFirstParty, Storage: StorageLocal},
		"invalid policy":         {Policy: &bad},
	} {
		w, err := New(cfg)
		if w != nil || !errors.Is(err, ErrBadConfig) {
			t.Errorf("%s: New = %v, %v; want ErrBadConfig", name, w, err)
		}
	}
	var perr error
	_, perr = New(Config{Preset: "nope"})
	if !errors.Is(perr, ErrUnknownPreset) {
		t.Errorf("unknown preset: %v does not wrap ErrUnknownPreset", perr)
	}
	// And the defaults it fills in.
	for _, tc := range []struct {
		cfg     Config
		kind    ClientKind
		storage Storage
		topo    Topology
	}{
		{Config{}, KindSPA, StorageLocal, TopologyOAuth},
		{Config{Client: KindWeb}, KindWeb, StorageServer, TopologyOAuth},
		{Config{Topology: TopologyFirstParty}, KindSPA, StorageCookie, TopologyFirstParty},
		{Config{Storage: StorageMemory}, KindSPA, StorageMemory, TopologyOAuth},
	} {
		w, err := New(tc.cfg)
		if err != nil {
			t.Fatalf("New(%+v): %v", tc.cfg, err)
		}
		if w.App().Kind() != tc.kind || w.App().Storage() != tc.storage || w.Topology() != tc.topo || w.PresetName() != DefaultPreset {
			t.Errorf("New(%+v): kind %s storage %s topology %s preset %s", tc.cfg, w.App().Kind(), w.App().Storage(), w.Topology(), w.PresetName())
		}
	}
}

// TestLifeInsufficientScopeNoRefresh: a valid token lacking scope gets 403
// insufficient_scope naming the scope (RFC 6750 §3.1, item 60), and the app
// does not refresh: a new token would carry the same scope (item 61).
func TestLifeInsufficientScopeNoRefresh(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	n := w.Log().Len()
	o := w.App().Call(http.MethodPost, "/api/orders")
	lifeFail(t, "write without orders:write", o, 403, CodeInsufficientScope, "lacks orders:write", "refreshing will not help")
	ex := lifeExchanges(w, n, ActorApp, "")
	if len(ex) != 1 || !strings.Contains(ex[0].Exchange.Response.Header.Get("WWW-Authenticate"), `scope="orders:write"`) {
		t.Fatalf("want one API exchange with a scope challenge, got %+v", ex)
	}
	if notes := lifeEvents(w, n, KindClientNote); len(notes) != 1 || !strings.Contains(notes[0].Summary, "does not retry") {
		t.Fatalf("client note: %+v", notes)
	}
	// With the scope granted at login the same call succeeds.
	w2 := lifeWorld(t, "")
	lifeLogin(t, w2, DefaultScope+" orders:write")
	lifeOK(t, "write with orders:write", w2.App().Call(http.MethodPost, "/api/orders"), http.StatusCreated)
}

// TestLifeLoginFailures: wrong credentials never yield tokens; a web app
// logs in, refreshes and logs out authenticating with its secret (RFC 6749
// §2.3.1, RFC 7009 §2.1).
func TestLifeLoginFailures(t *testing.T) {
	w := lifeWorld(t, "")
	o := w.App().Login(DemoUser, "not-the-password", "")
	if o.OK() || w.App().LoggedIn() || len(lifeExchanges(w, 0, ActorApp, "/token")) != 0 {
		t.Fatalf("wrong password: %+v, logged in %t", o, w.App().LoggedIn())
	}
	if o.Error != CodeAccessDenied || !strings.Contains(o.Reason, "wrong username or password") {
		t.Fatalf("wrong password outcome: %+v", o)
	}
	if o := w.App().Call(http.MethodGet, "/api/orders"); o.Error != CodeNoToken {
		t.Fatalf("call without login: %+v", o)
	}
	if o := w.App().Logout(); !o.OK() {
		t.Fatalf("logout without tokens: %+v", o)
	}

	web := lifeWorld(t, "", func(c *Config) { c.Client = KindWeb })
	lifeLogin(t, web, "")
	lifeOK(t, "web refresh", web.App().Refresh(), http.StatusOK)
	n := web.Log().Len()
	lifeOK(t, "web logout", web.App().Logout(), http.StatusOK)
	rev := lifeExchanges(web, n, ActorApp, "/revoke")
	if len(rev) != 1 || !strings.HasPrefix(rev[0].Exchange.Request.Header.Get("Authorization"), "Basic ") ||
		strings.Contains(rev[0].Exchange.Request.Body, "client_id") {
		t.Fatalf("web logout exchange: %+v", rev)
	}
	if f := lifeFamily(t, web, "f-1"); f.ClientID != ClientWeb || !strings.Contains(f.RevokedWhy, "logout") {
		t.Fatalf("web family: %+v", f)
	}
}
