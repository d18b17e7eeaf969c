package sim

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// The performance requirement: a world doing a login, ten API calls and five
// refreshes costs at most 1.5 times the cryptography it performs (signatures
// and verifications, timed bare with golang-jwt), and one world after that
// run retains under 1 MB of heap.
//
//	go test ./sim -run '^$' -bench . -benchmem
//
// BenchmarkWorldRunCryptoRatio reports the ratio; BenchmarkWorldRun the
// world alone with its counters and retained heap; BenchmarkBareSign and
// BenchmarkBareVerify the bare golang-jwt costs the ratio divides by;
// BenchmarkWireExchange the wire's own cost per exchange.
// TestWorldMemoryUnder1MB enforces the memory bound in the normal suite.

// fzRunCalls and fzRunRefreshes shape one benchmark run.
const (
	fzRunCalls     = 10
	fzRunRefreshes = 5
)

// fzPolicy is the default preset's policy signing with alg.
func fzPolicy(tb testing.TB, alg jose.Alg) Policy {
	tb.Helper()
	p, err := LookupPreset(DefaultPreset)
	if err != nil {
		tb.Fatalf("LookupPreset: %v", err)
	}
	p.Policy.Alg = alg
	return p.Policy
}

// fzRunWorld makes a fresh world signing with alg and runs the benchmark
// scenario: a login, fzRunCalls API calls, fzRunRefreshes of which are
// preceded by a jump past the access token's lifetime, so that the app
// refreshes proactively before calling. Every step must succeed.
func fzRunWorld(tb testing.TB, seed uint64, alg jose.Alg) *World {
	tb.Helper()
	pol := fzPolicy(tb, alg)
	w, err := New(Config{Seed: seed, Policy: &pol})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	if o := w.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		tb.Fatalf("login: %+v", o)
	}
	for i := 0; i < fzRunCalls; i++ {
		if i >= fzRunCalls-fzRunRefreshes {
			// Past the refresh point (exp − RefreshSkew): the next Call
			// refreshes first.
			if err := w.Advance(pol.AccessTTL); err != nil {
				tb.Fatalf("Advance: %v", err)
			}
		}
		if o := w.App().Call("GET", "/api/orders"); !o.OK() {
			tb.Fatalf("call %d: %+v", i, o)
		}
	}
	return w
}

// fzWantCounts is what one run must cost: the login and each refresh sign
// an access token and an ID token (the default scope has openid); each call
// verifies one access token at the API.
var fzWantCounts = Counts{
	Signatures:    2 * (1 + fzRunRefreshes),
	Verifications: fzRunCalls,
	JWKSFetches:   1,
}

func fzCheckCounts(tb testing.TB, got Counts) {
	tb.Helper()
	if got.Signatures != fzWantCounts.Signatures || got.Verifications != fzWantCounts.Verifications ||
		got.JWKSFetches != fzWantCounts.JWKSFetches || got.Introspections != 0 {
		tb.Fatalf("run counts %+v, want signatures %d, verifications %d, 1 JWKS fetch, no introspection",
			got, fzWantCounts.Signatures, fzWantCounts.Verifications)
	}
}

// fzClaims are shaped like the access tokens mintAccess signs.
func fzClaims() AccessClaims {
	return AccessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   DemoUser,
			Audience:  jwt.ClaimStrings{APIAudience},
			ExpiresAt: jwt.NewNumericDate(Epoch().Add(15 * time.Minute)),
			IssuedAt:  jwt.NewNumericDate(Epoch()),
			ID:        "q1w2e3r4t5y6u7i8o9p0aA", // 16 random bytes, base64url: like entropy.token(16)
		},
		ClientID: ClientSPA,
		Scope:    DefaultScope,
		AuthTime: jwt.NewNumericDate(Epoch()),
	}
}

