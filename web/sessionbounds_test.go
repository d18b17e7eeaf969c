package web

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokensim/tokensim/workshop"
)

// Found in review (issue 18): the session bounds must never keep the
// instructor out, count a session once, and store nothing for a request
// that never becomes a socket.

// Two sockets bringing the same fresh token at once: byAddr must equal the
// sessions really held.
func TestSameTokenTwiceAtOnceCountsOnce(t *testing.T) {
	cs := newCookieSessions(4096, 256, time.Hour, time.Now)
	for i := 0; i < 2000; i++ {
		tok := cs.token()
		var wg sync.WaitGroup
		start := make(chan struct{})
		for j := 0; j < 2; j++ {
			wg.Go(func() { <-start; cs.anonymous(tok, "10.0.0.1") })
		}
		close(start)
		wg.Wait()
		cs.close(tok)
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.byID) != 0 || cs.byAddr["10.0.0.1"] != 0 {
		t.Fatalf("after closing every token: byID=%d byAddr=%d (leaked)", len(cs.byID), cs.byAddr["10.0.0.1"])
	}
}

// The instructor shares the class's address (one NAT): 256 attendee
// logins from it refuse the instructor's.
func TestInstructorNotHeldToTheAddressBound(t *testing.T) {
	cs := newCookieSessions(10, 2, time.Hour, time.Now)
	ada := workshop.Who{User: "ada", Credential: "password"}
	lead := workshop.Who{User: workshop.InstructorUser, Credential: "password", Instructor: true}
	for range 2 {
		if _, err := cs.open(ada, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cs.open(lead, "10.0.0.1"); err != nil {
		t.Fatalf("instructor login from the class's address: %v", err)
	}
}

// A plain GET /ws (no Upgrade, so no Origin check, no pending place)
// with a fresh signed token stores a session.
func TestRequestThatNeverUpgradesStoresNoSession(t *testing.T) {
	_, s, _ := doorServer(t, workshop.Config{}, false)
	for i := range 5 {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		c := rec.Result().Cookies()[0]
		req := httptest.NewRequest("GET", "/ws", nil)
		req.RemoteAddr = fmt.Sprintf("[2001:db8::%x]:1", i+1)
		req.AddCookie(c)
		rec = httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		t.Logf("GET /ws without upgrade: %d", rec.Code)
	}
	s.sessions.mu.Lock()
	n := len(s.sessions.byID)
	s.sessions.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d sessions stored by requests that never upgraded (one per IPv6 address)", n)
	}
}

// Open room with an instructor password: a visitor with no password
// fills its address with logins; the instructor on that address is
// refused for 12 h.
func TestOpenRoomLoginsCannotLockTheInstructorOut(t *testing.T) {
	lim := workshop.DefaultLoginLimits()
	lim.FailDelay = 0
	_, s, _ := doorServer(t, workshop.Config{Auth: workshop.Auth{InstructorPassword: "lead42"}, Login: lim}, false)
	post := func(name, pw string) int {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"name": {name}, "password": {pw}}.Encode()))
		req.RemoteAddr = "10.1.1.1:5555"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range maxSessionsPerAddr {
		if c := post(fmt.Sprintf("m%d", i), ""); c != 303 {
			t.Fatalf("login %d: %d", i, c)
		}
	}
	if c := post("instructor", "lead42"); c != 303 {
		t.Fatalf("instructor, right password, same address after %d password-less logins: %d", maxSessionsPerAddr, c)
	}
}

// A login may not take a web-N name: those are the room's own for open
// room visitors, and the room counts quiz answers per name.
func TestLoginRefusesAnonymousNames(t *testing.T) {
	_, s, _ := doorServer(t, workshop.Config{}, false)
	for name, want := range map[string]int{"web-3": 401, "WEB-12": 401, "web-": 303, "web-x": 303, "webby": 303} {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"name": {name}, "password": {""}}.Encode()))
		req.RemoteAddr = fmt.Sprintf("10.2.0.%d:5555", len(name))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("login as %q: %d, want %d", name, rec.Code, want)
		}
	}
}
