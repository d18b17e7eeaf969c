package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The first-party topology (curriculum `first-party`): the app's own backend
// issues the tokens, the refresh token lives in an httpOnly, Secure,
// SameSite=Strict cookie scoped to /auth.

func lifeFPWorld(t testing.TB) *World {
	t.Helper()
	return lifeWorld(t, "", func(c *Config) { c.Topology = TopologyFirstParty })
}

// lifeSetCookie returns the refresh cookie an exchange's response set.
func lifeSetCookie(t testing.TB, e Event) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: e.Exchange.Response.Header}).Cookies() {
		if c.Name == refreshCookieName {
			return c
		}
	}
	t.Fatalf("event %d (%s) set no refresh cookie", e.Seq, e.Path)
	return nil
}

// TestLifeFirstPartyLifecycle: login, call, refresh rotating the cookie
// (RFC 6265 §4.1.2.5–4.1.2.7 attributes; rotation per RFC 9700 §4.14.2),
// logout revoking the family.
func TestLifeFirstPartyLifecycle(t *testing.T) {
	w := lifeFPWorld(t)
	if w.fpBackend() == nil || w.App().Storage() != StorageCookie || w.App().ID() != ClientFirstParty {
		t.Fatalf("first-party world: fp %v storage %s id %s", w.fpBackend() != nil, w.App().Storage(), w.App().ID())
	}
	n := w.Log().Len()
	lifeOK(t, "login", w.App().Login(DemoUser, DemoPassword, ""), http.StatusOK)
	li := lifeExchanges(w, n, ActorApp, "/auth/login")
	if len(li) != 1 {
		t.Fatalf("login exchanges: %d", len(li))
	}
	c1 := lifeSetCookie(t, li[0])
	if strings.Contains(li[0].Exchange.Response.Body, c1.Value) || strings.Contains(li[0].Exchange.Response.Body, "refresh_token") {
		t.Fatal("the login body carries the refresh token")
	}
	at1, rt1 := lifeHeld(w)
	if at1 == "" || rt1 != c1.Value {
		t.Fatal("the browser does not hold the cookie the backend set")
	}
	// The inspector shows the cookie in the user's browser, not the app's storage.
	if v := lifeView(t, w.Inspect(), ActorUser, "refresh"); v.Where != "httpOnly cookie" || v.Label != "rt-1" || v.State != StateActive {
		t.Fatalf("cookie view: %+v", v)
	}
	if a := lifeView(t, w.Inspect(), ActorApp, "access"); a.Claims["iss"] != AppOrigin || a.Claims["client_id"] != ClientFirstParty {
		t.Fatalf("first-party access token claims: %v", a.Claims)
	}
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "write", w.App().Call(http.MethodPost, "/api/orders"), http.StatusCreated)
	for _, e := range lifeExchanges(w, 0, ActorApp, "") {
		if strings.HasPrefix(e.Path, "/api/") && strings.Contains(e.Exchange.Request.Text(), rt1) {
			t.Fatal("an API request carried the refresh cookie (Path=/auth must keep it away)")
		}
	}

	// Refresh rotates the cookie.
	n = w.Log().Len()
	lifeOK(t, "refresh", w.App().Refresh(), http.StatusOK)
	rf := lifeExchanges(w, n, ActorApp, "/auth/refresh")
	if len(rf) != 1 || !strings.Contains(rf[0].Exchange.Request.Header.Get("Cookie"), refreshCookieName+"="+rt1) {
		t.Fatalf("refresh exchange: %+v", rf)
	}
	c2 := lifeSetCookie(t, rf[0])
	if c2.Value == "" || c2.Value == rt1 || !c2.HttpOnly || !c2.Secure || c2.SameSite != http.SameSiteStrictMode || c2.Path != "/auth" {
		t.Fatalf("rotated cookie: %+v", c2)
	}
	if c2.MaxAge != int(w.Policy().RefreshAbsolute.Seconds()) {
		t.Fatalf("cookie Max-Age %d, want the absolute lifetime", c2.MaxAge)
	}
	at2, rt2 := lifeHeld(w)
	if at2 == at1 || rt2 != c2.Value {
		t.Fatal("after refresh: new access token and the rotated cookie expected")
	}
	if r := lifeRT(t, lifeFamily(t, w, "f-1"), "rt-1"); r.State != StateRotated {
		t.Fatalf("rt-1: %+v", r)
	}

	// Proactive refresh through Call, as in the OAuth topology.
	lifeAdvance(t, w, w.Policy().AccessTTL)
	n = w.Log().Len()
	lifeOK(t, "call after expiry", w.App().Call(http.MethodGet, "/api/profile"), http.StatusOK)
	if len(lifeExchanges(w, n, ActorApp, "/auth/refresh")) != 1 {
		t.Fatal("no refresh before the call")
	}

	// Logout revokes the family and clears the cookie.
	lifeOK(t, "steal access", w.Attacker().Steal(SourceLog, TokenAccess), 0) // a theft sends no request: no status
	n = w.Log().Len()
	lifeOK(t, "logout", w.App().Logout(), http.StatusNoContent)
	lo := lifeExchanges(w, n, ActorApp, "/auth/logout")
	if len(lo) != 1 || lifeSetCookie(t, lo[0]).MaxAge >= 0 {
		t.Fatalf("logout did not clear the cookie: %+v", lo)
	}
	if w.App().LoggedIn() {
		t.Fatal("still logged in after logout")
	}
	f := lifeFamily(t, w, "f-1")
	if !strings.Contains(f.RevokedWhy, "logged out") {
		t.Fatalf("family after logout: %+v", f)
	}
	lifeFail(t, "refresh after logout", w.App().Refresh(), 401, CodeInvalidGrant, "no refresh cookie")
	// The stolen access token still works at the stateless API (item 90).
	lifeOK(t, "stolen access token after logout", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
}

