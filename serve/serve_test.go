package serve_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/testclock"
	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/sim/jose"
)

// serveTestWorld makes a serve world for handler-level tests (no socket).
func serveTestWorld(t testing.TB, opts serve.Options) (*sim.World, *serve.Server) {
	t.Helper()
	if opts.Origin == "" {
		opts.Origin = "http://127.0.0.1:8080"
	}
	srv, err := serve.New(opts)
	if err != nil {
		t.Fatalf("serve.New: %v", err)
	}
	return srv.World(), srv
}

// serveTestDo sends one request straight to the handler, from remote.
func serveTestDo(srv http.Handler, method, target, remote, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if strings.HasPrefix(target, "/") {
		r.Host = "127.0.0.1:8080" // serveTestWorld's origin, not httptest's example.com
	}
	r.RemoteAddr = remote
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

const serveTestLoopback = "127.0.0.1:40000"

// TestServeRunningClock: a serve world's clock runs with its source, xN
// times as fast (the running clock itself is tested in sim).
func TestServeRunningClock(t *testing.T) {
	src := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	srv, err := serve.New(serve.Options{Origin: "http://127.0.0.1:1", Now: src.Now, Speed: 10})
	if err != nil {
		t.Fatal(err)
	}
	w := srv.World()
	t0 := w.Clock().Now()
	src.Advance(time.Minute)
	if got := w.Clock().Elapsed(t0); got != 10*time.Minute {
		t.Fatalf("serve world at x10 after 1m: %s", got)
	}
}

// TestServeBadOptions: a hosted world refuses an origin it could not be the
// issuer of, bad users, a bad speed, and the first-party topology.
func TestServeBadOptions(t *testing.T) {
	for _, c := range []sim.Config{
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080/"}},
		{Hosting: &sim.Hosting{Origin: "127.0.0.1:8080"}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080/x"}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080", Users: map[string]string{"bob": ""}}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080", Users: map[string]string{"a:b": "x"}}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080", Users: map[string]string{"bøb": "x"}}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080", Users: map[string]string{strings.Repeat("b", 256): "x"}}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080", Speed: -2}},
		{Hosting: &sim.Hosting{Origin: "http://127.0.0.1:8080"}, Topology: sim.TopologyFirstParty},
	} {
		if _, err := sim.New(c); !errors.Is(err, sim.ErrBadConfig) {
			t.Errorf("%+v: err %v, want ErrBadConfig", *c.Hosting, err)
		}
	}
	for _, o := range []serve.Options{
		{Origin: "127.0.0.1:8080"},
		{Origin: "http://127.0.0.1:8080", Users: []serve.User{{"bob", ""}}},
		{Origin: "http://127.0.0.1:8080", Speed: -2},
	} {
		if _, err := serve.New(o); !errors.Is(err, sim.ErrBadConfig) {
			t.Errorf("serve.New(%+v): err %v, want ErrBadConfig", o, err)
		}
	}
}

