package sim

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// Theft, reuse detection, races and revocation: checklist section E
// (items 74–80) and A items 25–29.

// TestLifeAccessTokenTheft: curriculum `access-token-theft`, item 74 (RFC
// 6750 §5.3). An access token copied from a log line works for the thief
// until exp+leeway, then 401 invalid_token: the damage window is the token's
// remaining life.
func TestLifeAccessTokenTheft(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	if o := w.Attacker().Steal(SourceLog, TokenAccess); o.Error != CodeUnreachable || !strings.Contains(o.Reason, "no API request") {
		t.Fatalf("steal before any API call: %+v", o)
	}
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "steal from log", w.Attacker().Steal(SourceLog, TokenAccess), 0) // a theft sends no request: no status
	o := w.Attacker().CallAPI(http.MethodGet, "/api/orders")
	lifeOK(t, "thief's call", o, http.StatusOK)
	if o.Token != "at-1" {
		t.Fatalf("the thief used %q, want at-1", o.Token)
	}
	lifeAdvance(t, w, w.Policy().AccessTTL+w.Policy().Leeway-time.Second)
	lifeOK(t, "thief's call at the end of the window", w.Attacker().CallAPI(http.MethodGet, "/api/profile"), http.StatusOK)
	lifeAdvance(t, w, time.Second)
	lifeFail(t, "thief's call after exp+leeway", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), 401, CodeInvalidToken, "at-1 expired")
}

