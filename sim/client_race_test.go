package sim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// raceSetup logs in under the default preset with the knobs given and
// lets the access token expire, so that every tab wants to refresh.
func raceSetup(t *testing.T, knobs ...string) *World {
	t.Helper()
	w := lifeWorld(t, "tokensim")
	for i := 0; i+1 < len(knobs); i += 2 {
		lifeSet(t, w, knobs[i], knobs[i+1])
	}
	lifeLogin(t, w, "")
	lifeAdvance(t, w, time.Hour)
	return w
}

// TestRaceRefreshReuse: curriculum `multi-tab-race`, checklist item 80.
// Two tabs read rt-1 and both present it. With rotation, reuse detection
// and no grace, the second presentation is reuse: invalid_grant, the family
// is revoked and the user is logged out (RFC 9700 §4.14.2).
func TestRaceRefreshReuse(t *testing.T) {
	w := raceSetup(t, "reuse_grace", "0", "single_flight", "false")
	n := w.Log().Len()
	outs, err := w.RaceRefresh(2)
	if err != nil {
		t.Fatal(err)
	}
	lifeOK(t, "tab 1", outs[0], http.StatusOK)
	lifeFail(t, "tab 2", outs[1], http.StatusBadRequest, CodeInvalidGrant, "rt-1", "reuse")
	reqs := lifeExchanges(w, n, ActorApp, "/token")
	if len(reqs) != 2 || reqs[0].Exchange.Request.Body != reqs[1].Exchange.Request.Body {
		t.Fatalf("want two /token requests with the same refresh token, got %d", len(reqs))
	}
	if reqs[0].Tab != 1 || reqs[1].Tab != 2 {
		t.Fatalf("the requests are not marked with their tabs: %d, %d", reqs[0].Tab, reqs[1].Tab)
	}
	for _, e := range w.Log().Since(0)[:n] {
		if e.Tab != 0 {
			t.Fatalf("an event before the race is marked tab %d: %+v", e.Tab, e)
		}
	}
	if lifeFamily(t, w, "f-1").RevokedWhy == "" || w.App().LoggedIn() {
		t.Fatal("the race did not revoke the family and log the user out")
	}
	if s := lifeEvents(w, n, KindSessionEnded); len(s) != 1 {
		t.Fatalf("session.ended events: %+v", s)
	}
	notes := lifeEvents(w, n, KindClientNote)
	if len(notes) < 2 || !strings.Contains(notes[0].Summary, "tab 1 reads refresh token rt-1") || !strings.Contains(notes[1].Summary, "tab 2 reads refresh token rt-1") {
		t.Fatalf("the race is not narrated: %+v", notes)
	}
}

// TestRaceRefreshSingleFlight: the client-side fix. The later tabs join the
// first tab's refresh: one /token request, every tab gets its result.
func TestRaceRefreshSingleFlight(t *testing.T) {
	w := raceSetup(t, "reuse_grace", "0", "single_flight", "true")
	n := w.Log().Len()
	outs, err := w.RaceRefresh(4)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs {
		if !o.OK() || o != outs[0] {
			t.Fatalf("tab %d: %+v (tab 1: %+v)", i+1, o, outs[0])
		}
	}
	if got := len(lifeExchanges(w, n, ActorApp, "/token")); got != 1 {
		t.Fatalf("%d /token requests, want 1", got)
	}
	if len(lifeEvents(w, n, KindReuse)) != 0 || !w.App().LoggedIn() {
		t.Fatal("single-flight race: reuse detected or logged out")
	}
}

// TestRaceRefreshGrace: the server-side fix (checklist item 27). The AS
// forgives the immediately previous token within reuse_grace.
func TestRaceRefreshGrace(t *testing.T) {
	w := raceSetup(t, "reuse_grace", "30s", "single_flight", "false")
	n := w.Log().Len()
	outs, err := w.RaceRefresh(2)
	if err != nil {
		t.Fatal(err)
	}
	lifeOK(t, "tab 1", outs[0], http.StatusOK)
	lifeOK(t, "tab 2", outs[1], http.StatusOK)
	if len(lifeEvents(w, n, KindReuse)) != 0 || lifeFamily(t, w, "f-1").RevokedWhy != "" {
		t.Fatal("grace: the race was punished")
	}
	lifeAdvance(t, w, time.Minute)
	lifeOK(t, "refresh after the forgiven race", w.App().Refresh(), http.StatusOK)
}

// TestRaceRefreshNoRotation: without rotation there is nothing to race
// over: both tabs present the same long-lived token and both succeed.
func TestRaceRefreshNoRotation(t *testing.T) {
	w := raceSetup(t, "rotation", "false", "reuse_detection", "false")
	outs, err := w.RaceRefresh(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		lifeOK(t, "tab", o, http.StatusOK)
	}
}

// TestRaceRefreshBadInput: tab counts out of range and the first-party
// topology are refused with a reason, not a panic.
func TestRaceRefreshBadInput(t *testing.T) {
	w := raceSetup(t)
	for _, n := range []int{-1, 0, 1, MaxRaceTabs + 1} {
		_, err := w.RaceRefresh(n)
		if want := fmt.Sprintf("a race needs 2 to %d tabs, got %d", MaxRaceTabs, n); !errors.Is(err, ErrRaceTabs) || err.Error() != want {
			t.Errorf("RaceRefresh(%d): %v, want %q", n, err, want)
		}
	}
	fp := lifeFPWorld(t)
	_, err := fp.RaceRefresh(2)
	if want := "a first-party app's refresh token is a cookie the browser sends itself: race tabs in the OAuth topology"; err == nil || err.Error() != want {
		t.Errorf("first-party race: %v, want %q", err, want)
	}
}

// TestRaceRefreshConcurrent: races and ordinary refreshes from goroutines
// at once stay safe under -race (the store's lock and the flight), and
// correct: with single-flight every tab shares the app's one refresh, so
// the AS never sees a retired token again (no reuse event), the family
// lives and the user stays logged in, and every tab's refresh succeeds.
func TestRaceRefreshConcurrent(t *testing.T) {
	w := raceSetup(t, "single_flight", "true")
	n := w.Log().Len()
	done := make(chan []Outcome, 1)
	go func() {
		var outs []Outcome
		for range 5 {
			outs = append(outs, w.NewTab().Refresh())
		}
		done <- outs
	}()
	for i := range 5 {
		outs, err := w.RaceRefresh(3)
		if err != nil {
			t.Fatalf("race %d: %v", i+1, err)
		}
		for j, o := range outs {
			lifeOK(t, fmt.Sprintf("race %d, tab %d", i+1, j+1), o, http.StatusOK)
		}
	}
	for i, o := range <-done {
		lifeOK(t, fmt.Sprintf("refresh %d from the other goroutine", i+1), o, http.StatusOK)
	}
	if r := lifeEvents(w, n, KindReuse); len(r) != 0 {
		t.Fatalf("single-flight: %d reuse events, the first %+v", len(r), r[0])
	}
	if why := lifeFamily(t, w, "f-1").RevokedWhy; why != "" || !w.App().LoggedIn() {
		t.Fatalf("single-flight: the family was revoked (%q) or the user logged out (logged in: %v)", why, w.App().LoggedIn())
	}
}