// TestLifeFirstPartyScriptInjection: script injection cannot read the
// httpOnly refresh cookie, but can make the page call /auth/refresh and
// exfiltrate a fresh access token (session riding). Short access tokens and
// rotation still matter.
func TestLifeFirstPartyScriptInjection(t *testing.T) {
	w := lifeFPWorld(t)
	lifeOK(t, "login", w.App().Login(DemoUser, DemoPassword, ""), http.StatusOK)
	o := w.Attacker().Steal(SourceScript, TokenRefresh)
	if o.Error != CodeUnreachable || !strings.Contains(o.Reason, "httpOnly") {
		t.Fatalf("script vs httpOnly cookie: %+v", o)
	}
	// A page variable is no defence against script in the page
	// (draft-ietf-oauth-browser-based-apps, in-memory storage).
	if !strings.Contains(o.Reason, "a script in the page can intercept it") {
		t.Errorf("the reason presents the page variable as out of the script's reach: %q", o.Reason)
	}
	if w.Inspect().Attacker.HoldsRefresh {
		t.Fatal("the attacker holds a refresh token")
	}
	n := w.Log().Len()
	lifeOK(t, "ride the session", w.Attacker().RideSession(), http.StatusOK)
	// The ride's request leaves Alice's browser, from the app's page: the
	// wire records it as the app's, never the attacker's (issue 12: the
	// diagram drew it Attacker → Auth server).
	if ride := lifeExchanges(w, n, ActorAttacker, "/auth/refresh"); len(ride) != 0 {
		t.Fatal("the ride's request is drawn from the attacker")
	}
	ride := lifeExchanges(w, n, ActorApp, "/auth/refresh")
	if len(ride) != 1 || !strings.Contains(ride[0].Exchange.Request.Header.Get("Cookie"), refreshCookieName+"=") {
		t.Fatal("the ride did not go through the browser's cookie")
	}
	st := lifeEvents(w, n, KindStolen)
	if len(st) != 1 || !strings.Contains(st[0].Reason, "could not read the httpOnly cookie") {
		t.Fatalf("token.stolen: %+v", st)
	}
	snap := w.Inspect()
	if !snap.Attacker.HoldsAccess || snap.Attacker.HoldsRefresh {
		t.Fatalf("after the ride: %+v", snap.Attacker)
	}
	lifeOK(t, "thief's call", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
	// The ride rotated the cookie inside the victim's browser: the victim
	// carries on, unaware.
	lifeOK(t, "victim refresh after the ride", w.App().Refresh(), http.StatusOK)
	if lifeFamily(t, w, "f-1").RevokedWhy != "" {
		t.Fatal("the ride revoked the family")
	}
	// The ride is useless against an OAuth app.
	w2 := lifeWorld(t, "")
	lifeLogin(t, w2, "")
	if o := w2.Attacker().RideSession(); o.Error != CodeUnreachable {
		t.Fatalf("RideSession in OAuth topology: %+v", o)
	}
}

// TestLifeFirstPartyCookieReuse: presenting an old (rotated) cookie value is
// reuse: the backend revokes the family (RFC 9700 §4.14.2), answers 401
// invalid_grant, and the victim's next refresh ends the session.
func TestLifeFirstPartyCookieReuse(t *testing.T) {
	w := lifeFPWorld(t)
	lifeOK(t, "login", w.App().Login(DemoUser, DemoPassword, ""), http.StatusOK)
	_, old := lifeHeld(w)
	lifeOK(t, "refresh", w.App().Refresh(), http.StatusOK)
	r := send(t, w, ActorAttacker, http.MethodPost, AppOrigin+"/auth/refresh", "",
		http.Header{"Cookie": {refreshCookieName + "=" + old}, "Content-Type": {"application/json"}})
	if r.status != 401 || !strings.Contains(r.body, CodeInvalidGrant) {
		t.Fatalf("old cookie: %d %s", r.status, r.body)
	}
	last := lifeExchanges(w, 0, ActorAttacker, "/auth/refresh")
	if len(last) != 1 || !strings.Contains(last[0].Reason, "reuse detected") || lifeSetCookie(t, last[0]).MaxAge >= 0 {
		t.Fatalf("reuse exchange: %+v", last)
	}
	if f := lifeFamily(t, w, "f-1"); !strings.Contains(f.RevokedWhy, "rt-1 was reused") || lifeRT(t, f, "rt-2").State != StateRevoked {
		t.Fatalf("family: %+v", f)
	}
	n := w.Log().Len()
	lifeFail(t, "victim refresh", w.App().Refresh(), 401, CodeInvalidGrant, "revoked", "rt-1 was reused")
	if len(lifeEvents(w, n, KindSessionEnded)) != 1 || w.App().LoggedIn() {
		t.Fatal("the victim's session did not end")
	}
}

// TestLifeFirstPartyNetworkTheft: httpOnly keeps the cookie from scripts, not
// from whoever sits on the connection. A network interceptor gets the newest
// cookie value, refreshes with it from its own machine, and rotation's reuse
// detection then ends the family when the victim refreshes.
func TestLifeFirstPartyNetworkTheft(t *testing.T) {
	w := lifeFPWorld(t)
	lifeOK(t, "login", w.App().Login(DemoUser, DemoPassword, ""), http.StatusOK)
	lifeOK(t, "refresh", w.App().Refresh(), http.StatusOK)
	_, rt2 := lifeHeld(w)
	lifeOK(t, "network steal", w.Attacker().Steal(SourceNetwork, TokenRefresh), 0) // a theft sends no request: no status
	if _, r := lifeAttackerHolds(w); r != rt2 {
		t.Fatalf("the interceptor got %s, want the current cookie rt-2", lifeLabel(w, r))
	}
	lifeOK(t, "thief refreshes with the cookie", w.Attacker().Refresh(), http.StatusOK)
	if _, r := lifeAttackerHolds(w); r == rt2 || lifeLabel(w, r) != "rt-3" {
		t.Fatalf("the thief did not keep the rotated cookie: %s", lifeLabel(w, r))
	}
	lifeOK(t, "thief calls", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeAdvance(t, w, time.Minute)
	lifeFail(t, "victim presents rt-2", w.App().Refresh(), 401, CodeInvalidGrant, "reuse detected")
	lifeFail(t, "thief's rt-3 died too", w.Attacker().Refresh(), 401, CodeInvalidGrant, "revoked")
}

// TestLifeFirstPartyNewTab: a second tab of a first-party app shares the
// browser's cookie jar and talks to the same backend.
func TestLifeFirstPartyNewTab(t *testing.T) {
	w := lifeFPWorld(t)
	lifeOK(t, "login", w.App().Login(DemoUser, DemoPassword, ""), http.StatusOK)
	tab := w.NewTab()
	if !tab.LoggedIn() || tab.ID() != ClientFirstParty {
		t.Fatalf("tab: logged in %t, id %s", tab.LoggedIn(), tab.ID())
	}
	lifeOK(t, "tab call", tab.Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "tab refresh", tab.Refresh(), http.StatusOK)
	_, rt := lifeHeld(w)
	if lifeLabel(w, rt) != "rt-2" {
		t.Fatalf("the first tab sees %s, want the cookie tab 2 rotated", lifeLabel(w, rt))
	}
	lifeOK(t, "first tab refresh", w.App().Refresh(), http.StatusOK)
	if lifeFamily(t, w, "f-1").RevokedWhy != "" {
		t.Fatal("tabs sharing a cookie jar triggered reuse detection")
	}
}