// TestLifeReuseAttackerFirst: curriculum `refresh-theft-rotation`, item 78
// (RFC 9700 §4.14.2). The thief refreshes first and gets RT2′; the victim
// then presents the retired RT1 → 400 invalid_grant, reuse detected, the
// family revoked, so RT2′ dies too. The thief's access token, already
// minted, lives at a stateless API until its exp.
func TestLifeReuseAttackerFirst(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	lifeLogin(t, w, "")
	lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
	lifeAdvance(t, w, 5*time.Minute)
	lifeOK(t, "thief refreshes", w.Attacker().Refresh(), http.StatusOK)
	if tv := w.Inspect(); !tv.Attacker.HoldsRefresh || !strings.Contains(tv.Attacker.Summary, "mint new access tokens at the token endpoint with rt-2") {
		t.Fatalf("attacker after refresh: %+v", tv.Attacker)
	}
	lifeOK(t, "thief calls with its fresh access token", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
	thiefExp := w.Clock().Now().Add(w.Policy().AccessTTL)

	lifeAdvance(t, w, time.Minute)
	n := w.Log().Len()
	o := w.App().Refresh()
	lifeFail(t, "victim presents rt-1", o, 400, CodeInvalidGrant, "rt-1", "reuse detected", "family f-1 revoked")
	if o.Token != "rt-1" {
		t.Fatalf("outcome token %q", o.Token)
	}
	if r := lifeEvents(w, n, KindReuse); len(r) != 1 || r[0].Token != "rt-1" || !strings.Contains(r[0].Reason, "RFC 9700") {
		t.Fatalf("reuse.detected: %+v", r)
	}
	if s := lifeEvents(w, n, KindSessionEnded); len(s) != 1 {
		t.Fatalf("session.ended: %+v", s)
	}
	f := lifeFamily(t, w, "f-1")
	if f.RevokedAt.IsZero() || !strings.Contains(f.RevokedWhy, "rt-1 was reused") {
		t.Fatalf("family: %+v", f)
	}
	if r := lifeRT(t, f, "rt-2"); r.State != StateRevoked || r.Parent != "rt-1" {
		t.Fatalf("the thief's rt-2: %+v", r)
	}
	// The thief's newer refresh token is dead.
	lifeFail(t, "thief refreshes again", w.Attacker().Refresh(), 400, CodeInvalidGrant, "rt-2", "revoked")
	// Its access token is revoked at the AS but a stateless API cannot know.
	for _, a := range f.Access {
		if a.State != StateRevoked && a.State != StateExpired {
			t.Fatalf("access token %s is %s after family revocation", a.Label, a.State)
		}
	}
	lifeOK(t, "thief's access token at a stateless API", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeAdvance(t, w, thiefExp.Sub(w.Clock().Now())+w.Policy().Leeway)
	lifeFail(t, "thief's access token after exp", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), 401, CodeInvalidToken, "expired")
	// The victim logs in again: a new family.
	lifeLogin(t, w, "")
	lifeOK(t, "victim after a fresh login", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	if lifeFamily(t, w, "f-2").RevokedWhy != "" {
		t.Fatal("the new family is revoked")
	}
}

// TestLifeReuseVictimFirst: curriculum `refresh-theft-victim-first`, item 79.
// The victim refreshes first; the thief replays the retired RT1 → reuse
// detected, family revoked; the victim's next refresh → invalid_grant and
// session.ended: the AS cannot tell the thief from the user.
func TestLifeReuseVictimFirst(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	_, rt1 := lifeLogin(t, w, "")
	lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
	lifeAdvance(t, w, 15*time.Minute)
	lifeOK(t, "victim's call (proactive refresh)", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	if _, rt2 := lifeHeld(w); rt2 == rt1 {
		t.Fatal("the victim's refresh did not rotate")
	}
	n := w.Log().Len()
	o := w.Attacker().Refresh()
	lifeFail(t, "thief replays rt-1", o, 400, CodeInvalidGrant, "rt-1", "reuse detected", "revoked")
	if len(lifeEvents(w, n, KindReuse)) != 1 || len(lifeEvents(w, n, KindFamilyRevoked)) != 1 {
		t.Fatal("want one reuse.detected and one family.revoked")
	}
	if len(lifeEvents(w, n, KindSessionEnded)) != 0 {
		t.Fatal("the victim's session ended before it noticed")
	}
	if lifeRT(t, lifeFamily(t, w, "f-1"), "rt-2").State != StateRevoked {
		t.Fatal("the victim's rt-2 survived")
	}
	n = w.Log().Len()
	o = w.App().Refresh()
	lifeFail(t, "victim's next refresh", o, 400, CodeInvalidGrant, "rt-2", "revoked", "rt-1 was reused")
	ended := lifeEvents(w, n, KindSessionEnded)
	if len(ended) != 1 || ended[0].From != ActorApp || ended[0].Reason != o.Reason {
		t.Fatalf("session.ended: %+v", ended)
	}
	if w.App().LoggedIn() {
		t.Fatal("the app kept tokens of a revoked family")
	}
}

// TestLifeNoRotationStolenRefresh: curriculum `refresh-theft-no-rotation`,
// item 77: without rotation a stolen public-client refresh token mints
// access tokens for weeks, undetected, until the absolute lifetime (the
// flaw RFC 9700 §2.2.2 forbids).
func TestLifeNoRotationStolenRefresh(t *testing.T) {
	for _, tc := range []struct {
		name   string
		preset string
		set    map[string]string
		abs    time.Duration
	}{
		{"naive", "naive", nil, 90 * day},
		{"tokensim rotation=false", "tokensim", map[string]string{"rotation": "false", "refresh_idle": "0"}, 30 * day},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := lifeWorld(t, tc.preset)
			for k, v := range tc.set {
				lifeSet(t, w, k, v)
			}
			if w.Policy().Rotation {
				t.Fatal("rotation is on")
			}
			_, rt := lifeLogin(t, w, "")
			loginAt := w.Clock().Now()
			lifeOK(t, "steal", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
			mints := 0
			var seen []string
			for step := 10 * day; w.Clock().Elapsed(loginAt)+step < tc.abs; {
				lifeAdvance(t, w, step)
				n := w.Log().Len()
				lifeOK(t, "thief refreshes", w.Attacker().Refresh(), http.StatusOK)
				lifeOK(t, "thief calls", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
				tok := lifeExchanges(w, n, ActorAttacker, "/token")[0]
				if strings.Contains(tok.Exchange.Response.Body, "refresh_token") {
					t.Fatal("no rotation, but the response carries a refresh_token (item 29)")
				}
				seen = append(seen, tok.Exchange.Response.Body)
				mints++
			}
			if mints < 2 {
				t.Fatalf("only %d mints", mints)
			}
			if seen[0] == seen[1] {
				t.Fatal("the thief got the same access token twice")
			}
			// The victim's token is the thief's, still active, never noticed.
			if _, v := lifeHeld(w); v != rt {
				t.Fatal("the victim's refresh token changed without rotation")
			}
			lifeOK(t, "victim still refreshes", w.App().Refresh(), http.StatusOK)
			if len(lifeEvents(w, 0, KindReuse)) != 0 || len(lifeEvents(w, 0, KindFamilyRevoked)) != 0 {
				t.Fatal("without rotation nothing should be detected")
			}
			lifeAdvance(t, w, loginAt.Add(tc.abs).Sub(w.Clock().Now()))
			lifeFail(t, "thief at the absolute lifetime", w.Attacker().Refresh(), 400, CodeInvalidGrant, "absolute")
		})
	}
}

// TestLifeOktaGrace: item 27 under the okta preset (30 s grace). The
// immediately previous refresh token reused within 30 s is forgiven: 200,
// no revocation. Reused after 30 s it is reuse (item 26).
func TestLifeOktaGrace(t *testing.T) {
	w := lifeWorld(t, "okta")
	if w.Policy().ReuseGrace != 30*time.Second {
		t.Fatalf("okta grace %s", w.Policy().ReuseGrace)
	}
	lifeLogin(t, w, "")
	lifeOK(t, "steal rt-1", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
	lifeOK(t, "victim rotates rt-1", w.App().Refresh(), http.StatusOK)
	lifeAdvance(t, w, 30*time.Second) // the boundary is inside (≤ grace)
	n := w.Log().Len()
	lifeOK(t, "rt-1 reused within the grace", w.Attacker().Refresh(), http.StatusOK)
	if len(lifeEvents(w, n, KindReuse)) != 0 || len(lifeEvents(w, n, KindFamilyRevoked)) != 0 {
		t.Fatal("grace reuse was punished")
	}
	forgiven := false
	for _, e := range lifeEvents(w, n, KindRotated) {
		forgiven = forgiven || (e.Token == "rt-1" && strings.Contains(e.Reason, "grace interval: forgiven"))
	}
	if !forgiven {
		t.Fatal("no event says the reuse was forgiven")
	}
	f := lifeFamily(t, w, "f-1")
	if r := lifeRT(t, f, "rt-3"); r.Parent != "rt-1" || r.State != StateActive {
		t.Fatalf("rt-3: %+v", r)
	}
	// The token issued in between stays active too (graceReuse: two
	// independent sources racing on one token both keep a session).
	if r := lifeRT(t, f, "rt-2"); r.State != StateActive || r.Parent != "rt-1" {
		t.Fatalf("rt-2: %+v", r)
	}
	lifeOK(t, "victim refreshes with rt-2", w.App().Refresh(), http.StatusOK)
	lifeOK(t, "thief refreshes with rt-3", w.Attacker().Refresh(), http.StatusOK)
	if lifeFamily(t, w, "f-1").RevokedWhy != "" {
		t.Fatal("family revoked after the grace")
	}

	// A second world: the same reuse 31 s after rotation is reuse.
	w = lifeWorld(t, "okta")
	lifeLogin(t, w, "")
	lifeOK(t, "steal rt-1", w.Attacker().Steal(SourceScript, TokenRefresh), 0) // a theft sends no request: no status
	lifeOK(t, "victim rotates rt-1", w.App().Refresh(), http.StatusOK)
	lifeAdvance(t, w, 31*time.Second)
	lifeFail(t, "rt-1 reused after the grace", w.Attacker().Refresh(), 400, CodeInvalidGrant, "reuse detected")
	if lifeFamily(t, w, "f-1").RevokedWhy == "" {
		t.Fatal("family not revoked")
	}
	// Okta also revokes the access tokens issued since login (RevokeAccessOnReuse).
	for _, a := range lifeFamily(t, w, "f-1").Access {
		if a.State != StateRevoked {
			t.Fatalf("%s is %s", a.Label, a.State)
		}
	}
}

// lifeBarrier routes the AS's /token through a gate that holds every request
// until n have arrived, so that n tabs deterministically present the same
// refresh token before any answer comes back (item 80). Requests then reach
// the AS, which serialises them.
func lifeBarrier(w *World, n int) *int {
	var mu sync.Mutex
	arrived := 0
	all := make(chan struct{})
	w.wire.HandlePrefix(HostAS, "/token", ActorAS, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrived++
		if arrived == n {
			close(all)
		}
		mu.Unlock()
		<-all
		w.AuthServer().ServeHTTP(rw, r)
	}))
	return &arrived
}

// TestLifeTwoTabRace: curriculum `multi-tab-race`, item 80. Two tabs sharing
// one store refresh at once with the same refresh token. With rotation and
// no grace, the second presentation is reuse and the family dies (RFC 9700
// §4.14.2); with reuse_grace=30s it is forgiven (item 27).
func TestLifeTwoTabRace(t *testing.T) {
	for _, tc := range []struct {
		grace   string
		revoked bool
	}{{"0", true}, {"30s", false}} {
		t.Run("grace="+tc.grace, func(t *testing.T) {
			w := lifeWorld(t, "tokensim")
			lifeSet(t, w, "reuse_grace", tc.grace)
			lifeLogin(t, w, "")
			tab := w.NewTab()
			if !tab.LoggedIn() {
				t.Fatal("the new tab does not share the store")
			}
			lifeAdvance(t, w, time.Hour)
			lifeBarrier(w, 2)
			n := w.Log().Len()
			var wg sync.WaitGroup
			outs := make([]Outcome, 2)
			for i, c := range []*Client{w.App(), tab} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					outs[i] = c.Refresh()
				}()
			}
			wg.Wait()
			reqs := lifeExchanges(w, n, ActorApp, "/token")
			if len(reqs) != 2 || reqs[0].Exchange.Request.Body != reqs[1].Exchange.Request.Body {
				t.Fatalf("want two /token requests with the same refresh token, got %d", len(reqs))
			}
			// Each tab's outcome is its own exchange's.
			var ok, refused []Outcome
			for _, o := range outs {
				if o.OK() {
					ok = append(ok, o)
				} else {
					refused = append(refused, o)
				}
			}
			if !tc.revoked {
				if len(ok) != 2 {
					t.Fatalf("grace: want both tabs 200, got %+v", outs)
				}
				if len(lifeEvents(w, n, KindReuse)) != 0 || lifeFamily(t, w, "f-1").RevokedWhy != "" {
					t.Fatal("grace: the race was punished")
				}
				if len(lifeEvents(w, n, KindSessionEnded)) != 0 {
					t.Fatal("grace: a session ended")
				}
				// Whichever tab wrote the store last, the session goes on.
				lifeAdvance(t, w, time.Minute)
				lifeOK(t, "refresh after the forgiven race", tab.Refresh(), http.StatusOK)
				return
			}
			if len(ok) != 1 || len(refused) != 1 {
				t.Fatalf("no grace: want one 200 and one refusal, got %+v", outs)
			}
			lifeFail(t, "the losing tab", refused[0], 400, CodeInvalidGrant, "rt-1", "reuse detected")
			if len(lifeEvents(w, n, KindReuse)) != 1 || lifeFamily(t, w, "f-1").RevokedWhy == "" {
				t.Fatal("no grace: reuse not detected")
			}
			if s := lifeEvents(w, n, KindSessionEnded); len(s) != 1 || s[0].Reason != refused[0].Reason {
				t.Fatalf("no grace: session.ended %+v", s)
			}
			// Whatever the store holds now, the session is over.
			if o := tab.Refresh(); o.OK() {
				t.Fatalf("refresh after the race succeeded: %+v", o)
			}
		})
	}
}

