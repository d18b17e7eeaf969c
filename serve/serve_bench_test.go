package serve_test

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
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
			if !serveBenchDo(b, c, target, auth) {
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// serveBenchDo sends one GET with the Authorization header auth and reads
// the answer; false (the benchmark failed) for an error or a non-200.
func serveBenchDo(b *testing.B, c *http.Client, target, auth string) bool {
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", auth)
	resp, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Errorf("status %d", resp.StatusCode)
		return false
	}
	return true
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
	serveBenchGet(b, serveBenchBare(b), "Bearer x")
}

// serveBenchBare starts the baseline, a bare net/http handler writing a
// small JSON body, on a loopback port until the benchmark ends, and returns
// its URL.
func serveBenchBare(b *testing.B) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"orders":[]}`)
	})}
	go func() { _ = hs.Serve(l) }()
	b.Cleanup(func() { hs.Close() })
	return "http://" + l.Addr().String() + "/api/orders"
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

// serveBenchMint returns n access tokens of the logged-in user: the
// login's and n-1 more from refresh grants (rotation hands back a new
// refresh token each time).
func serveBenchMint(b *testing.B, e *serveTestEnv, n int) []string {
	at, rt := serveTestTokens(b, e)
	tokens := []string{at}
	c := &http.Client{}
	for len(tokens) < n {
		resp, err := c.PostForm(e.origin+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cli"}})
		if err != nil {
			b.Fatal(err)
		}
		var out struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || out.AccessToken == "" {
			b.Fatalf("refresh: %d %v", resp.StatusCode, err)
		}
		tokens = append(tokens, out.AccessToken)
		rt = cmp.Or(out.RefreshToken, rt)
	}
	return tokens
}

// serveBenchBatch sends n GETs to target from four goroutines, cycling
// through tokens (Authorization: Bearer), and returns how long they took.
func serveBenchBatch(b *testing.B, c *http.Client, target string, tokens []string, n int) time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < n; i += 4 {
				if !serveBenchDo(b, c, target, "Bearer "+tokens[i%len(tokens)]) {
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkServeAPIRatio is the README's "API with JWT validation / bare
// handler" measured as a ratio: each iteration sends a batch to the API and
// then the same batch to a bare net/http handler writing a small JSON body,
// timing each, so that load that comes and goes on a shared machine falls
// on both halves alike (as BenchmarkWorldRunCryptoRatio does for the
// engine). With one token every API request after the first is a hit of
// the signature cache; with 512 distinct tokens (512 users, say) each
// token's first request verifies its signature. api-req/s and bare-req/s
// are the two rates; ratio is api/bare (README goal ≥ 0.5).
func BenchmarkServeAPIRatio(b *testing.B) {
	for _, n := range []int{1, 512} {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			e := serveTestStart(b)
			tokens := serveBenchMint(b, e, n)
			bareURL := serveBenchBare(b)
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr}
			const batch = 256
			var api, bare time.Duration
			b.ResetTimer()
			for b.Loop() {
				api += serveBenchBatch(b, c, e.origin+"/api/orders", tokens, batch)
				bare += serveBenchBatch(b, c, bareURL, tokens, batch)
			}
			reqs := float64(b.N * batch)
			b.ReportMetric(reqs/api.Seconds(), "api-req/s")
			b.ReportMetric(reqs/bare.Seconds(), "bare-req/s")
			b.ReportMetric(bare.Seconds()/api.Seconds(), "ratio")
		})
	}
}

// BenchmarkServeUserinfo: GET /userinfo (OIDC Core §5.3) over loopback with
// a Bearer access token, in parallel as BenchmarkServeAPI: the AS judges the
// token as at introspection and answers sub and the claims of its scopes
// (README: userinfo requests/s).
func BenchmarkServeUserinfo(b *testing.B) {
	e := serveTestStart(b)
	at, _ := serveTestTokens(b, e)
	serveBenchGet(b, e.origin+"/userinfo", "Bearer "+at)
}

// serveBenchCodes signs alice in n times (POST /authorize with her
// credentials, as serveTestTokens does) and returns the n codes, each for
// the S256 challenge of serveBenchVerifier. The test clock stands still,
// so no code expires while the benchmark runs.
func serveBenchCodes(b *testing.B, e *serveTestEnv, n int) []string {
	sum := sha256.Sum256([]byte(serveBenchVerifier))
	q := url.Values{"response_type": {"code"}, "client_id": {"cli"}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"scope": {"openid profile orders:read offline_access"}, "username": {sim.DemoUser}, "password": {sim.DemoPassword}}
	codes := make([]string, 0, n)
	for range n {
		resp, err := e.plain.PostForm(e.origin+"/authorize", q)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			b.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		codes = append(codes, loc.Query().Get("code"))
	}
	return codes
}

// serveBenchVerifier is the PKCE code verifier of serveBenchCodes (RFC 7636
// §4.1: 43 characters).
var serveBenchVerifier = strings.Repeat("v", 43)

// serveBenchGrant POSTs one token request and checks that it is granted;
// it returns the new refresh token, if any.
func serveBenchGrant(b *testing.B, c *http.Client, tokenURL string, form url.Values, basic [2]string) string {
	req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic[0] != "" {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var out struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		b.Fatalf("%s grant: %d %v", form.Get("grant_type"), resp.StatusCode, err)
	}
	return out.RefreshToken
}

// BenchmarkServeTokenGrants: token-endpoint grants per second over
// loopback, one request after another on one connection (README:
// token-endpoint grants/s), for each grant the server offers:
//   - authorization_code: cli redeems a code with its PKCE verifier and
//     gets an access token, a refresh token and an ID token (two
//     signatures); the logins that made the codes are not timed;
//   - client_credentials: service, with its secret in a Basic header,
//     gets an access token alone (RFC 6749 §4.4.3);
//   - refresh_token: rotation, each grant redeeming the refresh token the
//     previous one returned (as BenchmarkServeRefresh), with an ID token.
func BenchmarkServeTokenGrants(b *testing.B) {
	b.Run("grant=authorization_code", func(b *testing.B) {
		e := serveTestStart(b)
		codes := serveBenchCodes(b, e, b.N)
		c := &http.Client{Transport: &http.Transport{}}
		defer c.CloseIdleConnections()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			serveBenchGrant(b, c, e.origin+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {codes[i]},
				"redirect_uri": {"http://127.0.0.1:9/cb"}, "client_id": {"cli"}, "code_verifier": {serveBenchVerifier}}, [2]string{})
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("grant=client_credentials", func(b *testing.B) {
		e := serveTestStart(b)
		c := &http.Client{Transport: &http.Transport{}}
		defer c.CloseIdleConnections()
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {"orders:read"}}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			serveBenchGrant(b, c, e.origin+"/token", form, [2]string{sim.ClientService, sim.DemoServiceSecret})
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("grant=refresh_token", func(b *testing.B) {
		e := serveTestStart(b)
		_, rt := serveTestTokens(b, e)
		c := &http.Client{Transport: &http.Transport{}}
		defer c.CloseIdleConnections()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			rt = serveBenchGrant(b, c, e.origin+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cli"}}, [2]string{})
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