// TestServeFreshKeys: a serve world signs with keys of its own, never the
// committed demo keys, and two serve worlds do not share keys.
func TestServeFreshKeys(t *testing.T) {
	jwks := func(srv http.Handler) map[string]string {
		rec := serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/jwks.json", serveTestLoopback, "", "")
		var doc struct {
			Keys []jose.JWK `json:"keys"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || len(doc.Keys) != 3 {
			t.Fatalf("jwks: %v, %s", err, rec.Body)
		}
		out := map[string]string{}
		for _, k := range doc.Keys {
			out[k.Alg] = k.KID + "/" + k.N + k.X + k.Y
		}
		return out
	}
	_, a := serveTestWorld(t, serve.Options{})
	_, b := serveTestWorld(t, serve.Options{})
	ka, kb := jwks(a), jwks(b)
	for _, alg := range jose.Algs() {
		demo, err := jose.DemoKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		d := demo.JWK()
		if strings.Contains(ka[string(alg)], d.KID) || strings.HasSuffix(ka[string(alg)], d.N+d.X+d.Y) {
			t.Errorf("%s: serve world publishes the demo key", alg)
		}
		if ka[string(alg)] == kb[string(alg)] {
			t.Errorf("%s: two serve worlds share a key", alg)
		}
	}
}

// TestServeLoopbackRedirects: the cli client may be sent back to any
// loopback IP literal on any port (RFC 8252 §7.3); localhost is refused
// (§8.3 NOT RECOMMENDED), and so is anything else, with an error page
// rather than a redirect (RFC 6749 §4.1.2.1).
func TestServeLoopbackRedirects(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	challenge := strings.Repeat("a", 43)
	try := func(redirect string) *httptest.ResponseRecorder {
		q := url.Values{"response_type": {"code"}, "client_id": {"cli"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
		if redirect != "" {
			q.Set("redirect_uri", redirect)
		}
		return serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/authorize?"+q.Encode(), serveTestLoopback, "", "")
	}
	for _, ok := range []string{
		"http://127.0.0.1:49152/callback", "http://127.0.0.1:1/", "http://127.0.0.1/cb", "http://[::1]:61000/oauth/callback",
		"http://127.0.0.1:8080/callback", "http://127.0.0.1:5000/cb?x=1",
	} {
		if rec := try(ok); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `name="password"`) {
			t.Errorf("%s: %d, want the login page\n%s", ok, rec.Code, rec.Body)
		}
	}
	for redirect, why := range map[string]string{
		"http://localhost:5000/cb":    "not localhost (RFC 8252 section 8.3)",
		"https://127.0.0.1:5000/cb":   "scheme must be http",
		"http://127.0.0.2:5000/cb":    "must be 127.0.0.1 or [::1]",
		"http://evil.example/cb":      "must be 127.0.0.1 or [::1]",
		"http://127.0.0.1:5000/cb#f":  "no fragment",
		"http://u@127.0.0.1:5000/cb":  "no user information",
		"http://127.0.0.1.evil.io/cb": "must be 127.0.0.1 or [::1]",
		"":                            "is not registered",
	} {
		rec := try(redirect)
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" || !strings.Contains(rec.Body.String(), why) {
			t.Errorf("%q: %d %q, want 400 saying %q", redirect, rec.Code, rec.Body, why)
		}
	}
	// The lesson clients keep their exact-match rule: spa is gone (its
	// redirect URI is a simulated host) and web is registered for the
	// callback page only.
	q := url.Values{"response_type": {"code"}, "client_id": {"web"}, "redirect_uri": {"http://127.0.0.1:5000/cb"}}
	if rec := serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/authorize?"+q.Encode(), serveTestLoopback, "", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("web with a loopback redirect it did not register: %d", rec.Code)
	}
}

// TestServeClockEndpoint: POST by=<duration> advances the clock for
// loopback callers only.
func TestServeClockEndpoint(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{Now: testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)).Now})
	const target = "http://127.0.0.1:8080" + serve.ClockPath
	form := "application/x-www-form-urlencoded"
	t0 := w.Clock().Now()
	for _, c := range []struct {
		method, remote, ctype, body string
		status                      int
	}{
		{http.MethodPost, "203.0.113.7:5000", form, "by=1h", http.StatusForbidden},
		{http.MethodPost, "[2001:db8::1]:5000", form, "by=1h", http.StatusForbidden},
		{http.MethodPost, "garbage", form, "by=1h", http.StatusForbidden},
		{http.MethodGet, serveTestLoopback, "", "", http.StatusMethodNotAllowed},
		{http.MethodPost, serveTestLoopback, form, "", http.StatusBadRequest},
		{http.MethodPost, serveTestLoopback, form, "by=-1h", http.StatusBadRequest},
		{http.MethodPost, serveTestLoopback, form, "by=0s", http.StatusBadRequest},
		{http.MethodPost, serveTestLoopback, form, "by=soon", http.StatusBadRequest},
		{http.MethodPost, serveTestLoopback, form, "by=1h&by=2h", http.StatusBadRequest},
		{http.MethodPost, serveTestLoopback, form, "by=%zz", http.StatusBadRequest},
	} {
		rec := serveTestDo(srv, c.method, target, c.remote, c.ctype, c.body)
		if rec.Code != c.status {
			t.Errorf("%s from %s %q: %d, want %d (%s)", c.method, c.remote, c.body, rec.Code, c.status, rec.Body)
		}
	}
	if !w.Clock().Now().Equal(t0) {
		t.Fatalf("refused requests moved the clock to %s", w.Clock().Now())
	}
	rec := serveTestDo(srv, http.MethodPost, target, "[::1]:5000", form, "by=1d2h")
	if rec.Code != http.StatusOK || w.Clock().Elapsed(t0) != 26*time.Hour || !strings.Contains(rec.Body.String(), `"advanced":"26h"`) {
		t.Fatalf("advance 1d2h: %d %s, elapsed %s", rec.Code, rec.Body, w.Clock().Elapsed(t0))
	}
	rec = serveTestDo(srv, http.MethodPost, target+"?by=30m", serveTestLoopback, "", "")
	if rec.Code != http.StatusOK || w.Clock().Elapsed(t0) != 26*time.Hour+30*time.Minute {
		t.Fatalf("advance by query: %d %s", rec.Code, rec.Body)
	}
	evs := w.Log().Events()
	if n := len(evs); n != 2 || evs[0].Kind != sim.KindClock || evs[1].Kind != sim.KindClock {
		t.Fatalf("log after two advances: %+v", evs)
	}
}

// TestServeRecordsExchanges: socket requests become the same exchange
// events the wire records, with the handler's reasons; a body over the
// cap is refused with 413 before any handler reads it.
func TestServeRecordsExchanges(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{})
	form := "application/x-www-form-urlencoded"
	serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/api/profile", serveTestLoopback, "", "")
	serveTestDo(srv, http.MethodPost, "http://127.0.0.1:8080/token", serveTestLoopback, form, "grant_type=refresh_token&refresh_token=nope&client_id=cli")
	big := serveTestDo(srv, http.MethodPost, "http://127.0.0.1:8080/token", serveTestLoopback, form, "x="+strings.Repeat("a", sim.MaxBodyBytes))
	if big.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", big.Code)
	}
	serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/authorize?client_id=cli", serveTestLoopback, "", "")
	evs := w.Log().Events()
	if len(evs) != 4 {
		t.Fatalf("%d events, want 4: %+v", len(evs), evs)
	}
	want := []struct {
		from, to sim.Actor
		path     string
		status   int
		err      string
	}{
		{sim.ActorApp, sim.ActorAPI, "/api/profile", 401, ""},
		{sim.ActorApp, sim.ActorAS, "/token", 400, "invalid_grant"},
		{sim.ActorApp, sim.ActorAS, "/token", 413, ""},
		{sim.ActorUser, sim.ActorAS, "/authorize", 400, "invalid_request"},
	}
	for i, wt := range want {
		e := evs[i]
		if e.Kind != sim.KindExchange || e.From != wt.from || e.To != wt.to || e.Path != wt.path || e.Status != wt.status || e.Error != wt.err {
			t.Errorf("event %d: %s %s→%s %s %d %q, want %s→%s %s %d %q", i, e.Kind, e.From, e.To, e.Path, e.Status, e.Error, wt.from, wt.to, wt.path, wt.status, wt.err)
		}
		if e.Reason == "" && i != 0 {
			t.Errorf("event %d has no reason", i)
		}
		if e.Exchange == nil || e.Exchange.Request.Host != "127.0.0.1:8080" || e.Exchange.Response.Status != wt.status {
			t.Errorf("event %d exchange %+v", i, e.Exchange)
		}
	}
	if got := len(evs[2].Exchange.Request.Body); got > 70<<10 {
		t.Errorf("the recorded oversized body is %d bytes: not clipped", got)
	}
}

// TestServeFollow: Follow delivers every event once, in order, each
// exchange only when complete, and returns when its context ends.
func TestServeFollow(t *testing.T) {
	e := serveTestStart(t)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan sim.Event, 1024)
	done := make(chan struct{})
	go func() {
		e.srv.Follow(ctx, func(evs []sim.Event) {
			for _, ev := range evs {
				got <- ev
			}
		})
		close(done)
	}()
	for range 5 {
		resp, err := e.plain.Get(e.origin + "/.well-known/openid-configuration")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	e.advance(t, "1m")
	seen := 0
	deadline := time.After(10 * time.Second)
	for seen < 6 {
		select {
		case ev := <-got:
			seen++
			if ev.Seq != seen {
				t.Fatalf("event %d delivered as number %d", ev.Seq, seen)
			}
			if ev.Kind == sim.KindExchange && ev.Status != http.StatusOK {
				t.Fatalf("exchange %d delivered incomplete (status %d)", ev.Seq, ev.Status)
			}
			if seen == 6 && ev.Kind != sim.KindClock {
				t.Fatalf("sixth event %s, want the clock", ev.Kind)
			}
		case <-deadline:
			t.Fatalf("only %d of 6 events delivered", seen)
		}
	}
	cancel()
	<-done
	if len(got) != 0 {
		t.Fatalf("%d events delivered twice", len(got))
	}
}

// TestServeLoad: 20,000 API calls over loopback from 8 clients, while a
// ninth keeps refreshing, finish with no error inside the deadline.
func TestServeLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test is not short")
	}
	e := serveTestStart(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	at, rt := serveTestTokens(t, e)
	const calls, workers = 20_000, 8
	var next, failures atomic.Int64
	var firstErr atomic.Value
	tr := &http.Transport{MaxIdleConnsPerHost: workers + 1}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for next.Add(1) <= calls {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.origin+"/api/orders", nil)
				req.Header.Set("Authorization", "Bearer "+at)
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						err = errors.New(resp.Status)
					}
				}
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	refreshes := 0
	wg.Go(func() {
		for ctx.Err() == nil && next.Load() < calls {
			resp, err := client.PostForm(e.origin+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cli"}})
			if err != nil {
				failures.Add(1)
				return
			}
			var tr struct {
				RefreshToken string `json:"refresh_token"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&tr)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || tr.RefreshToken == "" {
				failures.Add(1)
				firstErr.CompareAndSwap(nil, "refresh: "+resp.Status)
				return
			}
			rt = tr.RefreshToken
			refreshes++
		}
	})
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the load did not finish before the deadline: %v", ctx.Err())
	}
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d failures; first: %v", n, firstErr.Load())
	}
	if got := e.world.Counts().Exchanges; got < calls {
		t.Fatalf("the log recorded %d exchanges for %d calls", got, calls)
	}
	t.Logf("%d API calls and %d refreshes, 0 errors", calls, refreshes)
}