// fzBareSign signs fzClaims with the demo key of alg, headers as the AS
// writes them.
func fzBareSign(k jose.SigningKey) (string, error) {
	t := jwt.NewWithClaims(k.Alg.Method(), fzClaims())
	t.Header["typ"] = jose.TypAccessToken
	t.Header["kid"] = k.KID
	return t.SignedString(k.Private)
}

// fzBareVerify verifies tok the way golang-jwt is used by the API, without
// the world: allowlisted alg, iss, aud, exp required, iat, virtual time.
func fzBareVerify(k jose.SigningKey, tok string) error {
	pub := k.Public()
	var c AccessClaims
	_, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{string(k.Alg)}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(APIAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return Epoch().Add(time.Minute) }),
	)
	return err
}

func fzDemoKey(tb testing.TB, alg jose.Alg) jose.SigningKey {
	tb.Helper()
	k, err := jose.DemoKey(alg)
	if err != nil {
		tb.Fatalf("DemoKey(%s): %v", alg, err)
	}
	return k
}

func BenchmarkWorldRun(b *testing.B) {
	for _, alg := range jose.Algs() {
		b.Run(string(alg), func(b *testing.B) {
			retained := fzRetainedCached(b, alg)
			b.ReportAllocs()
			b.ResetTimer()
			var last Counts
			for i := 0; i < b.N; i++ {
				last = fzRunWorld(b, uint64(i), alg).Counts()
			}
			b.StopTimer()
			fzCheckCounts(b, last)
			b.ReportMetric(float64(last.Signatures), "signatures/op")
			b.ReportMetric(float64(last.Verifications), "verifications/op")
			b.ReportMetric(float64(retained), "retained-bytes")
		})
	}
}

func BenchmarkBareSign(b *testing.B) {
	for _, alg := range jose.Algs() {
		b.Run(string(alg), func(b *testing.B) { fzBenchSign(b, fzDemoKey(b, alg)) })
	}
}

func BenchmarkBareVerify(b *testing.B) {
	for _, alg := range jose.Algs() {
		b.Run(string(alg), func(b *testing.B) { fzBenchVerify(b, fzDemoKey(b, alg)) })
	}
}

func fzBenchSign(b *testing.B, k jose.SigningKey) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := fzBareSign(k); err != nil {
			b.Fatal(err)
		}
	}
}

