package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// POST /logout forgets the session and clears the cookie, then goes to
// /login; a logout posted by another site's page is refused and the
// session stays (a page elsewhere must not log a visitor out).
func TestLogoutClosesTheSession(t *testing.T) {
	_, s, hs := doorServer(t, passwordRoom(), false)
	c := login(t, hs, "ada", "room42")
	post := func(origin string) *http.Response {
		req, err := http.NewRequest("POST", hs.URL+"/logout", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", origin)
		req.AddCookie(c)
		resp, err := noRedirects(hs).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post("https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a cross-site logout: %s, want 403", resp.Status)
	}
	if _, ok := s.sessions.who(c.Value); !ok {
		t.Fatal("a cross-site logout closed the session")
	}
	resp := post(hs.URL)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %s to %q, want 303 to /login", resp.Status, resp.Header.Get("Location"))
	}
	if gone := sessionCookie(resp); gone == nil || gone.MaxAge >= 0 || gone.Value != "" {
		t.Fatalf("logout's cookie %v, want it cleared (Max-Age=0)", gone)
	}
	if _, ok := s.sessions.who(c.Value); ok {
		t.Fatal("the session outlives its logout")
	}
}

// /login offers a browser with a session a way out: a form that posts
// to /logout, naming who the browser is in the room; without a session
// there is none.
func TestLoginPageOffersLogout(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), false)
	page := func(c *http.Cookie) string {
		req, err := http.NewRequest("GET", hs.URL+"/login", nil)
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if body := page(nil); strings.Contains(body, `action="/logout"`) {
		t.Fatal("the login page offers a logout to a browser with no session")
	}
	body := page(login(t, hs, "ada", "room42"))
	if !strings.Contains(body, `action="/logout"`) || !strings.Contains(body, "“ada”") {
		t.Fatalf("the login page of a logged-in browser offers no logout as ada:\n%s", body)
	}
}
