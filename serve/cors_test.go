package serve_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/serve"
)

// corsTestDo sends one request from a page at origin.
func corsTestDo(srv http.Handler, method, path, origin string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	r.Host = "127.0.0.1:8080"
	r.RemoteAddr = serveTestLoopback
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// TestServeCORS: a single-page app on a loopback origin may call /token,
// /revoke, /userinfo and the API with fetch (the Fetch standard's CORS
// protocol): a preflight is answered with the method and headers it asks
// for, Access-Control-Allow-Origin names the page's origin (never *), no
// credentials are allowed, and WWW-Authenticate and DPoP-Nonce are exposed;
// discovery and the JWKS too, which an SPA library reads first.
// Any other origin gets no Access-Control-Allow-Origin, and the endpoints a
// page has no business fetching get none for anyone.
func TestServeCORS(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	preflight := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type,dpop"}
	for _, path := range []string{"/token", "/revoke", "/userinfo", "/api/orders", "/.well-known/openid-configuration", "/jwks.json"} {
		for _, origin := range []string{"http://127.0.0.1:5173", "http://[::1]:3000", "http://localhost:5173", "https://localhost:8443"} {
			rec := corsTestDo(srv, http.MethodOptions, path, origin, preflight)
			h := rec.Header()
			if rec.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != origin {
				t.Errorf("preflight %s from %s: %d, Allow-Origin %q", path, origin, rec.Code, h.Get("Access-Control-Allow-Origin"))
			}
			if h.Get("Access-Control-Allow-Methods") != "POST" || !strings.EqualFold(h.Get("Access-Control-Allow-Headers"), "authorization,content-type,dpop") {
				t.Errorf("preflight %s: Allow-Methods %q, Allow-Headers %q", path, h.Get("Access-Control-Allow-Methods"), h.Get("Access-Control-Allow-Headers"))
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("preflight %s allows credentials", path)
			}
		}
	}
	// Refused origins: another site, a name that merely starts like a
	// loopback one, an opaque origin.
	for _, origin := range []string{"https://evil.example", "http://127.0.0.1.evil.example:5173", "null", "http://127.0.0.2:5173", "http://localhost:5173/path"} {
		for _, method := range []string{http.MethodOptions, http.MethodGet} {
			rec := corsTestDo(srv, method, "/api/orders", origin, preflight)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s from %s: Allow-Origin %q", method, origin, got)
			}
		}
	}
	// A header outside the list is not granted.
	if rec := corsTestDo(srv, http.MethodOptions, "/token", "http://127.0.0.1:5173", map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-evil"}); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("a preflight asking for X-Evil is granted")
	}
	// The actual request: the API's 401 challenge is readable by the page.
	rec := corsTestDo(srv, http.MethodGet, "/api/orders", "http://127.0.0.1:5173", nil)
	h := rec.Header()
	if rec.Code != http.StatusUnauthorized || h.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:5173" || h.Get("WWW-Authenticate") == "" {
		t.Errorf("GET /api/orders: %d, Allow-Origin %q", rec.Code, h.Get("Access-Control-Allow-Origin"))
	}
	if exp := h.Get("Access-Control-Expose-Headers"); !strings.Contains(exp, "Www-Authenticate") || !strings.Contains(exp, "Dpop-Nonce") {
		t.Errorf("Expose-Headers %q", exp)
	}
	// Not a fetch target: a navigation, a server-to-server call, the clock.
	for _, path := range []string{"/authorize", "/end_session", "/introspect", serve.ClockPath, serve.ClockNowPath, "/", serve.CallbackPath} {
		for _, method := range []string{http.MethodOptions, http.MethodGet} {
			if got := corsTestDo(srv, method, path, "http://127.0.0.1:5173", preflight).Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s %s: Allow-Origin %q", method, path, got)
			}
		}
	}
}