// serveTestTokens logs alice in with the cli client over the socket and
// returns an access and a refresh token.
func serveTestTokens(t testing.TB, e *serveTestEnv) (string, string) {
	t.Helper()
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:]) // RFC 7636 §4.2
	q := url.Values{"response_type": {"code"}, "client_id": {"cli"}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "scope": {"openid profile orders:read offline_access"},
		"username": {sim.DemoUser}, "password": {sim.DemoPassword}}
	resp, err := e.plain.PostForm(e.origin+"/authorize", q)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = e.plain.PostForm(e.origin+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"http://127.0.0.1:9/cb"}, "client_id": {"cli"}, "code_verifier": {verifier}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.AccessToken == "" || tr.RefreshToken == "" {
		t.Fatalf("token: %d %v %+v", resp.StatusCode, err, tr)
	}
	return tr.AccessToken, tr.RefreshToken
}

// TestServeLogLimit: a serve world's log keeps about the last LogLimit
// events, while sequence numbers and Len keep counting every event, so a
// long-running server's memory does not grow with its traffic.
func TestServeLogLimit(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{LogLimit: 100})
	for range 300 {
		serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/api/orders", serveTestLoopback, "", "")
	}
	evs := w.Log().Events()
	if w.Log().Len() != 300 || len(evs) < 100 || len(evs) > 125 {
		t.Fatalf("Len %d, %d events kept; want 300 and 100..125", w.Log().Len(), len(evs))
	}
	for i, e := range evs {
		if e.Seq != 300-len(evs)+i+1 || e.Status != http.StatusUnauthorized {
			t.Fatalf("kept event %d: seq %d status %d", i, e.Seq, e.Status)
		}
	}
	if got := w.Log().Since(290); len(got) != 10 || got[0].Seq != 291 {
		t.Fatalf("Since(290): %d events from %d", len(got), got[0].Seq)
	}
	if got := w.Log().Since(5); got[0].Seq != evs[0].Seq {
		t.Fatalf("Since(5) starts at %d, want the oldest kept, %d", got[0].Seq, evs[0].Seq)
	}
	lesson, err := sim.New(sim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for range 200 {
		_ = lesson.Advance(time.Second)
	}
	if n := len(lesson.Log().Events()); n != 200 {
		t.Fatalf("a lesson world's log kept %d of 200 events: lessons must keep them all", n)
	}
}