// TestLifeSingleFlight: the fix for the multi-tab race. With single_flight
// on, tabs refreshing at once share one /token request: the family
// survives. synctest makes "all the others are waiting" observable without
// sleeping: the first refresh is held at the gate while the rest start.
func TestLifeSingleFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := lifeWorld(t, "tokensim")
		lifeSet(t, w, "single_flight", "true")
		lifeLogin(t, w, "")
		tabs := []*Client{w.App(), w.NewTab(), w.NewTab(), w.NewTab()}
		lifeAdvance(t, w, time.Hour)

		var mu sync.Mutex
		arrived := 0
		release := make(chan struct{})
		w.wire.HandlePrefix(HostAS, "/token", ActorAS, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			mu.Lock()
			arrived++
			mu.Unlock()
			<-release
			w.AuthServer().ServeHTTP(rw, r)
		}))
		n := w.Log().Len()
		outs := make([]Outcome, len(tabs))
		var wg sync.WaitGroup
		start := func(i int) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i] = tabs[i].Refresh()
			}()
		}
		start(0)
		synctest.Wait() // tab 0's request is at the gate
		for i := 1; i < len(tabs); i++ {
			start(i)
		}
		synctest.Wait() // every other tab is blocked: on the flight, or (bug) at the gate
		mu.Lock()
		got := arrived
		mu.Unlock()
		close(release)
		wg.Wait()
		if got != 1 {
			t.Fatalf("%d /token requests for %d concurrent refreshes, want 1", got, len(tabs))
		}
		for i, o := range outs {
			if !o.OK() || o != outs[0] {
				t.Fatalf("tab %d: %+v (tab 0: %+v)", i, o, outs[0])
			}
		}
		if len(lifeExchanges(w, n, ActorApp, "/token")) != 1 || len(lifeEvents(w, n, KindReuse)) != 0 {
			t.Fatal("more than one refresh, or reuse detected")
		}
		f := lifeFamily(t, w, "f-1")
		if f.RevokedWhy != "" || lifeRT(t, f, "rt-2").State != StateActive {
			t.Fatalf("family after single-flight refresh: %+v", f)
		}
		// And the shared session carries on in every tab.
		for _, c := range tabs {
			lifeOK(t, "tab call", c.Call(http.MethodGet, "/api/orders"), http.StatusOK)
		}
	})
}