func fzBenchVerify(b *testing.B, k jose.SigningKey) {
	tok, err := fzBareSign(k)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := fzBareVerify(k, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorldRunCryptoRatio compares the world run with the bare
// cryptography it performed:
//
//	ratio = world ns/op ÷ (signatures × sign ns/op + verifications × verify ns/op)
//
// Each iteration runs a world, then signs and verifies bare (fzBareSign,
// fzBareVerify) as many times as the world's counters say it did, timing
// the three phases apart. Interleaving them makes the ratio immune to load
// that comes and goes during the benchmark (the machine is shared), which a
// separate measurement of the bare costs would not be. ns/op is the sum of
// both halves; world-ns, sign-ns and verify-ns are the parts.
//
// The requirement is ratio ≤ 1.5 for the default algorithm, RS256.
func BenchmarkWorldRunCryptoRatio(b *testing.B) {
	for _, alg := range jose.Algs() {
		b.Run(string(alg), func(b *testing.B) {
			k := fzDemoKey(b, alg)
			tok, err := fzBareSign(k)
			if err != nil {
				b.Fatal(err)
			}
			var world, sign, verify time.Duration
			var signs, verifies int
			var last Counts
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				last = fzRunWorld(b, uint64(i), alg).Counts()
				t1 := time.Now()
				for j := 0; j < last.Signatures; j++ {
					if _, err := fzBareSign(k); err != nil {
						b.Fatal(err)
					}
				}
				t2 := time.Now()
				for j := 0; j < last.Verifications; j++ {
					if err := fzBareVerify(k, tok); err != nil {
						b.Fatal(err)
					}
				}
				t3 := time.Now()
				world, sign, verify = world+t1.Sub(t0), sign+t2.Sub(t1), verify+t3.Sub(t2)
				signs, verifies = signs+last.Signatures, verifies+last.Verifications
			}
			b.StopTimer()
			fzCheckCounts(b, last)
			signNs := float64(sign.Nanoseconds()) / float64(signs)
			verifyNs := float64(verify.Nanoseconds()) / float64(verifies)
			worldNs := float64(world.Nanoseconds()) / float64(b.N)
			crypto := float64(last.Signatures)*signNs + float64(last.Verifications)*verifyNs
			b.ReportMetric(worldNs, "world-ns")
			b.ReportMetric(signNs, "sign-ns")
			b.ReportMetric(verifyNs, "verify-ns")
			b.ReportMetric(worldNs/crypto, "ratio")
		})
	}
}

// fzRetained measures the heap one world retains after the benchmark run:
// HeapAlloc after a full collection with the world reachable, minus
// HeapAlloc before it was made. It takes the least of three attempts, after
// a warm-up run that pays the process's one-time costs (demo keys, lazily
// built tables in net/http and encoding/json).
func fzRetained(tb testing.TB, alg jose.Alg) int64 {
	tb.Helper()
	runtime.KeepAlive(fzRunWorld(tb, 0, alg))
	best := int64(-1)
	for attempt := 0; attempt < 3; attempt++ {
		var before, after runtime.MemStats
		fzFullGC()
		runtime.ReadMemStats(&before)
		w := fzRunWorld(tb, uint64(attempt+1), alg)
		fzFullGC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(w)
		d := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		if d < 0 {
			d = 0
		}
		if best < 0 || d < best {
			best = d
		}
	}
	return best
}

// fzFullGC collects twice: the first collection moves sync.Pool contents to
// the victim cache, the second frees them.
func fzFullGC() {
	runtime.GC()
	runtime.GC()
}

var fzRetainedCache sync.Map // Alg → int64

func fzRetainedCached(tb testing.TB, alg jose.Alg) int64 {
	if v, ok := fzRetainedCache.Load(alg); ok {
		return v.(int64)
	}
	v := fzRetained(tb, alg)
	fzRetainedCache.Store(alg, v)
	return v
}

// TestWorldMemoryUnder1MB: a world that logged in, called the API ten times
// and refreshed five times retains less than 1 MiB, event log included.
func TestWorldMemoryUnder1MB(t *testing.T) {
	fzCheckCounts(t, fzRunWorld(t, 1, jose.RS256).Counts())
	const limit = 1 << 20
	if got := fzRetained(t, jose.RS256); got >= limit {
		t.Fatalf("one world retains %d bytes after login + %d calls + %d refreshes, want < %d", got, fzRunCalls, fzRunRefreshes, limit)
	} else {
		t.Logf("retained %d bytes", got)
	}
}

// BenchmarkWireExchange is the wire's own cost per exchange: a POST with a
// small form body and a bearer header to a handler that answers a small
// JSON body, recorded as an event. A world run makes 20 exchanges.
func BenchmarkWireExchange(b *testing.B) {
	w := newTestWorld(b)
	const host = "bench.tokensim.test"
	w.wire.Handle(host, ActorAPI, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(rw, http.StatusOK, map[string]string{"ok": "yes"})
	}))
	c := w.wire.Client(ActorApp)
	body := "grant_type=refresh_token&refresh_token=q1w2e3r4t5y6u7i8o9p0aAq1w2e3r4t5y6u7i8o9p0a&client_id=spa"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest(http.MethodPost, "https://"+host+"/x", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		readAll(resp)
		if i%1000 == 999 {
			// Keep the log the size of a world's, not b.N events.
			b.StopTimer()
			w = newTestWorld(b)
			w.wire.Handle(host, ActorAPI, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				writeJSON(rw, http.StatusOK, map[string]string{"ok": "yes"})
			}))
			c = w.wire.Client(ActorApp)
			b.StartTimer()
		}
	}
}
