package sim

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// An injected script acts only while it runs in the victim's page. What it
// took away (a token read from localStorage, an access token caught in the
// page) stays with the attacker after it is gone; what it does through the
// page (riding a session cookie, a silent login) stops with it
// (draft-ietf-oauth-browser-based-apps §5.1 in draft -17: single-execution
// and persistent token theft, acquisition of new tokens, proxying requests
// via the user's browser).

// scriptGoneWhy says why a script action fails once the script is gone.
const scriptGoneWhy = "the injected script is gone from Alice's page: nothing of the attacker's runs in her browser any more, so it can neither read the page nor ride her session; only what it already took away is left"

// inPage reports whether the attacker's script still runs in the victim's
// page, and marks it as having run; when it is gone, o says so.
func (a *Attacker) inPage() (o Outcome, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gone {
		return Outcome{Error: CodeUnreachable, Reason: scriptGoneWhy}, false
	}
	a.ran = true
	return Outcome{}, true
}

// ScriptGone ends the injected script's presence in the victim's page:
// Alice closed the tab of a one-time injection, or the stored injection
// was removed. Tokens it already took away stay with the attacker; riding
// her session and silent logins stop.
func (a *Attacker) ScriptGone() Outcome {
	a.mu.Lock()
	a.gone = true
	a.mu.Unlock()
	a.env.emit(Event{Kind: KindClientNote, From: ActorAttacker, To: ActorApp,
		Summary: "the injected script no longer runs in Alice's page (the tab was closed, or the injection was fixed): whatever it took away stays with the attacker; whatever it did through her browser stops"})
	return Outcome{}
}

// CheckRide says whether an injected script can ride the session of an app
// keeping its tokens in s, in a world of topology t, and which token a
// ride sends home ("" when none: a BFF's ride yields the API's answer,
// never a token). It is the one rule the engine and the scenario
// validator share.
func (t Topology) CheckRide(s Storage) (TokenKind, error) {
	switch {
	case t == TopologyFirstParty:
		return TokenAccess, nil // the page calls /auth/refresh
	case t == TopologyOAuth && s == StorageMediated:
		return TokenAccess, nil // the page asks the backend for a fresh one
	case t == TopologyOAuth && s == StorageCookie:
		return "", nil // the BFF forwards the call with its own token
	}
	return "", errors.New("session riding needs a session cookie the browser sends for the script: a first-party backend, a BFF (storage: cookie) or a token-mediating backend (storage: token-mediating)")
}

// rideBackend is RideSession against a BFF or a token-mediating backend.
func (a *Attacker) rideBackend() Outcome {
	v := a.victim
	if _, err := v.topology().CheckRide(v.storage); err != nil {
		return Outcome{Error: CodeUnreachable, Reason: err.Error()}
	}
	if !v.hasSession() {
		return Outcome{Error: CodeUnreachable, Reason: "Alice's browser holds no session with the app's backend: there is nothing to ride"}
	}
	// The request leaves Alice's browser, from the app's page, with her
	// cookie: the backend cannot tell it from the page's own.
	rider := &http.Client{Transport: v.browser.Transport, Jar: v.browser.Jar}
	req, _ := http.NewRequest(http.MethodGet, AppOrigin+"/api/orders", nil)
	if v.mediated() {
		req, _ = http.NewRequest(http.MethodPost, AppOrigin+"/bff/token", nil)
	}
	resp, body, o := a.env.send(rider, req)
	if resp == nil || resp.StatusCode != http.StatusOK {
		return o
	}
	if v.bff() {
		o.Reason = "the injected script made Alice's browser call the BFF, which forwarded the call with its own access token; the script sent the answer home. The attacker acted as Alice without holding any token, and only while its script runs"
		a.env.emit(Event{Kind: KindClientNote, From: ActorAttacker, To: ActorApp, Summary: o.Reason})
		return o
	}
	var tr tokenResponse
	if json.Unmarshal(body, &tr) == nil && tr.AccessToken != "" {
		a.mu.Lock()
		a.access = tr.AccessToken
		a.mu.Unlock()
		o.Reason = "the injected script made the page ask the token-mediating backend for a fresh access token and sent it home; the refresh token stays on the backend"
		a.env.emit(Event{Kind: KindStolen, From: ActorAttacker, To: ActorApp, Reason: o.Reason})
	}
	return o
}

// riding says, for the attacker summary, what the attacker's script can
// still do through Alice's browser, or that it no longer can; "" when its
// script never ran against a session it could ride.
//
// tokens and now are the snapshot's: a ride gets something only while the
// backend's own tokens can still act for Alice (its refresh token is
// active, or, for a BFF forwarding a call, its access token is still
// accepted). A session whose tokens are dead is nothing to ride.
func (a *Attacker) riding(tokens []TokenView, now time.Time) string {
	a.mu.Lock()
	ran, gone := a.ran, a.gone
	a.mu.Unlock()
	v := a.victim
	if _, err := v.topology().CheckRide(v.storage); !ran || err != nil {
		return ""
	}
	if gone {
		return "its script is gone, so it can no longer ride Alice's session"
	}
	refresh, access := false, false
	for _, t := range tokens {
		if t.Holder == ActorApp && t.State == StateActive {
			refresh = refresh || t.Kind == "refresh"
			access = access || (t.Kind == "access" && now.Before(t.AcceptedUntil))
		}
	}
	switch {
	case (v.fp || v.mediated()) && !refresh, v.bff() && !refresh && !access:
		return "its script still runs in Alice's page, but the backend's tokens are dead: riding her session gets it nothing"
	case v.fp && v.refreshCookie() != "":
		return "while its script runs in Alice's page, it can make the page call /auth/refresh and send the new access token home"
	case v.bff() && v.hasSession():
		return "while its script runs in Alice's page, it can make her browser call the API through the BFF, which adds its own access token (no token leaves the BFF)"
	case v.mediated() && v.hasSession():
		return "while its script runs in Alice's page, it can ask the backend for fresh access tokens (the refresh token stays on the backend)"
	}
	return "its script still runs in Alice's page, but her browser holds no session to ride"
}
