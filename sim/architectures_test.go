package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Browser architectures (draft-ietf-oauth-browser-based-apps, published as
// RFC 10017): a browser-based OAuth client (storage local-storage), a
// token-mediating backend (storage token-mediating) and a
// backend-for-frontend (storage cookie), each against one injected script
// (§5.1.1 single-execution token theft, §5.1.3 acquisition of new tokens,
// §5.1.4 proxying requests via the user's browser: section numbers of
// draft -17).

func archWorld(t *testing.T, s Storage) *World {
	t.Helper()
	w := lifeWorld(t, "tokensim", func(c *Config) { c.Storage = s })
	lifeLogin(t, w, "")
	return w
}

// TestArchReach: what an injected script takes away in each architecture,
// and what stays with the attacker once the script is gone. Browser-only
// with localStorage: both tokens, and the refresh token keeps minting
// access tokens after the script is gone. Token-mediating: the access
// token only, usable until exp. BFF: nothing.
func TestArchReach(t *testing.T) {
	t.Run("browser-only", func(t *testing.T) {
		w := archWorld(t, StorageLocal)
		lifeOK(t, "steal refresh", w.Attacker().Steal(SourceScript, TokenRefresh), 0)
		lifeOK(t, "steal access", w.Attacker().Steal(SourceScript, TokenAccess), 0)
		lifeOK(t, "script gone", w.Attacker().ScriptGone(), 0)
		lifeAdvance(t, w, w.Policy().AccessTTL+w.Policy().Leeway)
		lifeOK(t, "thief refreshes after the script is gone", w.Attacker().Refresh(), http.StatusOK)
		lifeOK(t, "thief calls with the minted token", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
		if s := w.Inspect().Attacker; !strings.Contains(s.Summary, "mint new access tokens") || s.Script != "" {
			t.Fatalf("attacker summary: %+v", s)
		}
	})
	t.Run("token-mediating", func(t *testing.T) {
		w := archWorld(t, StorageMediated)
		lifeFail(t, "steal refresh", w.Attacker().Steal(SourceScript, TokenRefresh), 0, CodeUnreachable, "stays on the token-mediating backend")
		lifeOK(t, "steal access", w.Attacker().Steal(SourceScript, TokenAccess), 0)
		lifeOK(t, "script gone", w.Attacker().ScriptGone(), 0)
		lifeOK(t, "thief calls before exp", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
		if s := w.Inspect().Attacker; s.HoldsRefresh || !strings.Contains(s.Summary, "call the API as the user until") || !strings.Contains(s.Script, "no longer ride") {
			t.Fatalf("attacker summary: %+v", s)
		}
		lifeAdvance(t, w, w.Policy().AccessTTL+w.Policy().Leeway)
		lifeFail(t, "thief calls after exp", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusUnauthorized, CodeInvalidToken, "expired")
		lifeFail(t, "no refresh token to use", w.Attacker().Refresh(), 0, CodeNoToken)
	})
	t.Run("bff", func(t *testing.T) {
		w := archWorld(t, StorageCookie)
		for _, k := range []TokenKind{TokenRefresh, TokenAccess} {
			lifeFail(t, "steal "+string(k), w.Attacker().Steal(SourceScript, k), 0, CodeUnreachable, "stay on the BFF")
		}
		if s := w.Inspect().Attacker; s.HoldsAccess || s.HoldsRefresh || !strings.HasPrefix(s.Summary, "holds nothing; while its script runs") {
			t.Fatalf("attacker summary: %+v", s)
		}
	})
}

// TestArchReachRule: Reaches is the one rule; the validator asks it.
func TestArchReachRule(t *testing.T) {
	for _, c := range []struct {
		storage Storage
		kind    TokenKind
		want    bool
	}{
		{StorageLocal, TokenAccess, true}, {StorageLocal, TokenRefresh, true},
		{StorageMediated, TokenAccess, true}, {StorageMediated, TokenRefresh, false},
		{StorageCookie, TokenAccess, false}, {StorageCookie, TokenRefresh, false},
	} {
		if got, why := SourceScript.Reaches(c.kind, c.storage, TopologyOAuth); got != c.want || !got && why == "" {
			t.Errorf("script reaches %s in %s: %v (%q), want %v", c.kind, c.storage, got, why, c.want)
		}
	}
}

// TestArchBFFForwards: in a BFF the browser holds only an httpOnly,
// Secure, SameSite session cookie; the page's call goes to the BFF, which
// forwards it to the API with the token it keeps, as two exchanges.
func TestArchBFFForwards(t *testing.T) {
	w := archWorld(t, StorageCookie)
	var cookie string
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.Exchange != nil && strings.Contains(e.Exchange.Response.Header.Get("Set-Cookie"), backendCookie) {
			cookie = e.Exchange.Response.Header.Get("Set-Cookie")
		}
	}
	for _, attr := range []string{"HttpOnly", "Secure", "SameSite=Strict"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("session cookie %q lacks %s", cookie, attr)
		}
	}
	n := w.Log().Len()
	o := w.App().Call(http.MethodGet, "/api/orders")
	lifeOK(t, "call through the BFF", o, http.StatusOK)
	if !strings.Contains(o.Reason, "BFF forwarded") || o.Token != "at-1" {
		t.Fatalf("outcome %+v", o)
	}
	var hops []string
	for _, e := range w.Log().Since(n) {
		if e.Kind == KindExchange && e.From != ActorAPI { // not the API's key-set fetch
			hops = append(hops, string(e.From)+"→"+string(e.To)+" "+e.Exchange.Request.Header.Get("Authorization"))
		}
	}
	if len(hops) != 2 || !strings.HasPrefix(hops[0], "user→app ") || !strings.HasPrefix(hops[1], "app→api Bearer ") {
		t.Fatalf("hops %q, want the browser to the BFF (no token), then the BFF to the API (Bearer)", hops)
	}
	for _, tv := range w.Inspect().Tokens {
		if tv.Holder == ActorApp && !strings.Contains(tv.Where, "BFF") {
			t.Errorf("%s token kept at %q, want the BFF", tv.Kind, tv.Where)
		}
	}
}

// TestArchRidingStops: while its script runs, the attacker rides the
// session (BFF: the BFF forwards its call; token-mediating: the backend
// hands it a fresh access token); once the script is gone, riding fails
// and the summary says so.
func TestArchRidingStops(t *testing.T) {
	t.Run("bff", func(t *testing.T) {
		w := archWorld(t, StorageCookie)
		o := w.Attacker().RideSession()
		lifeOK(t, "ride", o, http.StatusOK)
		if !strings.Contains(o.Reason, "without holding any token") || w.Attacker().Holds(TokenAccess) {
			t.Fatalf("ride %+v", o)
		}
		if s := w.Inspect().Attacker; !strings.Contains(s.Script, "through the BFF") {
			t.Fatalf("summary while the script runs: %+v", s)
		}
		lifeOK(t, "script gone", w.Attacker().ScriptGone(), 0)
		lifeFail(t, "ride after", w.Attacker().RideSession(), 0, CodeUnreachable, "script is gone")
		lifeFail(t, "steal after", w.Attacker().Steal(SourceScript, TokenAccess), 0, CodeUnreachable, "script is gone")
		if s := w.Inspect().Attacker; s.Summary != "holds nothing; its script is gone, so it can no longer ride Alice's session" {
			t.Fatalf("summary after: %q", s.Summary)
		}
		lifeOK(t, "Alice's own call still works", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	})
	t.Run("token-mediating", func(t *testing.T) {
		w := archWorld(t, StorageMediated)
		lifeAdvance(t, w, time.Minute)
		lifeOK(t, "ride", w.Attacker().RideSession(), http.StatusOK)
		if !w.Attacker().Holds(TokenAccess) || w.Attacker().Holds(TokenRefresh) {
			t.Fatal("the ride should hand the attacker a fresh access token and no refresh token")
		}
		lifeOK(t, "thief calls", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
		lifeOK(t, "script gone", w.Attacker().ScriptGone(), 0)
		lifeFail(t, "ride after", w.Attacker().RideSession(), 0, CodeUnreachable, "script is gone")
	})
	t.Run("browser-only has no session to ride", func(t *testing.T) {
		w := archWorld(t, StorageLocal)
		lifeFail(t, "ride", w.Attacker().RideSession(), 0, CodeUnreachable, "session riding needs")
	})
}

// TestArchMediatedHandOver: the token-mediating backend is a confidential
// client; the page gets the access token from it through the browser, and
// refreshes by asking it.
func TestArchMediatedHandOver(t *testing.T) {
	w := archWorld(t, StorageMediated)
	if w.App().ID() != ClientWeb {
		t.Fatalf("client %q, want the confidential %q", w.App().ID(), ClientWeb)
	}
	lifeAdvance(t, w, w.Policy().AccessTTL)
	n := w.Log().Len()
	lifeOK(t, "call after exp", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	var hops []string
	for _, e := range w.Log().Since(n) {
		if e.Kind == KindExchange && e.From != ActorAPI { // not the API's key-set fetch
			hops = append(hops, string(e.From)+"→"+string(e.To)+" "+e.Exchange.Request.Target)
		}
	}
	want := []string{"user→app /bff/token", "app→as /token", "app→api /api/orders"}
	if strings.Join(hops, ",") != strings.Join(want, ",") {
		t.Fatalf("hops %q, want %q", hops, want)
	}
}

// TestArchNoTabRace: behind a BFF or a token-mediating backend the tabs
// hold no refresh token to race with; the backend refreshes for them.
func TestArchNoTabRace(t *testing.T) {
	for _, s := range []Storage{StorageCookie, StorageMediated} {
		w := archWorld(t, s)
		if _, err := w.RaceRefresh(2); err == nil || !strings.Contains(err.Error(), "hold no refresh token") {
			t.Errorf("%s: race %v", s, err)
		}
	}
	if _, err := archWorld(t, StorageLocal).RaceRefresh(2); err != nil {
		t.Errorf("browser-only race: %v", err)
	}
}

// TestArchMediatedSilentLogin: a second login rides the AS session as in
// any OAuth app; the outcome says so, though the login's last exchange is
// the page's hand-over from the backend.
func TestArchMediatedSilentLogin(t *testing.T) {
	w := archWorld(t, StorageMediated)
	o := w.App().LoginWith(LoginOptions{User: DemoUser, Password: DemoPassword, Prompt: "none"})
	lifeOK(t, "silent login", o, http.StatusOK)
	if !strings.HasPrefix(o.Reason, "signed in without the form") {
		t.Fatalf("reason %q", o.Reason)
	}
}

// TestArchMediatedNoDPoP: with dpop on, a token-mediating backend still
// gets bearer tokens, and says why: the page that presents the access
// token does not hold the backend's key (RFC 9449 §7: only the key's
// holder can use a bound token).
func TestArchMediatedNoDPoP(t *testing.T) {
	w := lifeWorld(t, "tokensim", func(c *Config) { c.Storage = StorageMediated })
	lifeSet(t, w, "dpop", "true")
	lifeLogin(t, w, "")
	if w.App().DPoPKey() != "" {
		t.Fatal("the token-mediating app made a DPoP key")
	}
	for _, tv := range w.Inspect().Tokens {
		if tv.Holder == ActorApp && tv.Bound != "" {
			t.Fatalf("%s is bound to %s", tv.Label, tv.Bound)
		}
	}
	if !strings.Contains(archNotes(w), "asked for bearer tokens") {
		t.Fatal("no note says why the tokens are not bound")
	}
}

// archNotes is every client note so far, one a line.
func archNotes(w *World) string {
	var b strings.Builder
	for _, e := range w.Log().Events() {
		if e.Kind == KindClientNote {
			b.WriteString(e.Summary + "\n")
		}
	}
	return b.String()
}

// TestArchBackendNeedsSession: a BFF's /api/ and a token-mediating
// backend's /bff/token act only for a request that carries the live
// session cookie: without it, or with a guessed value, 401 login_required
// and nothing forwarded or handed out (no privilege without proof: the
// cookie is the browser's proof of the login, RFC 6265 §4.1.2.5-6 for
// its Secure and HttpOnly attributes).
func TestArchBackendNeedsSession(t *testing.T) {
	for _, tc := range []struct {
		storage      Storage
		method, path string
	}{
		{StorageCookie, http.MethodGet, "/api/orders"},
		{StorageMediated, http.MethodGet, "/bff/token"},
		{StorageMediated, http.MethodPost, "/bff/token"},
	} {
		w := archWorld(t, tc.storage)
		c := w.wire.Client(ActorAttacker)
		live := w.App().store.session
		for _, cookie := range []string{"", "guess", live} {
			req, _ := http.NewRequest(tc.method, AppOrigin+tc.path, nil)
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: backendCookie, Value: cookie})
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusUnauthorized
			if cookie == live {
				want = http.StatusOK
			}
			if resp.StatusCode != want {
				t.Errorf("%s %s %s with cookie %q: %d, want %d", tc.storage, tc.method, tc.path, cookie, resp.StatusCode, want)
			}
		}
	}
}

// TestArchRidingNeedsLiveTokens: riding a backend's session gets the
// script something only while the backend's own tokens can act for Alice.
// Past the refresh token's absolute lifetime (and the access token's exp)
// a ride fails, and the attacker's account must not say it works.
func TestArchRidingNeedsLiveTokens(t *testing.T) {
	for _, s := range []Storage{StorageMediated, StorageCookie} {
		w := archWorld(t, s)
		lifeOK(t, "ride while the tokens live", w.Attacker().RideSession(), http.StatusOK)
		if sc := w.Inspect().Attacker.Script; !strings.Contains(sc, "while its script runs") {
			t.Fatalf("%s: live tokens, yet the account says %q", s, sc)
		}
		w.Advance(w.Inspect().Policy.RefreshAbsolute + 24*time.Hour)
		if o := w.Attacker().RideSession(); o.OK() {
			t.Fatalf("%s: a ride on dead tokens worked: %+v", s, o)
		}
		if sc := w.Inspect().Attacker.Script; strings.Contains(sc, "while its script runs") || !strings.Contains(sc, "dead") {
			t.Errorf("%s: the backend's tokens are dead, yet the account says %q", s, sc)
		}
	}
}

// TestArchCompareFollowsPolicy: the comparison of the three architectures
// says what the policy makes true. Under Google's, a single-page app gets
// no refresh token, so the script cannot take one; and in a browser-only
// app the script can always run a silent login of its own through the AS
// session cookie (RFC 10017's acquisition of new tokens), so "nothing to
// ride" would be false.
func TestArchCompareFollowsPolicy(t *testing.T) {
	for _, tc := range []struct{ preset, want, not string }{
		{"tokensim", "browser-only (local-storage): it can take both the access and the refresh token", "issues the page no refresh token"},
		{"google", "this policy issues the page no refresh token to take", "it can take both"},
	} {
		w := lifeWorld(t, tc.preset)
		o := w.Attacker().CompareArchitectures()
		if !strings.Contains(o.Reason, tc.want) || strings.Contains(o.Reason, tc.not) {
			t.Errorf("%s: %q, want %q and not %q", tc.preset, o.Reason, tc.want, tc.not)
		}
		if !strings.Contains(o.Reason, "silent login of its own") || strings.Contains(o.Reason, "no session cookie to ride") {
			t.Errorf("%s: browser-only's riding: %q", tc.preset, o.Reason)
		}
	}
}
