//go:build browser

package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tokensim/tokensim/workshop"
)

// The login form of the contract: the labels "Your name" and "Room
// password" name the inputs "name" and "password", and the button says
// "Join". Each entry is a label's text and its control's name.
const loginFields = `JSON.stringify(Array.from(document.querySelectorAll("form label")).map(l => [l.textContent.trim(), l.control && l.control.name])
	.concat([[document.querySelector("form button[type=submit]").textContent.trim(), "submit"]]))`

// submitLogin fills the form the tab shows with name and password, sends
// it, and returns the response to the document the browser ends on
// (after a redirect, the page it led to).
func submitLogin(t *testing.T, ctx context.Context, name, password string) *network.Response {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`input[name="name"]`), name),
		chromedp.SetValue(chromedp.CSS(`input[name="password"]`), password)); err != nil {
		t.Fatalf("fill the login form: %v", err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	if err != nil {
		t.Fatalf("send the login form: %v", err)
	}
	return resp
}

// loginAt opens url's /login in the tab and logs in; the player's picker
// must show.
func loginAt(t *testing.T, ctx context.Context, url, name, password string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/login")); err != nil {
		t.Fatal(err)
	}
	resp := submitLogin(t, ctx, name, password)
	if resp.Status != http.StatusOK || !strings.HasSuffix(resp.URL, "/") {
		t.Fatalf("login as %s: the browser ended on %s (%d), want the page at /", name, resp.URL, resp.Status)
	}
	if err := chromedp.Do(ctx, waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("no player after logging in as %s: %v\n%s", name, err, readScreen(t, ctx))
	}
}

// A room with a password: the page sends a browser without a session to
// the form; a wrong password is refused with the form again and an alert;
// the right one gets the player, with a session cookie the page's script
// cannot read. Losing the socket and reloading the page both come back
// to the same world (the lesson and the step).
func TestBrowserLoginAndSameWorldAfterDrop(t *testing.T) {
	doors := newRoomDoors(t, workshop.Auth{Password: "room42", InstructorPassword: "lead42"})
	ctx := newBrowser(t, 1000, 700)
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(doors.web.URL+"/"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(resp.URL, "/login") {
		t.Fatalf("GET / without a session ended on %s, want /login", resp.URL)
	}
	if got, want := eval[string](t, ctx, loginFields), `[["Your name","name"],["Room password","password"],["Join","submit"]]`; got != want {
		t.Errorf("the form's labels and inputs: %s, want %s", got, want)
	}

	resp = submitLogin(t, ctx, "ada", "not the password")
	if resp.Status != http.StatusUnauthorized || !strings.HasSuffix(resp.URL, "/login") {
		t.Errorf("a wrong password answered %d at %s, want 401 at /login", resp.Status, resp.URL)
	}
	if got := eval[string](t, ctx, `(document.querySelector('[role="alert"]') || {textContent: "no alert"}).textContent.trim()`); got != "Wrong name or password." {
		t.Errorf("after a wrong password the alert reads %q", got)
	}
	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{doors.web.URL}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		if c.Name == CookieName {
			t.Errorf("a wrong password set the session cookie %+v", c)
		}
	}

	resp = submitLogin(t, ctx, "ada", "room42")
	if resp.Status != http.StatusOK || !strings.HasSuffix(resp.URL, "/") {
		t.Fatalf("the right password ended on %s (%d), want the page at /", resp.URL, resp.Status)
	}
	if err := chromedp.Do(ctx, waitText("tokensim — pick a lesson")); err != nil {
		t.Fatalf("no player after logging in: %v\n%s", err, readScreen(t, ctx))
	}
	// HttpOnly keeps the cookie from the page's script (RFC 6265bis §4.1.2.6);
	// the browser holds it, SameSite=Strict, for the whole site.
	if dc := eval[string](t, ctx, `document.cookie`); strings.Contains(dc, CookieName) {
		t.Errorf("document.cookie shows the session: %q", dc)
	}
	cookies, err = chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{doors.web.URL}})
	if err != nil {
		t.Fatal(err)
	}
	var session *network.Cookie
	for _, c := range cookies.Cookies {
		if c.Name == CookieName {
			session = c
		}
	}
	if session == nil || !session.HTTPOnly || session.SameSite != network.CookieSameSiteStrict || session.Path != "/" {
		t.Errorf("the session cookie is %+v, want HttpOnly, SameSite=Strict, Path=/", session)
	}

	// Open the first lesson (login) and go to its second step, answering
	// the first step's question on the way.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), waitText("take the first step"),
		chromedp.KeyEvent("l"), waitText("1. Alice signs in at the auth server"),
		chromedp.KeyEvent("2"), chromedp.KeyEvent("l"), waitText("2. The app uses the access token")); err != nil {
		t.Fatalf("play the lesson: %v\n%s", err, readScreen(t, ctx))
	}

	// The network drops: the page reconnects by itself to the same world.
	// The rows are blanked first, so the step's text must come from the
	// new socket's frames.
	doors.drop.cut()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#status"))); err != nil {
		t.Fatalf("no status line after the drop: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#screen .row").forEach(r => r.textContent = "")`),
		chromedp.WaitNotVisible(chromedp.CSS("#status")), waitText("2. The app uses the access token")); err != nil {
		t.Fatalf("the reconnected page is not at the same step: %v\n%s", err, readScreen(t, ctx))
	}
	// A reload is a new page with the same session: the same world again.
	if err := chromedp.Do(ctx, chromedp.Reload(), waitText("2. The app uses the access token")); err != nil {
		t.Fatalf("the reloaded page is not at the same step: %v\n%s", err, readScreen(t, ctx))
	}
}

// A page whose socket is refused for want of a session goes to /login: the
// session cookie is gone (cleared here, as an expiry would) when the
// socket drops, and the page's reconnect ends on the form.
func TestBrowserRefusedSocketGoesToLogin(t *testing.T) {
	doors := newRoomDoors(t, workshop.Auth{Password: "room42"})
	ctx := newBrowser(t, 1000, 700)
	loginAt(t, ctx, doors.web.URL, "ada", "room42")
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, struct{}{}); err != nil {
		t.Fatal(err)
	}
	// The page's own navigation is watched through the tab's events: a
	// poll in the page would end with the document it polls.
	navigated := make(chan string, 8)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdppage.EventFrameNavigated); ok && e.Frame.ParentID == "" {
			select {
			case navigated <- e.Frame.URL:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	doors.drop.cut()
	// A ceiling, not a pacing sleep: the page's first retry comes within
	// a second.
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	select {
	case u := <-navigated:
		if !strings.HasSuffix(u, "/login") {
			t.Fatalf("the page went to %s, want /login", u)
		}
	case <-wait.Done():
		t.Fatalf("the page did not go to /login: %v", wait.Err())
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`))); err != nil {
		t.Fatalf("no login form at /login: %v", err)
	}
}

