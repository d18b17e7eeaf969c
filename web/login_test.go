package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/workshop"
)

// A room with a password and an instructor password, no wait after a
// wrong one.
func passwordRoom() workshop.Config {
	lim := workshop.DefaultLoginLimits()
	lim.FailDelay = 0
	return workshop.Config{Auth: workshop.Auth{Password: "room42", InstructorPassword: "lead42"}, Login: lim}
}

// The login contract: GET / without a session goes to /login; the form
// has its fields; the room password opens a session whose cookie is
// HttpOnly, SameSite=Strict, Path=/, and not Secure over plain HTTP; with
// it, GET / serves the page.
func TestLoginOpensASession(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), false)
	client := noRedirects(hs)
	resp, err := client.Get(hs.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / without a session: %s to %q, want 303 to /login", resp.Status, resp.Header.Get("Location"))
	}
	resp, err = client.Get(hs.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`name="name"`, `name="password"`, ">Your name<", ">Room password<", ">Join<", `method="post"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the form lacks %s:\n%s", want, body)
		}
	}

	resp = postLogin(t, hs, "ada", "room42", "")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %s to %q, want 303 to /", resp.Status, resp.Header.Get("Location"))
	}
	c := sessionCookie(resp)
	if c == nil {
		t.Fatal("no session cookie")
	}
	set := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"Path=/", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("Set-Cookie %q is Secure over plain HTTP: the browser would never send it back", set)
	}
	if len(c.Value) < 43 { // 32 bytes in base64url
		t.Errorf("cookie value %q: want 32 random bytes", c.Value)
	}
	req, _ := http.NewRequest("GET", hs.URL+"/", nil)
	req.AddCookie(c)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / with the session: %s", resp.Status)
	}
}

// Under TLS the cookie is Secure too.
func TestLoginCookieSecureUnderTLS(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), true)
	set := postLogin(t, hs, "ada", "room42", "").Header.Get("Set-Cookie")
	for _, want := range []string{"Secure", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
}

// A wrong password answers 401 with the form and an alert, and no cookie;
// so does a name the room's rule refuses.
func TestLoginRefused(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), false)
	for _, c := range []struct{ name, password, alert string }{
		{"ada", "guess", alertWrong},
		{"ada", "lead42", alertWrong}, // the instructor's password is only the instructor's
		{"instructor", "room42", alertWrong},
		{"", "room42", alertNoName},
		{strings.Repeat("a", workshop.MaxUserLen+1), "room42", "Names are at most 64 bytes"},
	} {
		resp := postLogin(t, hs, c.name, c.password, "")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusUnauthorized || sessionCookie(resp) != nil {
			t.Errorf("%q/%q: %s, cookie %v; want 401 and none", c.name, c.password, resp.Status, sessionCookie(resp))
		}
		if !strings.Contains(string(body), `role="alert"`) || !strings.Contains(string(body), c.alert) {
			t.Errorf("%q/%q: the answer lacks the alert %q:\n%s", c.name, c.password, c.alert, body)
		}
	}
}

// After MaxFailures wrong passwords from one address, its logins are
// refused with 429 and the wait, even with the right password (it is
// not compared).
func TestLoginLockout(t *testing.T) {
	cfg := passwordRoom()
	cfg.Login.MaxFailures = 2
	_, _, hs := doorServer(t, cfg, false)
	for range 2 {
		if resp := postLogin(t, hs, "eve", "guess", ""); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a wrong password: %s", resp.Status)
		}
	}
	resp := postLogin(t, hs, "ada", "room42", "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || sessionCookie(resp) != nil {
		t.Fatalf("the right password after the lockout: %s, cookie %v; want 429 and none", resp.Status, sessionCookie(resp))
	}
	if resp.Header.Get("Retry-After") != "60" || !strings.Contains(string(body), "try again in 1m") {
		t.Fatalf("Retry-After %q, body:\n%s", resp.Header.Get("Retry-After"), body)
	}
}

// Another site's page cannot post the form (login CSRF).
func TestLoginFromAnotherSiteRefused(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), false)
	if resp := postLogin(t, hs, "ada", "room42", "https://evil.example"); resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
		t.Fatalf("a login posted from another origin: %s, cookie %v; want 403", resp.Status, sessionCookie(resp))
	}
	req, _ := http.NewRequest("POST", hs.URL+"/login", strings.NewReader("name=ada&password=room42"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := noRedirects(hs).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("Sec-Fetch-Site: cross-site: %s, want 403", resp.Status)
	}
}

// Without a session the socket is refused with 401 before the upgrade,
// and /session says so for the page; a cookie nobody issued is no session.
func TestSocketWithoutSessionRefused(t *testing.T) {
	ctx := testCtx(t)
	_, _, hs := doorServer(t, passwordRoom(), false)
	for _, cookie := range []*http.Cookie{nil, {Name: CookieName, Value: "forged"}} {
		c, resp, err := dialAs(ctx, hs, cookie, "")
		if err == nil {
			c.CloseNow()
			t.Fatalf("cookie %v: a socket without a session was accepted", cookie)
		}
		if resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("cookie %v: %v (response %v), want 401", cookie, err, resp)
		}
	}
	resp, err := hs.Client().Get(hs.URL + "/session")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/session without a session: %s, want 401", resp.Status)
	}
}

// With a session, a socket from another site's page is still refused
// (cross-site WebSocket hijacking: coder/websocket's Origin check).
func TestSocketFromAnotherSiteRefusedWithSession(t *testing.T) {
	ctx := testCtx(t)
	_, _, hs := doorServer(t, passwordRoom(), false)
	cookie := login(t, hs, "ada", "room42")
	c, resp, err := dialAs(ctx, hs, cookie, "https://evil.example")
	if err == nil {
		c.CloseNow()
		t.Fatal("a socket from another origin was accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("another origin: %v (response %v), want 403", err, resp)
	}
	c, p := open(t, ctx, hs, cookie)
	p.until(t, ctx, c, "pick a lesson")
}

// The instructor logs in with the name "instructor" and the instructor
// password, also in an open room, and gets the instructor's view; the
// same name with another password does not.
func TestInstructorLogsIn(t *testing.T) {
	ctx := testCtx(t)
	lim := workshop.DefaultLoginLimits()
	lim.FailDelay = 0
	_, s, hs := doorServer(t, workshop.Config{Auth: workshop.Auth{InstructorPassword: "lead42"}, Login: lim}, false)
	if resp := postLogin(t, hs, "instructor", "room42", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the instructor's name with a wrong password: %s", resp.Status)
	}
	left := make(chan workshop.Who, 1)
	s.left = func(who workshop.Who, _ string) { left <- who }
	c, p := open(t, ctx, hs, login(t, hs, "instructor", "lead42"))
	p.until(t, ctx, c, "0 attendees connected · not leading")
	c.CloseNow()
	if who := <-left; !who.Instructor || who.User != workshop.InstructorUser {
		t.Fatalf("the session was %+v, want the instructor", who)
	}
}
