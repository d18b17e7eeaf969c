package scenarios_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// BenchmarkRunAllJSON is `tokensim run --all --format json` without the
// process: every built-in executed and written as JSON lines. It reports
// the signatures and verifications the catalogue performs, and "ratio":
// the run's cost divided by what those would cost as bare golang-jwt calls
// (target: at most 1.5).
func BenchmarkRunAllJSON(b *testing.B) {
	all, err := scenarios.Catalogue()
	if err != nil {
		b.Fatal(err)
	}
	sigs, vers := 0, 0
	for _, sc := range all {
		r, err := scenarios.Execute(sc, scenarios.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		c := r.World.Counts()
		sigs, vers = sigs+c.Signatures, vers+c.Verifications
	}
	signNs, verifyNs := bareCrypto(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for _, sc := range all {
			r, err := scenarios.Execute(sc, scenarios.Options{Seed: uint64(i)})
			if err != nil {
				b.Fatal(err)
			}
			if err := render.WriteJSON(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	perOp := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	crypto := float64(sigs)*signNs + float64(vers)*verifyNs
	b.ReportMetric(float64(sigs), "signatures/op")
	b.ReportMetric(float64(vers), "verifications/op")
	b.ReportMetric(crypto, "crypto-ns/op")
	b.ReportMetric(perOp/crypto, "ratio")
}

// bareCrypto measures golang-jwt signing and verifying an access token with
// the demo RS256 key, outside any world: the floor the engine is compared to.
func bareCrypto(b *testing.B) (signNs, verifyNs float64) {
	k, err := sim.DemoKey(sim.RS256)
	if err != nil {
		b.Fatal(err)
	}
	now := sim.Epoch()
	claims := sim.AccessClaims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer: sim.Issuer, Subject: "alice", Audience: jwt.ClaimStrings{sim.APIAudience},
		ExpiresAt: jwt.NewNumericDate(now.Add(15 * time.Minute)), IssuedAt: jwt.NewNumericDate(now), ID: "0123456789abcdef0123456789abcdef",
	}, ClientID: sim.ClientSPA, Scope: sim.DefaultScope}
	sign := func() string {
		t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
		t.Header["typ"], t.Header["kid"] = sim.TypAccessToken, k.KID
		s, err := t.SignedString(k.Private)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	tok := sign()
	verify := func() {
		var c sim.AccessClaims
		if _, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return k.Public(), nil },
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now })); err != nil {
			b.Fatal(err)
		}
	}
	// Timed inline: testing.Benchmark cannot run inside a benchmark.
	const n = 200
	start := time.Now()
	for range n {
		sign()
	}
	signNs = float64(time.Since(start).Nanoseconds()) / n
	start = time.Now()
	for range n {
		verify()
	}
	return signNs, float64(time.Since(start).Nanoseconds()) / n
}

// longScenario writes a valid scenario of n steps.
func longScenario(n int) []byte {
	var b strings.Builder
	b.WriteString("id: long\ntitle: Long\nsummary: Many steps.\nlevel: advanced\ntheme: basics\ngoals: [load fast]\nsteps:\n")
	b.WriteString("  - do: login\n    narration: Log in first.\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  - title: Step %d\n    do: call\n    path: /api/orders\n    narration: |\n      Call number %d, to see that the access token is reused.\n    expect:\n      status: 200\n      error: none\n", i, i)
	}
	return []byte(b.String())
}

// BenchmarkLoad200Steps: loading and validating a 200-step file (target:
// under 5 ms).
func BenchmarkLoad200Steps(b *testing.B) {
	data := longScenario(200)
	if _, err := scenarios.Load("long.yaml", data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := scenarios.Load("long.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
