package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// lifeView returns holder's token of kind from s.
func lifeView(t testing.TB, s Snapshot, holder Actor, kind string) TokenView {
	t.Helper()
	for _, tv := range s.Tokens {
		if tv.Holder == holder && tv.Kind == kind {
			return tv
		}
	}
	t.Fatalf("%s holds no %s token: %+v", holder, kind, s.Tokens)
	return TokenView{}
}

// TestLifeInspectTokens: the snapshot lists each holder's tokens with the
// AS's label, where they are kept, their state and why, and decodes JWTs
// (RFC 9068 §2.1–2.2 header and claims).
func TestLifeInspectTokens(t *testing.T) {
	w := lifeWorld(t, "")
	s := w.Inspect()
	if len(s.Tokens) != 0 || len(s.Families) != 0 || s.LoggedIn || s.Attacker.Summary != "holds nothing" || !s.Time.Equal(Epoch()) {
		t.Fatalf("empty world snapshot: %+v", s)
	}
	lifeLogin(t, w, "")
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	s = w.Inspect()
	if !s.LoggedIn || s.EventsLen != w.Log().Len() || s.Counts != w.Counts() || s.Policy != w.Policy() {
		t.Fatalf("snapshot header: %+v", s)
	}
	at := lifeView(t, s, ActorApp, "access")
	if at.Label != "at-1" || at.Where != string(StorageLocal) || at.State != StateActive || !strings.Contains(at.Why, "valid until 09:15:00") {
		t.Fatalf("access view: %+v", at)
	}
	if at.Header["typ"] != jose.TypAccessToken || at.Header["alg"] != "RS256" || at.Claims["sub"] != DemoUser ||
		at.Claims["client_id"] != ClientSPA || at.Claims["scope"] != DefaultScope {
		t.Fatalf("decoded access token: %v %v", at.Header, at.Claims)
	}
	if !at.IssuedAt.Equal(Epoch()) || !at.ExpiresAt.Equal(Epoch().Add(15*time.Minute)) || at.Remaining(Epoch().Add(time.Minute)) != 14*time.Minute {
		t.Fatalf("access times: %s %s", at.IssuedAt, at.ExpiresAt)
	}
	rt := lifeView(t, s, ActorApp, "refresh")
	if rt.Label != "rt-1" || rt.State != StateActive || rt.Claims != nil || !strings.Contains(rt.Why, "usable at the token endpoint") {
		t.Fatalf("refresh view: %+v", rt)
	}
	id := lifeView(t, s, ActorApp, "id")
	if id.Header["typ"] != "JWT" || id.Claims["aud"] == nil || id.State != StateActive {
		t.Fatalf("id view: %+v", id)
	}

	// Time moves: the access token expires in the view, the refresh
	// token does not.
	lifeAdvance(t, w, 16*time.Minute)
	s = w.Inspect()
	if at := lifeView(t, s, ActorApp, "access"); at.State != StateExpired || !strings.Contains(at.Why, "expired at 09:15:00") || at.Remaining(s.Time) != 0 {
		t.Fatalf("expired access view: %+v", at)
	}
	if lifeView(t, s, ActorApp, "refresh").State != StateActive {
		t.Fatal("refresh view changed")
	}
	// Past the idle lifetime the refresh token shows expired, with why.
	lifeAdvance(t, w, 7*day)
	if rt := lifeView(t, w.Inspect(), ActorApp, "refresh"); rt.State != StateExpired || !strings.Contains(rt.Why, "idle lifetime 7d") {
		t.Fatalf("idle refresh view: %+v", rt)
	}
}

