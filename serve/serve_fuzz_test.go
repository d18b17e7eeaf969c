package serve_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/testclock"
	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// FuzzServeHandler throws arbitrary requests at serve mode's whole handler
// (AS, API, login form, callback page, admin clock) as a socket would
// deliver them. Whatever arrives: no panic, a valid status, every
// exchange recorded and completed, and the clock moved only by a loopback
// caller's POST to the admin endpoint.
func FuzzServeHandler(f *testing.F) {
	// A stopped time source: only the admin endpoint may move this clock.
	w, srv := serveTestWorld(f, serve.Options{Now: testclock.New(sim.Epoch()).Now})
	form := "application/x-www-form-urlencoded"
	f.Add("POST", "/authorize", "client_id=cli&redirect_uri=http://127.0.0.1:1/&response_type=code&code_challenge_method=S256&code_challenge=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", form, "username=alice&password=wonderland", false)
	f.Add("POST", "/authorize", "", form, "client_id=cli&username=alice&password=x", false)
	f.Add("GET", "/callback", "code=<script>&state=\"'", "", "", false)
	f.Add("POST", serve.ClockPath, "by=1h", form, "by=2h", true)
	f.Add("POST", serve.ClockPath, "", form, "by=99999999d", false)
	f.Add("POST", "/token", "", form, "grant_type=refresh_token&refresh_token=x&client_id=cli", false)
	f.Add("DELETE", "/api/orders", "access_token=x", "text/plain", "\x00\xff", false)
	f.Add("GET", "/.well-known/openid-configuration", "", "", "", true)
	f.Add("PUT", "/sim/clock", "", "", "", false)
	f.Fuzz(func(t *testing.T, method, path, query, ctype, body string, remote bool) {
		if !validMethod(method) || !strings.HasPrefix(path, "/") {
			return // net/http never hands a handler these
		}
		u := &url.URL{Scheme: "http", Host: "127.0.0.1:8080", Path: path, RawQuery: query}
		r, err := http.NewRequest(method, u.String(), strings.NewReader(body))
		if err != nil {
			return
		}
		r.RemoteAddr = serveTestLoopback
		if remote {
			r.RemoteAddr = "198.51.100.9:4000"
		}
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		before, t0 := w.Log().Len(), w.Clock().Now()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		if rec.Code < 100 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		for _, e := range w.Log().Since(before) {
			if e.Kind == sim.KindExchange && (e.Status == 0 || e.Exchange.Response.Status != e.Status) {
				t.Fatalf("exchange %d left incomplete: %+v", e.Seq, e)
			}
		}
		moved := w.Clock().Now().After(t0)
		if moved && (remote || r.URL.Path != serve.ClockPath || method != http.MethodPost) {
			t.Fatalf("%s %s from remote=%v moved the clock", method, path, remote)
		}
	})
}

// validMethod is RFC 9110 §5.6.2's token, which net/http enforces.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range []byte(m) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
