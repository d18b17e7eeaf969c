package serve_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/tokensim/tokensim/serve"
)

// serveBenchGet runs GET url with the header set, in parallel, over
// loopback, failing on any non-200 answer.
func serveBenchGet(b *testing.B, target, auth string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("Authorization", auth)
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkServeAPI: GET /api/orders over loopback, each call validating an
// RS256 access token (signature, iss, aud, exp, typ) and being recorded in
// the log. Compare with BenchmarkServeBareHandler (README: goal ≥ 50%).
func BenchmarkServeAPI(b *testing.B) {
	e := serveTestStart(b)
	at, _ := serveTestTokens(b, e)
	serveBenchGet(b, e.origin+"/api/orders", "Bearer "+at)
}

// BenchmarkServeAPIVerifyEvery is BenchmarkServeAPI with the signature
// cache off: every request verifies its RS256 signature, as in a lesson.
func BenchmarkServeAPIVerifyEvery(b *testing.B) {
	e := serveTestStartWith(b, serve.Options{VerifyEveryRequest: true})
	at, _ := serveTestTokens(b, e)
	serveBenchGet(b, e.origin+"/api/orders", "Bearer "+at)
}

// BenchmarkServeAPIUnrecorded is BenchmarkServeAPI without serve mode's
// recorder: the API's own http.Handler on the socket, to show what
// recording every exchange for the live view costs.
func BenchmarkServeAPIUnrecorded(b *testing.B) {
	e := serveTestStart(b)
	at, _ := serveTestTokens(b, e)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: e.world.API()}
	go func() { _ = hs.Serve(l) }()
	defer hs.Close()
	serveBenchGet(b, "http://"+l.Addr().String()+"/api/orders", "Bearer "+at)
}

// BenchmarkServeBareHandler is the baseline: a bare net/http handler that
// writes a small JSON body, on the same machine, over loopback.
func BenchmarkServeBareHandler(b *testing.B) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"orders":[]}`)
	})}
	go func() { _ = hs.Serve(l) }()
	defer hs.Close()
	serveBenchGet(b, "http://"+l.Addr().String()+"/api/orders", "Bearer x")
}

// BenchmarkServeRefresh: refresh-token grants with rotation over loopback,
// one after another (each rotation retires the token the next call would
// otherwise replay).
func BenchmarkServeRefresh(b *testing.B) {
	e := serveTestStart(b)
	_, rt := serveTestTokens(b, e)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.PostForm(e.origin+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cli"}})
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			RefreshToken string `json:"refresh_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || out.RefreshToken == "" {
			b.Fatalf("refresh: %d %v", resp.StatusCode, err)
		}
		rt = out.RefreshToken
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "refresh/s")
}
