package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/workshop"
)

// Page loads in an open room must not log the instructor out: a page
// load used to store a session, and maxCookieSessions of them dropped
// the oldest, the instructor's (review 18).
func TestPageLoadsKeepTheInstructorLoggedIn(t *testing.T) {
	lim := workshop.DefaultLoginLimits()
	lim.FailDelay = 0
	_, s, hs := doorServer(t, workshop.Config{Auth: workshop.Auth{InstructorPassword: "lead42"}, Login: lim}, false)
	c := login(t, hs, "instructor", "lead42")
	for range maxCookieSessions + 1 {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /: %d", rec.Code)
		}
	}
	if who, ok := s.sessions.who(c.Value); !ok || !who.Instructor {
		t.Fatalf("after %d page loads the instructor's session is %+v, %v", maxCookieSessions+1, who, ok)
	}
}

// Attendee logins beyond the bounds are refused with 503, and the
// instructor's session stays (review 18: they used to drop it).
func TestAttendeeLoginsKeepTheInstructorLoggedIn(t *testing.T) {
	_, s, hs := doorServer(t, passwordRoom(), false)
	c := login(t, hs, "instructor", "lead42")
	body := url.Values{"name": {"mallory"}, "password": {"room42"}}.Encode()
	refused := 0
	// From many addresses, so that the server's bound, not one
	// address's, is what fills (a review found the test could not fail
	// when it stopped at the address's bound).
	for i := range maxCookieSessions + 16 {
		req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
		req.RemoteAddr = fmt.Sprintf("10.3.%d.%d:1", i/200, i%200)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusSeeOther:
		case http.StatusServiceUnavailable:
			refused++
			if !strings.Contains(rec.Body.String(), "too many sessions") {
				t.Fatalf("a refused login does not say why:\n%s", rec.Body)
			}
		default:
			t.Fatalf("login: %d", rec.Code)
		}
	}
	if refused == 0 {
		t.Fatalf("%d logins all opened a session (at most %d)", maxCookieSessions+16, maxCookieSessions)
	}
	if _, ok := s.sessions.who(c.Value); !ok {
		t.Fatal("the instructor's session is gone")
	}
}

// fakeNow is a clock the test moves.
type fakeNow struct{ t time.Time }

func (f *fakeNow) now() time.Time { return f.t }

// A session lasts cookieLife and no longer; a full server drops web-N
// sessions first, refuses an attendee's login rather than drop another
// login, lets an instructor's in by dropping the oldest attendee login,
// and never drops an instructor's.
func TestCookieSessionsLifeAndBounds(t *testing.T) {
	clock := &fakeNow{t: time.Unix(1e9, 0)}
	cs := newCookieSessions(3, 2, cookieLife, clock.now)
	ada := workshop.Who{User: "ada", Credential: "password"}
	lead := workshop.Who{User: workshop.InstructorUser, Credential: "password", Instructor: true}

	v, err := cs.open(ada, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	clock.t = clock.t.Add(cookieLife - time.Second)
	if _, ok := cs.who(v); !ok {
		t.Fatal("a session is gone before its life")
	}
	clock.t = clock.t.Add(time.Second)
	if _, ok := cs.who(v); ok {
		t.Fatal("a session outlives cookieLife")
	}

	tok := cs.token()
	if !cs.signed(tok) || cs.signed(randomValue()+".x") || cs.signed(tok+"x") {
		t.Fatal("signed tokens are not told from others")
	}
	clock.t = clock.t.Add(cookieLife)
	if cs.signed(tok) {
		t.Fatal("an anonymous token outlives cookieLife")
	}
	clock.t = clock.t.Add(-cookieLife)
	web := cs.anonymous(tok, "10.0.0.9")
	if again := cs.anonymous(tok, "10.0.0.9"); again != web {
		t.Fatalf("a token's second socket is %+v, its first %+v", again, web)
	}
	lead1, err := cs.open(lead, "10.0.0.2")
	if err != nil {
		t.Fatal(err)
	}
	clock.t = clock.t.Add(time.Second)
	a1, _ := cs.open(ada, "10.0.0.3")
	clock.t = clock.t.Add(time.Second)
	// Full (3): the web-N goes first.
	a2, err := cs.open(ada, "10.0.0.4")
	if err != nil {
		t.Fatalf("a login into a server full of web-N: %v", err)
	}
	if _, ok := cs.who(tok); ok {
		t.Fatal("the web-N was kept and a login dropped")
	}
	// Full of logins: an attendee is refused, nobody dropped.
	if _, err := cs.open(ada, "10.0.0.5"); !errors.Is(err, errSessionsFull) {
		t.Fatalf("an attendee's login into a full server: %v, want errSessionsFull", err)
	}
	// An instructor gets in, the oldest attendee login goes.
	if _, err := cs.open(lead, "10.0.0.6"); err != nil {
		t.Fatalf("an instructor's login into a full server: %v", err)
	}
	if _, ok := cs.who(a1); ok {
		t.Fatal("the oldest attendee login was kept")
	}
	for _, v := range []string{lead1, a2} {
		if _, ok := cs.who(v); !ok {
			t.Fatal("a session other than the oldest attendee's was dropped")
		}
	}
	// Per address (2): the third login from one address is refused.
	cs = newCookieSessions(10, 2, cookieLife, clock.now)
	for range 2 {
		if _, err := cs.open(ada, "10.0.0.7"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cs.open(ada, "10.0.0.7"); !errors.Is(err, errSessionsFull) {
		t.Fatalf("a third login from one address: %v", err)
	}
}