// TestLifeConfidentialClientTheft: item 76 (RFC 6749 §6, §10.4). A
// server-side web app's refresh token intercepted on the network is useless
// without the client secret: 401 invalid_client. Script injection cannot
// even read it.
func TestLifeConfidentialClientTheft(t *testing.T) {
	w := lifeWorld(t, "", func(c *Config) { c.Client = KindWeb })
	_, rt := lifeLogin(t, w, "")
	if w.App().Storage() != StorageServer {
		t.Fatalf("storage %s", w.App().Storage())
	}
	for _, k := range []TokenKind{TokenAccess, TokenRefresh} {
		if o := w.Attacker().Steal(SourceScript, k); o.Error != CodeUnreachable || !strings.Contains(o.Reason, "server-side web app") {
			t.Fatalf("script injection vs a server-side app (%s): %+v", k, o)
		}
	}
	lifeOK(t, "network steal", w.Attacker().Steal(SourceNetwork, TokenRefresh), 0) // a theft sends no request: no status
	n := w.Log().Len()
	o := w.Attacker().Refresh()
	lifeFail(t, "thief refreshes without the secret", o, 401, CodeInvalidClient, "confidential", "secret", "10.4")
	if r := lifeExchanges(w, n, ActorAttacker, "/token"); len(r) != 1 || !strings.Contains(r[0].Exchange.Request.Body, "refresh_token="+rt) {
		t.Fatal("the thief did not present the victim's refresh token")
	}
	// The token itself is untouched: the app refreshes as usual.
	lifeOK(t, "the app refreshes with its secret", w.App().Refresh(), http.StatusOK)
	if lifeFamily(t, w, "f-1").RevokedWhy != "" {
		t.Fatal("family revoked")
	}
}

