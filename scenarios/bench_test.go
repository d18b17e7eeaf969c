package scenarios_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/sim/jose"
)

// BenchmarkRunAllJSON is `tokensim run --all --format json` without the
// process: every built-in executed and written as JSON lines, compared
// with the bare cryptography it performed:
//
//	ratio = run ns/op ÷ Σ over kinds (count × bare ns of that kind)
//
// The counts are the engine's own (sim.World.CryptoOps), by kind: JWTs the
// AS signed and the API and AS verified, by the alg they carry (RS256 in
// most lessons; ES256 or EdDSA where a lesson switches alg); the
// attacker's forgeries by alg (HS256, EdDSA; alg none costs nothing); the
// flawed API's checks of those forgeries by alg (HS256 keyed with the AS's
// public key in PEM, EdDSA with the attacker's key); and DPoP proofs (ES256,
// P-256) signed by the app and the attacker and verified by the AS and the
// API. Each kind is priced with its own bare golang-jwt operation
// (bareKinds).
//
// Each iteration runs the catalogue lesson by lesson, and after each lesson
// performs every kind bare as many times as that lesson's world counted,
// timing the run and each kind apart, as sim's BenchmarkWorldRunCryptoRatio
// does for its world. Interleaving them a few milliseconds apart makes the
// ratio immune to load that comes and goes during the benchmark (the
// machine is shared), which timing the bare costs once, apart from the
// runs, was not. ns/op is the sum of both halves. Metrics: run-ns and
// crypto-ns/op are the halves; <kind>/op is how many operations of a kind
// one pass over the catalogue does and <kind>-ns the bare price of one;
// signatures/op and verifications/op are sim.Counts' totals (the AS's JWTs
// only); ratio is the figure to read (target: at most 1.5).
//
// Still left out, each a few operations per pass and so a little to the
// ratio's disadvantage: key generation (the app's and the attacker's DPoP
// key pairs, one P-256 scalar multiplication each; the attacker's Ed25519
// key) and the self-signed certificate the attacker serves for x5u (one
// Ed25519 signature).
func BenchmarkRunAllJSON(b *testing.B) {
	all, err := scenarios.Catalogue()
	if err != nil {
		b.Fatal(err)
	}
	kinds := bareKinds(b)
	spent := make([]time.Duration, len(kinds))
	done := make([]int, len(kinds))
	var run time.Duration
	allSigs, allVers, unpriced := 0, 0, 0
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
			ops, c := r.World.CryptoOps(), r.World.Counts()
			run += time.Since(t0)
			if n := ops.Signed.Other + ops.Forged.Other + ops.Verified.Other; n > 0 {
				b.Fatalf("%s: %d operations with an alg the benchmark cannot price: %+v", sc.ID, n, ops)
			}
			for k, kind := range kinds {
				n := kind.count(ops)
				t := time.Now()
				for range n {
					kind.op()
				}
				spent[k] += time.Since(t)
				done[k] += n
			}
			allSigs, allVers = allSigs+c.Signatures, allVers+c.Verifications
			unpriced += ops.Forged.None + ops.Verified.None
		}
	}
	b.StopTimer()
	n := float64(b.N)
	var cryptoT time.Duration
	for k, kind := range kinds {
		cryptoT += spent[k]
		b.ReportMetric(float64(done[k])/n, kind.name+"/op")
		if done[k] > 0 {
			b.ReportMetric(float64(spent[k].Nanoseconds())/float64(done[k]), kind.name+"-ns")
		}
	}
	runNs := float64(run.Nanoseconds()) / n
	crypto := float64(cryptoT.Nanoseconds()) / n // each iteration's own counts, priced
	b.ReportMetric(float64(unpriced)/n, "alg-none/op")
	b.ReportMetric(float64(allSigs)/n, "signatures/op")
	b.ReportMetric(float64(allVers)/n, "verifications/op")
	b.ReportMetric(runNs, "run-ns")
	b.ReportMetric(crypto, "crypto-ns/op")
	b.ReportMetric(runNs/crypto, "ratio")
}

// bareKind is one kind of cryptography: how many times a world did it
// (count, from sim.World.CryptoOps) and the same operation done once with
// bare golang-jwt outside any world (op), the floor the engine is compared
// to. The caller times op.
type bareKind struct {
	name  string
	count func(sim.CryptoOps) int
	op    func()
}