// TestLifeInspectFamilies: the AS's families as trees (Parent links), with
// revocation dates and reasons, and the attacker's summary.
func TestLifeInspectFamilies(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
	if s := w.Inspect().Attacker; !s.HoldsRefresh || s.HoldsAccess || !strings.Contains(s.Summary, "mint new access tokens at the token endpoint with rt-1") {
		t.Fatalf("attacker with rt-1: %+v", s)
	}
	lifeOK(t, "refresh 1", w.App().Refresh(), http.StatusOK)
	lifeOK(t, "refresh 2", w.App().Refresh(), http.StatusOK)
	f := lifeFamily(t, w, "f-1")
	if f.ClientID != ClientSPA || f.Sub != DemoUser || f.Scope != DefaultScope || !f.AuthTime.Equal(Epoch()) ||
		!f.AbsExpiry.Equal(Epoch().Add(30*day)) || !f.RevokedAt.IsZero() {
		t.Fatalf("family: %+v", f)
	}
	want := []struct {
		label, parent string
		state         TokenState
	}{{"rt-1", "", StateRotated}, {"rt-2", "rt-1", StateRotated}, {"rt-3", "rt-2", StateActive}}
	if len(f.Refresh) != len(want) || len(f.Access) != 3 {
		t.Fatalf("family has %d refresh and %d access tokens", len(f.Refresh), len(f.Access))
	}
	for i, r := range f.Refresh {
		if r.Label != want[i].label || r.Parent != want[i].parent || r.State != want[i].state {
			t.Fatalf("refresh %d: %+v, want %+v", i, r, want[i])
		}
	}
	// The attacker's rt-1 is now retired: it can do nothing with it but
	// trigger reuse detection.
	if s := w.Inspect().Attacker; s.Summary != "holds only dead tokens: can do nothing" {
		t.Fatalf("attacker with a rotated token: %+v", s)
	}
	lifeFail(t, "replay", w.Attacker().Refresh(), 400, CodeInvalidGrant, "reuse detected")
	f = lifeFamily(t, w, "f-1")
	if f.RevokedAt.IsZero() || !strings.Contains(f.RevokedWhy, "rt-1 was reused") {
		t.Fatalf("revoked family: %+v", f)
	}
	if r := f.Refresh[2]; r.State != StateRevoked || !strings.Contains(r.Why, "family f-1 was revoked") || r.ChangedAt.IsZero() {
		t.Fatalf("rt-3 after revocation: %+v", r)
	}
	for _, a := range f.Access {
		if a.State != StateRevoked || !strings.Contains(a.Why, "rt-1 was reused") {
			t.Fatalf("access %s after revocation: %+v", a.Label, a)
		}
	}
	// The app does not know yet: it still holds rt-3, which the inspector
	// shows revoked, until it next tries to refresh.
	s := w.Inspect()
	if rt := lifeView(t, s, ActorApp, "refresh"); !s.LoggedIn || rt.Label != "rt-3" || rt.State != StateRevoked || !strings.Contains(rt.Why, "rt-1 was reused") {
		t.Fatalf("the app's view after reuse detection: logged in %t, %+v", s.LoggedIn, rt)
	}
}

// TestLifeInspectSnapshotIsDeepCopy: a snapshot taken earlier does not
// change when the world moves on, nor when a caller edits a later one.
func TestLifeInspectSnapshotIsDeepCopy(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "steal", w.Attacker().Steal(SourceLog, TokenAccess), 0) // a theft sends no request: no status
	early := w.Inspect()
	frozen, err := json.Marshal(early)
	if err != nil {
		t.Fatal(err)
	}
	// Move the world on: time, policy, rotation, theft, revocation.
	lifeAdvance(t, w, 20*time.Minute)
	lifeSet(t, w, "api_mode", "denylist")
	lifeOK(t, "call with refresh", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "steal refresh", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
	lifeOK(t, "logout", w.App().Logout(), http.StatusOK)
	later := w.Inspect()
	// Edit the later snapshot's maps and slices.
	for i := range later.Tokens {
		if later.Tokens[i].Claims != nil { // JWTs only
			later.Tokens[i].Claims["sub"] = "mallory"
			later.Tokens[i].Header["alg"] = "none"
		}
	}
	for i := range later.Families {
		later.Families[i].Refresh[0].State = "edited"
	}
	again, _ := json.Marshal(early)
	if string(again) != string(frozen) {
		t.Fatal("an earlier snapshot changed when the world moved on")
	}
	if lifeView(t, w.Inspect(), ActorAttacker, "access").Claims["sub"] != DemoUser {
		t.Fatal("editing a snapshot changed the world")
	}
	if later.Time.Equal(early.Time) || later.EventsLen == early.EventsLen || len(later.Families[0].Refresh) == len(early.Families[0].Refresh) {
		t.Fatal("the later snapshot does not show the world moving on")
	}
	if early.Families[0].Refresh[0].State != StateActive || early.Policy.APIMode != ModeStateless || !early.LoggedIn {
		t.Fatalf("early snapshot: %+v", early)
	}
}

// TestLifeAcceptedUntilIsOneFact: a stolen access token revoked at logout
// is accepted by a stateless API until exp plus the leeway (RFC 7519
// §4.1.4; protocol.md item 52), and the token's own account (the Tokens
// tab) and the attacker's (the Attacker tab) quote that same instant, not
// the bare exp.
func TestLifeAcceptedUntilIsOneFact(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenAccess), 0)
	lifeOK(t, "logout", w.App().Logout(), http.StatusOK)
	s := w.Inspect()
	stolen := lifeView(t, s, ActorAttacker, "access")
	want := stolen.ExpiresAt.Add(s.Policy.Leeway)
	if s.Policy.Leeway == 0 || !stolen.AcceptedUntil.Equal(want) {
		t.Fatalf("accepted until %v, want exp %v + leeway %v", stolen.AcceptedUntil, stolen.ExpiresAt, s.Policy.Leeway)
	}
	until := when(want)
	if stolen.State != StateRevoked || !strings.Contains(stolen.Why, "until "+until) || strings.Contains(stolen.Why, "until "+when(stolen.ExpiresAt)) {
		t.Errorf("the token's account says %q; want accepted until %s (exp plus leeway)", stolen.Why, until)
	}
	if !strings.Contains(s.Attacker.Summary, "until "+until) {
		t.Errorf("the attacker's account says %q; want until %s", s.Attacker.Summary, until)
	}
	// The account names what each way of checking does with it; pushed
	// revocation (api_mode=pushed) is one of them.
	for _, way := range []string{"locally", "introspects", "denylist", "pushed"} {
		if !strings.Contains(stolen.Why, way) {
			t.Errorf("the token's account %q leaves out the API that %s", stolen.Why, way)
		}
	}
	for _, f := range s.Families {
		for _, a := range f.Access {
			if !a.AcceptedUntil.Equal(a.ExpiresAt.Add(s.Policy.Leeway)) || a.IssuedAt.IsZero() {
				t.Errorf("family view of %s: issued %v, accepted until %v", a.Label, a.IssuedAt, a.AcceptedUntil)
			}
		}
	}
}