// TestLifeReachMatrix: which attacker position reaches which token, by
// storage. Script injection reads localStorage only; a log line holds access
// tokens only (refresh tokens never go to APIs, RFC 6749 §1.5); the network
// position gets what the last exchanges carried.
func TestLifeReachMatrix(t *testing.T) {
	for _, tc := range []struct {
		client  ClientKind
		storage Storage
		script  string // "" = success, else a word of the reason
	}{
		{KindSPA, StorageLocal, ""},
		// A variable is not a defence against script in the same page
		// (draft-ietf-oauth-browser-based-apps, in-memory storage): the
		// reason must say so, not only that storage held nothing.
		{KindSPA, StorageMemory, "That is not a defence: an injected script runs in the same page and can still reach them"},
		{KindSPA, StorageCookie, "httpOnly session cookie"},
		{KindWeb, StorageServer, "server-side"},
	} {
		t.Run(string(tc.storage), func(t *testing.T) {
			w := lifeWorld(t, "", func(c *Config) { c.Client, c.Storage = tc.client, tc.storage })
			at, rt := lifeLogin(t, w, "")
			for _, k := range []TokenKind{TokenAccess, TokenRefresh} {
				o := w.Attacker().Steal(SourceScript, k)
				if tc.script == "" {
					lifeOK(t, "script reads localStorage", o, 0) // a theft sends no request: no status
				} else if o.Error != CodeUnreachable || !strings.Contains(o.Reason, tc.script) {
					t.Fatalf("script vs %s (%s): %+v", tc.storage, k, o)
				}
			}
			if tc.script == "" {
				if a, r := lifeAttackerHolds(w); a != at || r != rt {
					t.Fatal("script injection stole other tokens than the app's")
				}
			}
			// Log: no API call yet → nothing; refresh never.
			if o := w.Attacker().Steal(SourceLog, TokenAccess); o.Error != CodeUnreachable {
				t.Fatalf("log before any API call: %+v", o)
			}
			lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
			lifeOK(t, "log: access", w.Attacker().Steal(SourceLog, TokenAccess), 0) // a theft sends no request: no status
			if o := w.Attacker().Steal(SourceLog, TokenRefresh); o.Error != CodeUnreachable || !strings.Contains(o.Reason, "never go to the API") {
				t.Fatalf("log: refresh %+v", o)
			}
			if a, _ := lifeAttackerHolds(w); a != at {
				t.Fatal("the log gave another access token")
			}
			// Network: the last exchange carrying each kind. After a
			// rotation that is the new refresh token (the old one died
			// in that very exchange) and the new access token.
			lifeOK(t, "refresh", w.App().Refresh(), http.StatusOK)
			at2, rt2 := lifeHeld(w)
			lifeOK(t, "network: access", w.Attacker().Steal(SourceNetwork, TokenAccess), 0)   // a theft sends no request: no status
			lifeOK(t, "network: refresh", w.Attacker().Steal(SourceNetwork, TokenRefresh), 0) // a theft sends no request: no status
			if a, r := lifeAttackerHolds(w); a != at2 || r != rt2 {
				t.Fatalf("network gave %s/%s, want the newest tokens", lifeLabel(w, a), lifeLabel(w, r))
			}
			if len(lifeEvents(w, 0, KindStealFailed)) == 0 || len(lifeEvents(w, 0, KindStolen)) == 0 {
				t.Fatal("steals are not recorded")
			}
		})
	}
	// A network interceptor before anything was exchanged gets nothing.
	w := lifeWorld(t, "")
	if o := w.Attacker().Steal(SourceNetwork, TokenRefresh); o.Error != CodeUnreachable || !strings.Contains(o.Reason, "no intercepted exchange") {
		t.Fatalf("network before login: %+v", o)
	}
	if o := w.Attacker().Steal("shoulder-surfing", TokenAccess); o.Error != CodeUnreachable {
		t.Fatalf("unknown position: %+v", o)
	}
	if o := w.Attacker().CallAPI(http.MethodGet, "/api/orders"); o.Error != CodeNoToken {
		t.Fatalf("CallAPI with nothing stolen: %+v", o)
	}
	if o := w.Attacker().Refresh(); o.Error != CodeNoToken {
		t.Fatalf("Refresh with nothing stolen: %+v", o)
	}
}