// TestServeHTTPServerLimits: serve mode's http.Server sets every timeout
// and caps headers, so that a slow or idle client cannot hold a
// connection (Slowloris); bodies are capped by the handler
// (TestServeRecordsExchanges).
func TestServeHTTPServerLimits(t *testing.T) {
	_, srv := serveTestWorld(t, serve.Options{})
	hs := srv.HTTPServer(nil)
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 {
		t.Fatalf("timeouts: read-header %s, read %s, write %s, idle %s", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout)
	}
	if hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 1<<20 {
		t.Fatalf("MaxHeaderBytes %d", hs.MaxHeaderBytes)
	}
	if hs.Handler != srv {
		t.Fatal("the server does not serve the recorder")
	}
}

// TestServeClockRefusesCrossSite: a web page in a browser on this machine
// is a loopback caller too; the clock refuses a request whose Origin is not
// the server's or whose Sec-Fetch-Site is not same-origin/none (CSRF),
// and still answers curl, which sends neither.
func TestServeClockRefusesCrossSite(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{Now: testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)).Now})
	t0 := w.Clock().Now()
	post := func(hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080"+serve.ClockPath, strings.NewReader("by=1h"))
		r.RemoteAddr = serveTestLoopback
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		return rec
	}
	for _, hdr := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "http://127.0.0.1:3000"}, // same site, another server
		{"Origin": "null"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "cross-site"},
	} {
		if rec := post(hdr); rec.Code != http.StatusForbidden {
			t.Errorf("%v: %d %s, want 403", hdr, rec.Code, rec.Body)
		}
	}
	if !w.Clock().Now().Equal(t0) {
		t.Fatalf("a cross-site request moved the clock to %s", w.Clock().Now())
	}
	for _, hdr := range []map[string]string{
		nil, // curl
		{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"},
		{"Sec-Fetch-Site": "none"},
	} {
		if rec := post(hdr); rec.Code != http.StatusOK {
			t.Errorf("%v: %d %s, want 200", hdr, rec.Code, rec.Body)
		}
	}
	if got := w.Clock().Elapsed(t0); got != 3*time.Hour {
		t.Fatalf("three accepted advances of 1h: %s", got)
	}
}

