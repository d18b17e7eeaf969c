package sim

import (
	"net/http"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// cryptoAgrees fails unless CryptoOps' per-alg signatures and
// verifications add up to what Counts says: the two are one tally.
func cryptoAgrees(t *testing.T, w *World) CryptoOps {
	t.Helper()
	ops, c := w.CryptoOps(), w.Counts()
	if ops.Signed.Total() != c.Signatures || ops.Verified.Total() != c.Verifications {
		t.Fatalf("CryptoOps %+v disagrees with Counts %+v", ops, c)
	}
	return ops
}

// wireProofs is the number of distinct DPoP proofs sent on the wire: each
// fresh proof has its own jti, so distinct values are proofs signed, and a
// replayed proof adds none.
func wireProofs(w *World) int {
	seen := map[string]bool{}
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.Exchange != nil {
			if p := e.Exchange.Request.Header.Get("DPoP"); p != "" {
				seen[p] = true
			}
		}
	}
	return len(seen)
}

// TestCryptoOpsDPoP walks the dpop-binding lesson and checks every
// signature and proof CryptoOps counts against what the protocol does at
// each step (lesson worlds have no signature cache: every API call
// verifies its token).
func TestCryptoOpsDPoP(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	lifeSet(t, w, "dpop", "true")
	steps := []struct {
		name string
		do   func() Outcome
		// what the step adds: access+ID tokens signed (RS256), access
		// tokens verified (RS256), proofs signed, proofs verified
		signed, verified, pSigned, pVerified int
	}{
		// A token request with a proof the AS checks; access and ID token signed.
		{"login", func() Outcome { return w.App().Login(DemoUser, DemoPassword, "") }, 2, 0, 1, 1},
		// A proof the API checks, then the token's signature.
		{"call", func() Outcome { return w.App().Call(http.MethodGet, "/api/orders") }, 0, 1, 1, 1},
		{"steal", func() Outcome { return w.Attacker().Steal(SourceLog, TokenAccess) }, 0, 0, 0, 0},
		// No proof; the token verifies, then the binding refuses it.
		{"bearer", func() Outcome { return w.Attacker().CallAPIAs(http.MethodGet, "/api/orders", PresentBearer) }, 0, 1, 0, 0},
		// The attacker signs with its own key: its proof verifies, the key does not match.
		{"own proof", func() Outcome { return w.Attacker().CallAPIAs(http.MethodGet, "/api/orders", PresentDPoP) }, 0, 1, 1, 1},
		// A replay is signed by nobody, but its signature is checked before its jti.
		{"replay", func() Outcome { return w.Attacker().CallAPIAs(http.MethodGet, "/api/orders", PresentReplay) }, 0, 1, 0, 1},
		{"call again", func() Outcome { return w.App().Call(http.MethodGet, "/api/orders") }, 0, 1, 1, 1},
		{"steal refresh", func() Outcome { return w.Attacker().Steal(SourceScript, TokenRefresh) }, 0, 0, 0, 0},
		// The attacker's proof verifies at the AS; the binding refuses the grant, nothing is signed.
		{"attacker refresh", func() Outcome { return w.Attacker().Refresh() }, 0, 0, 1, 1},
		// After expiry: a refresh (proof, new access and ID token), then the call (proof, token).
		{"call after expiry", func() Outcome { lifeAdvance(t, w, 16*time.Minute); return w.App().Call(http.MethodGet, "/api/orders") }, 2, 1, 2, 2},
	}
	var want CryptoOps
	for _, s := range steps {
		s.do()
		want.Signed.RS256 += s.signed
		want.Verified.RS256 += s.verified
		want.ProofsSigned += s.pSigned
		want.ProofsVerified += s.pVerified
		if got := cryptoAgrees(t, w); got != want {
			t.Fatalf("after %s: CryptoOps\n got %+v\nwant %+v", s.name, got, want)
		}
	}
	if n := wireProofs(w); n != want.ProofsSigned {
		t.Fatalf("%d distinct proofs on the wire, %d counted as signed", n, want.ProofsSigned)
	}
}

// TestCryptoOpsForgedTokens: every forgery against a hardened and a
// vulnerable API, each counted under the alg it was signed with (a tampered
// token signs nothing), and the API's verifications under the alg the
// token named: a hardened API verifies only what passes its allowlist and
// key set, a flawed one HS256 and EdDSA forgeries too, and an alg none one
// it lets in under None.
func TestCryptoOpsForgedTokens(t *testing.T) {
	type want struct{ forged, hardened, vulnerable string } // "" is nothing counted
	algs := map[Forgery]want{
		ForgeAlgNone:      {"none", "", "none"},
		ForgeKeyConfusion: {"HS256", "", "HS256"},
		ForgeTampered:     {"", "RS256", "RS256"},
		ForgeKidPath:      {"HS256", "", "HS256"},
		ForgeKidSQL:       {"HS256", "", "HS256"},
		ForgeKidUnknown:   {"EdDSA", "", ""}, // no key by that kid: nothing to verify with
		ForgeJKU:          {"EdDSA", "", "EdDSA"},
		ForgeX5U:          {"EdDSA", "", "EdDSA"},
		ForgeJWK:          {"EdDSA", "", "EdDSA"},
	}
	if len(algs) != len(Forgeries()) {
		t.Fatalf("the table covers %d forgeries, there are %d", len(algs), len(Forgeries()))
	}
	for _, profile := range []string{"hardened", "vulnerable"} {
		for _, f := range Forgeries() {
			t.Run(profile+"/"+string(f), func(t *testing.T) {
				w := forgeWorld(t, profile)
				before := cryptoAgrees(t, w)
				w.Attacker().Forge(f, http.MethodPost, "/api/orders")
				want := before
				if a := algs[f].forged; a != "" {
					want.Forged.add(a)
				}
				if a := map[string]string{"hardened": algs[f].hardened, "vulnerable": algs[f].vulnerable}[profile]; a != "" {
					want.Verified.add(a)
				}
				if got := cryptoAgrees(t, w); got != want {
					t.Fatalf("CryptoOps\n got %+v\nwant %+v", got, want)
				}
			})
		}
	}
}

// TestCryptoOpsWorldAlg: the AS's signatures and the API's verifications
// are counted under the alg the world signs with.
func TestCryptoOpsWorldAlg(t *testing.T) {
	for _, alg := range jose.Algs() {
		t.Run(string(alg), func(t *testing.T) {
			w := lifeWorld(t, "tokensim")
			lifeSet(t, w, "alg", string(alg))
			lifeLogin(t, w, "")
			lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
			var want CryptoOps
			want.Signed.add(string(alg))
			want.Signed.add(string(alg)) // access and ID token
			want.Verified.add(string(alg))
			if got := cryptoAgrees(t, w); got != want {
				t.Fatalf("CryptoOps\n got %+v\nwant %+v", got, want)
			}
		})
	}
}