// The instructor logs in in the browser (name "instructor", the
// instructor's password) and leads an attendee on SSH and another in a
// browser: both follow the lesson and its step and see the broadcast.
func TestBrowserInstructorLeadsSSHAndBrowser(t *testing.T) {
	doors := newRoomDoors(t, workshop.Auth{Password: "room42", InstructorPassword: "lead42"})
	sctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	ada := doors.dialSSH(t, "ada", "room42", 120, 30)
	ada.waitFor(sctx, "pick a lesson")
	bob := newBrowser(t, 1000, 700)
	loginAt(t, bob, doors.web.URL, "bob", "room42")

	lead := newBrowser(t, 1000, 700)
	loginAt(t, lead, doors.web.URL, workshop.InstructorUser, "lead42")
	if err := chromedp.Do(lead, waitText("2 attendees connected · not leading")); err != nil {
		t.Fatalf("the browser instructor's line: %v\n%s", err, readScreen(t, lead))
	}
	if err := chromedp.Do(lead, chromedp.KeyEvent(kb.Enter), waitText("take the first step"),
		chromedp.KeyEvent("F"), waitText("leading the room"),
		chromedp.KeyEvent("l"), waitText("1. Alice signs in at the auth server")); err != nil {
		t.Fatalf("lead from the browser: %v\n%s", err, readScreen(t, lead))
	}
	ada.waitFor(sctx, "following the instructor")
	ada.waitFor(sctx, "1. Alice signs in at the auth server")
	if err := chromedp.Do(bob, waitText("following the instructor"), waitText("1. Alice signs in at the auth server")); err != nil {
		t.Fatalf("the browser attendee does not follow: %v\n%s", err, readScreen(t, bob))
	}
	if err := chromedp.Do(lead, chromedp.KeyEvent("B"), waitText("message the room:"),
		chromedp.KeyEvent("coffee at ten"), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatalf("broadcast from the browser: %v\n%s", err, readScreen(t, lead))
	}
	ada.waitFor(sctx, "message from instructor: coffee at ten")
	if err := chromedp.Do(bob, waitText("message from instructor: coffee at ten")); err != nil {
		t.Fatalf("the browser attendee does not show the broadcast: %v\n%s", err, readScreen(t, bob))
	}
}
