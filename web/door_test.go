package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/workshop"
)

// doorServer serves a room of its own made with cfg (the built-in
// catalogue unless cfg names one) on a loopback httptest server, plain
// or TLS.
func doorServer(t *testing.T, cfg workshop.Config, tls bool) (*workshop.Door, *Server, *httptest.Server) {
	t.Helper()
	if cfg.Catalogue == nil {
		cat, err := scenarios.Catalogue()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Catalogue = cat
	}
	cfg.Logf = t.Logf
	d, err := workshop.NewDoor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, hs := webOn(t, d, tls)
	return d, s, hs
}

// webOn serves door's web page on a loopback httptest server.
func webOn(t *testing.T, d *workshop.Door, tls bool) (*Server, *httptest.Server) {
	t.Helper()
	s := New(Config{Door: d, Logf: t.Logf})
	hs := httptest.NewUnstartedServer(s)
	if tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	t.Cleanup(func() {
		_ = d.Shutdown(context.Background())
		s.Close()
		hs.Close()
	})
	return s, hs
}

// noRedirects is a client of hs that shows redirects instead of
// following them, and keeps no cookies: each test holds its own.
func noRedirects(hs *httptest.Server) *http.Client {
	c := *hs.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// postLogin posts the login form as the page's own form would (Origin:
// the server's) unless origin says otherwise.
func postLogin(t *testing.T, hs *httptest.Server, name, password, origin string) *http.Response {
	t.Helper()
	if origin == "" {
		origin = hs.URL
	}
	req, err := http.NewRequest("POST", hs.URL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {password}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	resp, err := noRedirects(hs).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// sessionCookie is the session cookie a response set, or nil.
func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	return nil
}

// login logs name in and returns the session cookie.
func login(t *testing.T, hs *httptest.Server, name, password string) *http.Cookie {
	t.Helper()
	resp := postLogin(t, hs, name, password, "")
	c := sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || c == nil {
		t.Fatalf("login as %q: %s, cookie %v", name, resp.Status, c)
	}
	return c
}

// dialAs opens a socket with cookie (nil: none) from origin ("": the
// server's own).
func dialAs(ctx context.Context, hs *httptest.Server, cookie *http.Cookie, origin string) (*websocket.Conn, *http.Response, error) {
	if origin == "" {
		origin = hs.URL
	}
	h := http.Header{"Origin": {origin}}
	if cookie != nil {
		h.Set("Cookie", cookie.String())
	}
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", &websocket.DialOptions{HTTPHeader: h, HTTPClient: hs.Client()})
}

// open dials with cookie, says the page's size and waits for the picker.
func open(t *testing.T, ctx context.Context, hs *httptest.Server, cookie *http.Cookie) (*websocket.Conn, *page) {
	t.Helper()
	c, resp, err := dialAs(ctx, hs, cookie, "")
	if err != nil {
		t.Fatalf("dial: %v (response %v)", err, resp)
	}
	t.Cleanup(func() { c.CloseNow() })
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 100, "rows": 30})
	return c, &page{}
}

// byeOf reads until the bye and returns it.
func (p *page) byeOf(t *testing.T, ctx context.Context, c *websocket.Conn) string {
	t.Helper()
	for p.bye == "" {
		p.next(t, ctx, c)
	}
	return p.bye
}
