package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/workshop"
)

// On a loopback address, a request naming another host (a page of
// evil.example rebound to 127.0.0.1: its Origin and Host agree, so the
// same-origin checks pass) gets 421, for the page, the login and the
// socket; the loopback names on the port are served. On a remote
// address (--allow-remote) any Host is served: attendees use names the
// server cannot know.
func TestRebindingHostRefusedOnLoopback(t *testing.T) {
	d, err := workshop.NewDoor(workshop.Config{Auth: workshop.Auth{Password: "room42"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Shutdown(context.Background()) })
	serve := func(addr, method, path, host string) int {
		s := New(Config{Door: d, Addr: addr, Logf: t.Logf})
		defer s.Close()
		req := httptest.NewRequest(method, path, strings.NewReader("name=ada&password=room42"))
		req.Host = host
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+host)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, path := range []string{"GET /", "GET /login", "POST /login", "GET /ws", "GET /session", "GET /app.js"} {
		method, p, _ := strings.Cut(path, " ")
		if code := serve("127.0.0.1:8443", method, p, "evil.example:8443"); code != http.StatusMisdirectedRequest {
			t.Errorf("%s for Host evil.example:8443 on loopback: %d, want 421", path, code)
		}
		if code := serve("0.0.0.0:8443", method, p, "evil.example:8443"); code == http.StatusMisdirectedRequest {
			t.Errorf("%s for Host evil.example:8443 on a remote address: 421, want it served", path)
		}
	}
	for _, host := range []string{"127.0.0.1:8443", "localhost:8443", "[::1]:8443"} {
		if code := serve("127.0.0.1:8443", "GET", "/login", host); code != http.StatusOK {
			t.Errorf("GET /login for Host %s: %d, want 200", host, code)
		}
	}
	if code := serve("127.0.0.1:8443", "GET", "/login", "127.0.0.1:9999"); code != http.StatusMisdirectedRequest {
		t.Errorf("GET /login for another port: %d, want 421", code)
	}
}
