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
// process: every built-in executed and written as JSON lines, compared
// with the bare cryptography it performed:
//
//	ratio = run ns/op ÷ (signatures × sign ns + verifications × verify ns)
//
// Each iteration runs the catalogue lesson by lesson, and after each
// lesson signs and verifies with bare golang-jwt (bareCrypto) as many
// times as that lesson's world counted, timing the three phases apart, as
// sim's BenchmarkWorldRunCryptoRatio does for its world. Interleaving them
// a few milliseconds apart makes the ratio immune to load that comes and
// goes during the benchmark (the machine is shared), which timing the
// bare costs once, apart from the runs, was not. ns/op is the sum of both halves; run-ns, sign-ns and verify-ns are
// the parts, and ratio is the figure to read (target: at most 1.5).
//
// The baseline counts what sim.Counts counts: the AS's and the
// first-party backend's signatures (RS256 in every built-in lesson) and
// the verifications by the API and the AS, each priced as an RS256
// signature or verification. It leaves out what the engine does not count
// today: DPoP proofs signed by the app and the attacker and verified by the
// AS and the API (ES256, dpop-binding), and the attacker's forgeries
// (HS256, EdDSA, alg none; forged-tokens), whose verifications by the
// flawed API are counted and priced as RS256 verifications. The work left
// out makes the ratio higher than the truth; pricing the forged tokens'
// HS256 checks as RS256 makes it a little lower (sim's counters do not
// say which algorithm a verification used).
func BenchmarkRunAllJSON(b *testing.B) {
	all, err := scenarios.Catalogue()
	if err != nil {
		b.Fatal(err)
	}
	sign, verify := bareCrypto(b)
	var run, signT, verifyT time.Duration
	allSigs, allVers := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, sc := range all {
			t0 := time.Now()
			r, err := scenarios.Execute(sc, scenarios.Options{Seed: uint64(i)})
			if err != nil {
				b.Fatal(err)
			}
			if err := render.WriteJSON(io.Discard, r); err != nil {
				b.Fatal(err)
			}
			c := r.World.Counts()
			t1 := time.Now()
			for range c.Signatures {
				sign()
			}
			t2 := time.Now()
			for range c.Verifications {
				verify()
			}
			t3 := time.Now()
			run, signT, verifyT = run+t1.Sub(t0), signT+t2.Sub(t1), verifyT+t3.Sub(t2)
			allSigs, allVers = allSigs+c.Signatures, allVers+c.Verifications
		}
	}
	b.StopTimer()
	n := float64(b.N)
	signNs := float64(signT.Nanoseconds()) / float64(allSigs)
	verifyNs := float64(verifyT.Nanoseconds()) / float64(allVers)
	runNs := float64(run.Nanoseconds()) / n
	crypto := float64(signT.Nanoseconds()+verifyT.Nanoseconds()) / n // each iteration's own counts, priced
	b.ReportMetric(float64(allSigs)/n, "signatures/op")
	b.ReportMetric(float64(allVers)/n, "verifications/op")
	b.ReportMetric(runNs, "run-ns")
	b.ReportMetric(signNs, "sign-ns")
	b.ReportMetric(verifyNs, "verify-ns")
	b.ReportMetric(crypto, "crypto-ns/op")
	b.ReportMetric(runNs/crypto, "ratio")
}

// bareCrypto returns golang-jwt signing and verifying an access token with
// the demo RS256 key, outside any world: the floor the engine is compared
// to. Each call does the work once; the caller times it.
func bareCrypto(b *testing.B) (sign, verify func()) {
	k, err := sim.DemoKey(sim.RS256)
	if err != nil {
		b.Fatal(err)
	}
	now := sim.Epoch()
	claims := sim.AccessClaims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer: sim.Issuer, Subject: "alice", Audience: jwt.ClaimStrings{sim.APIAudience},
		ExpiresAt: jwt.NewNumericDate(now.Add(15 * time.Minute)), IssuedAt: jwt.NewNumericDate(now), ID: "0123456789abcdef0123456789abcdef",
	}, ClientID: sim.ClientSPA, Scope: sim.DefaultScope}
	signed := func() string {
		t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
		t.Header["typ"], t.Header["kid"] = sim.TypAccessToken, k.KID
		s, err := t.SignedString(k.Private)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	tok := signed()
	return func() { signed() }, func() {
		var c sim.AccessClaims
		if _, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return k.Public(), nil },
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now })); err != nil {
			b.Fatal(err)
		}
	}
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
