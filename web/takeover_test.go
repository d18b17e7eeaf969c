package web

import (
	"net/http"
	"strings"
	"testing"
)

// A password login with a name another browser is playing under opens a
// fresh world beside it and never takes that session over: only a web-N
// (one browser's own cookie) takes its place back on a reconnect, so a
// name is not a key to someone else's screen.
func TestPasswordLoginNeverTakesOver(t *testing.T) {
	ctx := testCtx(t)
	_, _, hs := doorServer(t, passwordRoom(), false)
	c1, p1 := open(t, ctx, hs, login(t, hs, "ada", "room42"))
	p1.until(t, ctx, c1, "pick a lesson")
	send(t, ctx, c1, map[string]any{"type": "key", "data": "\r"})
	p1.until(t, ctx, c1, "take the first step")
	c2, p2 := open(t, ctx, hs, login(t, hs, "ada", "room42"))
	p2.until(t, ctx, c2, "pick a lesson") // a fresh world, not the first one's
	send(t, ctx, c1, map[string]any{"type": "key", "data": "l"})
	p1.until(t, ctx, c1, "1. Alice signs in at the auth server")
	if p1.bye != "" {
		t.Fatalf("the first ada's session ended: %q", p1.bye)
	}
}

// A login never keeps a cookie it did not make (session fixation, OWASP
// Session Management Cheat Sheet): the session of the cookie the browser
// came with is closed, and the new cookie is another.
func TestLoginClosesTheOldSession(t *testing.T) {
	_, s, hs := doorServer(t, passwordRoom(), false)
	old := login(t, hs, "ada", "room42")
	req, err := http.NewRequest("POST", hs.URL+"/login", strings.NewReader("name=bob&password=room42"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", hs.URL)
	req.AddCookie(old)
	resp, err := noRedirects(hs).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || c == nil || c.Value == old.Value {
		t.Fatalf("second login: %s, cookie %v", resp.Status, c)
	}
	if _, ok := s.sessions.who(old.Value); ok {
		t.Fatal("the cookie the browser came with still opens a session after a new login")
	}
	if who, ok := s.sessions.who(c.Value); !ok || who.User != "bob" {
		t.Fatalf("the new session: %+v, %v", who, ok)
	}
}

// The cookie lives as long as the server keeps its session (12 h), no
// longer: Max-Age says so to the browser.
func TestCookieMaxAgeIsItsLife(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), false)
	c := login(t, hs, "ada", "room42")
	if c.MaxAge != 12*60*60 {
		t.Fatalf("Max-Age %d, want %d (12 h)", c.MaxAge, 12*60*60)
	}
}