// TestServeIndexAndClockNow: GET / lists the issuer and the endpoints;
// GET /sim/clock reads the virtual time, for loopback callers only.
func TestServeIndexAndClockNow(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{Now: testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)).Now})
	rec := serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/", "203.0.113.7:5000", "", "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{"Issuer   http://127.0.0.1:8080\n", "POST  http://127.0.0.1:8080/token ", "GET   http://127.0.0.1:8080/api/orders ", serve.ClockPath} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET / lacks %q:\n%s", want, rec.Body)
		}
	}
	if rec := serveTestDo(srv, http.MethodPost, "http://127.0.0.1:8080/", serveTestLoopback, "", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", rec.Code)
	}
	if rec := serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/nowhere", serveTestLoopback, "", ""); rec.Code != http.StatusNotFound {
		t.Errorf("GET /nowhere: %d, want 404", rec.Code)
	}
	if err := w.Advance(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	rec = serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080"+serve.ClockNowPath, serveTestLoopback, "", "")
	var got struct{ Now time.Time }
	if err := json.Unmarshal(rec.Body.Bytes(), &got); rec.Code != http.StatusOK || err != nil || !got.Now.Equal(w.Clock().Now().Truncate(time.Second)) {
		t.Fatalf("GET %s: %d %s (%v), want now %s", serve.ClockNowPath, rec.Code, rec.Body, err, w.Clock().Now())
	}
	if rec := serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080"+serve.ClockNowPath, "203.0.113.7:5000", "", ""); rec.Code != http.StatusForbidden {
		t.Errorf("GET %s from afar: %d, want 403", serve.ClockNowPath, rec.Code)
	}
	if rec := serveTestDo(srv, http.MethodPost, "http://127.0.0.1:8080"+serve.ClockNowPath, serveTestLoopback, "", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST %s: %d, want 405", serve.ClockNowPath, rec.Code)
	}
}