// lifeAttackerHolds returns the attacker's token values from a snapshot.
func lifeAttackerHolds(w *World) (access, refresh string) {
	for _, tv := range w.Inspect().Tokens {
		if tv.Holder == ActorAttacker {
			if tv.Kind == "access" {
				access = tv.Value
			} else {
				refresh = tv.Value
			}
		}
	}
	return access, refresh
}

func lifeLabel(w *World, v string) string {
	for _, tv := range w.Inspect().Tokens {
		if tv.Value == v {
			return tv.Label
		}
	}
	return "?"
}

// TestLifeAdminRevoke: an administrator's "sign out everywhere" revokes
// every family of the user (RFC 7009 §2.1 semantics); an introspecting API
// (RFC 7662 §2.2, item 90) refuses the access token at once, while a
// stateless one would not.
func TestLifeAdminRevoke(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeOK(t, "steal access", w.Attacker().Steal(SourceLog, TokenAccess), 0) // a theft sends no request: no status
	lifeLogin(t, w, "")                                                      // a second session (f-2) for the same user
	lifeSet(t, w, "api_mode", "introspect")
	lifeOK(t, "introspected call before revocation", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)

	if got := w.AdminRevoke(DemoUser); got != 2 {
		t.Fatalf("AdminRevoke revoked %d families, want 2", got)
	}
	if got := w.AdminRevoke(DemoUser); got != 0 {
		t.Fatalf("a second AdminRevoke revoked %d", got)
	}
	if got := w.AdminRevoke("nobody"); got != 0 {
		t.Fatalf("AdminRevoke(nobody) = %d", got)
	}
	for _, l := range []string{"f-1", "f-2"} {
		f := lifeFamily(t, w, l)
		if !strings.Contains(f.RevokedWhy, "administrator") || f.Refresh[0].State != StateRevoked || f.Access[0].State != StateRevoked {
			t.Fatalf("%s after AdminRevoke: %+v", l, f)
		}
	}
	before := w.Counts().Introspections
	lifeFail(t, "stolen token at an introspecting API", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), 401, CodeInvalidToken, "not active", "administrator")
	if w.Counts().Introspections != before+1 {
		t.Fatal("the API did not introspect")
	}
	// The app: its access token is refused, its refresh fails, the session ends.
	n := w.Log().Len()
	lifeFail(t, "app call", w.App().Call(http.MethodGet, "/api/orders"), 400, CodeInvalidGrant, "administrator")
	if len(lifeEvents(w, n, KindSessionEnded)) != 1 {
		t.Fatal("no session.ended")
	}
	// Back to a stateless API: the same stolen token passes again (item 90).
	lifeSet(t, w, "api_mode", "stateless")
	lifeOK(t, "stateless API ignores the revocation", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeSet(t, w, "api_mode", "denylist")
	lifeFail(t, "denylisting API", w.Attacker().CallAPI(http.MethodGet, "/api/orders"), 401, CodeInvalidToken, "denylist")
}