// bareKinds returns every kind the catalogue can perform, each with its bare
// operation: signing and verifying an access token under each alg the AS
// signs with (the demo keys) and under the forgeries' HS256 (keyed with the
// AS's public key in PEM, as key confusion is); signing and verifying a DPoP
// proof with a P-256 key (RFC 9449 §4.2, §4.3 step 6). Signing counts the
// AS's tokens and the attacker's forgeries of that alg together.
func bareKinds(b *testing.B) []bareKind {
	now := sim.Epoch()
	claims := sim.AccessClaims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer: sim.Issuer, Subject: "alice", Audience: jwt.ClaimStrings{sim.APIAudience},
		ExpiresAt: jwt.NewNumericDate(now.Add(15 * time.Minute)), IssuedAt: jwt.NewNumericDate(now), ID: "0123456789abcdef0123456789abcdef",
	}, ClientID: sim.ClientSPA, Scope: sim.DefaultScope}
	// jws makes a sign and a verify op for one method and key pair.
	jws := func(m jwt.SigningMethod, priv, pub any, hdr map[string]any, c jwt.Claims, newClaims func() jwt.Claims, opts ...jwt.ParserOption) (sign, verify func()) {
		signed := func() string {
			t := jwt.NewWithClaims(m, c)
			for k, v := range hdr {
				t.Header[k] = v
			}
			s, err := t.SignedString(priv)
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
		tok := signed()
		opts = append(opts, jwt.WithValidMethods([]string{m.Alg()}))
		return func() { signed() }, func() {
			if _, err := jwt.ParseWithClaims(tok, newClaims(), func(*jwt.Token) (any, error) { return pub, nil }, opts...); err != nil {
				b.Fatal(err)
			}
		}
	}
	access := func() jwt.Claims { return &sim.AccessClaims{} }
	atOpts := []jwt.ParserOption{jwt.WithTimeFunc(func() time.Time { return now })}
	var kinds []bareKind
	for _, alg := range jose.Algs() {
		k, err := jose.DemoKey(alg)
		if err != nil {
			b.Fatal(err)
		}
		of := func(a sim.AlgCounts) int {
			switch alg {
			case jose.ES256:
				return a.ES256
			case jose.EdDSA:
				return a.EdDSA
			}
			return a.RS256
		}
		method := jwt.GetSigningMethod(string(alg))
		sign, verify := jws(method, k.Private, k.Public(), map[string]any{"typ": jose.TypAccessToken, "kid": k.KID}, claims, access, atOpts...)
		name := strings.ToLower(string(alg))
		kinds = append(kinds,
			bareKind{name + "-sign", func(o sim.CryptoOps) int { return of(o.Signed) + of(o.Forged) }, sign},
			bareKind{name + "-verify", func(o sim.CryptoOps) int { return of(o.Verified) }, verify})
	}
	// HS256: the forgeries' MAC, keyed as key confusion keys it.
	rsa, err := jose.DemoKey(jose.RS256)
	if err != nil {
		b.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(rsa.Public())
	if err != nil {
		b.Fatal(err)
	}
	secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	sign, verify := jws(jwt.SigningMethodHS256, secret, secret, map[string]any{"typ": jose.TypAccessToken, "kid": rsa.KID}, claims, access, atOpts...)
	kinds = append(kinds,
		bareKind{"hs256-sign", func(o sim.CryptoOps) int { return o.Signed.HS256 + o.Forged.HS256 }, sign},
		bareKind{"hs256-verify", func(o sim.CryptoOps) int { return o.Verified.HS256 }, verify})
	// DPoP proofs: ES256 with a fresh P-256 key, the public half in the
	// header; verified without claims validation, as the servers verify
	// proofs before checking htm, htu, iat and ath themselves.
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	pub, err := p256.PublicKey.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := map[string]any{"kty": "EC", "crv": "P-256", "x": b64(pub[1:33]), "y": b64(pub[33:])}
	proof := bareProofClaims{
		RegisteredClaims: jwt.RegisteredClaims{ID: "0123456789abcdef0123456789abcdef", IssuedAt: jwt.NewNumericDate(now)},
		HTM:              "GET", HTU: sim.APIAudience + "/api/orders", ATH: "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo",
	}
	sign, verify = jws(jwt.SigningMethodES256, p256, &p256.PublicKey, map[string]any{"typ": jose.TypDPoP, "jwk": jwk}, proof,
		func() jwt.Claims { return &bareProofClaims{} }, jwt.WithoutClaimsValidation())
	return append(kinds,
		bareKind{"proof-sign", func(o sim.CryptoOps) int { return o.ProofsSigned }, sign},
		bareKind{"proof-verify", func(o sim.CryptoOps) int { return o.ProofsVerified }, verify})
}

// bareProofClaims are a DPoP proof's claims (RFC 9449 §4.2).
type bareProofClaims struct {
	jwt.RegisteredClaims
	HTM string `json:"htm"`
	HTU string `json:"htu"`
	ATH string `json:"ath,omitempty"`
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