// The snapshot says what refresh token this world's app gets, so that no
// front end works it out from the lesson's settings: none to Google's
// single-page app, one to its web app (Google's JavaScript flow page), and
// the first-party backend's cookie lifetimes whatever the client rules.
func TestSnapshotRefresh(t *testing.T) {
	spa := lifeWorld(t, "google")
	web := lifeWorld(t, "google", func(c *Config) { c.Client = KindWeb })
	fp := lifeWorld(t, "google", func(c *Config) { c.Topology = TopologyFirstParty })
	pol := spa.Policy()
	for _, tc := range []struct {
		name string
		w    *World
		want string
	}{
		{"single-page app", spa, "none"},
		{"web app", web, pol.DescribeRefresh(KindWeb)},
		{"first-party", fp, pol.RefreshLifetimes()},
	} {
		if got := tc.w.Inspect().Refresh; got != tc.want {
			t.Errorf("%s: Refresh = %q, want %q", tc.name, got, tc.want)
		}
	}
	if pol.DescribeRefresh(KindWeb) == "none" {
		t.Fatal("google's web app gets no refresh token: the test cannot tell the clients apart")
	}
}

// TestAcceptedUntilFollowsAPIClock: an API whose clock runs behind (or
// ahead of) the AS's accepts a token that much longer (or shorter), and
// "accepted until" says so: the attacker's call one second before that
// instant works, the one at it is refused (RFC 7519 §4.1.4, judged by the
// API's own clock).
func TestAcceptedUntilFollowsAPIClock(t *testing.T) {
	for _, skew := range []string{"-2m", "0s", "10s"} {
		w := lifeWorld(t, "")
		if err := w.Set("api_clock_skew", skew); err != nil {
			t.Fatal(err)
		}
		lifeLogin(t, w, "")
		lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenAccess), 0)
		stolen := lifeView(t, w.Inspect(), ActorAttacker, "access")
		until := stolen.AcceptedUntil
		if want := stolen.ExpiresAt.Add(w.Inspect().Policy.Leeway - w.Inspect().Policy.APIClockSkew); !until.Equal(want) {
			t.Fatalf("skew %s: accepted until %v, want %v", skew, until, want)
		}
		w.Advance(until.Add(-time.Second).Sub(w.Clock().Now()))
		if o := w.Attacker().CallAPI(http.MethodGet, "/api/orders"); o.Status != http.StatusOK {
			t.Fatalf("skew %s: a second before %v the API refused: %+v", skew, until, o)
		}
		if s := w.Inspect().Attacker.Summary; !strings.Contains(s, "until "+when(until)) {
			t.Errorf("skew %s: the attacker's account %q does not say until %s", skew, s, when(until))
		}
		w.Advance(time.Second)
		if o := w.Attacker().CallAPI(http.MethodGet, "/api/orders"); o.Status != http.StatusUnauthorized {
			t.Fatalf("skew %s: at %v the API still accepted it: %+v", skew, until, o)
		}
	}
}

// TestAttackerAccountIntrospectGrantEnded: with an API that introspects,
// a stolen access token of a user the administrator has disabled is dead
// at once (RFC 7662 §2.2: the AS answers active: false), and the
// attacker's account must not say it can call the API until exp.
func TestAttackerAccountIntrospectGrantEnded(t *testing.T) {
	w := lifeWorld(t, "")
	if err := w.Set("api_mode", "introspect"); err != nil {
		t.Fatal(err)
	}
	lifeLogin(t, w, "")
	lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenAccess), 0)
	if err := w.DisableUser(DemoUser); err != nil {
		t.Fatal(err)
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/orders"); o.Status != http.StatusUnauthorized {
		t.Fatalf("the API took a disabled user's token: %+v", o)
	}
	if s := w.Inspect().Attacker.Summary; strings.Contains(s, "call the API") {
		t.Errorf("the attacker's account says %q", s)
	}
}
