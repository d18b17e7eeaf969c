package sim

import (
	"sync"

	"github.com/tokensim/tokensim/sim/jose"
)

// Counts is a snapshot of the world's counters. They make costs visible to
// the learner (an introspecting API pays an AS round trip per call) and make
// the benchmarks exact (cost of a run versus the cryptography it performs).
type Counts struct {
	Signatures     int `json:"signatures"`     // JWTs signed by the AS or the first-party backend
	Verifications  int `json:"verifications"`  // JWT signature checks by the API or the AS
	Introspections int `json:"introspections"` // RFC 7662 calls the API made
	JWKSFetches    int `json:"jwks_fetches"`   // times the API fetched the AS's keys
	Exchanges      int `json:"exchanges"`      // HTTP exchanges on the wire
	// What only a flawed API does (RFC 8725 §3.10): fetch keys from URLs a
	// token names, and read kid as a path or query. A hardened API keeps
	// both at zero; omitted from JSON when zero.
	HeaderKeyFetches int `json:"header_key_fetches,omitempty"`
	KidStoreReads    int `json:"kid_store_reads,omitempty"`
}

// CryptoOps is the world's public-key and MAC work by kind: every JWS the
// world signed or checked, by algorithm, DPoP proofs included. It is what a
// benchmark prices a run against, each kind at its own cost.
//
// It is kept out of Counts on purpose: Counts is learner-facing and is
// written into every JSON export (and so every golden file), while this
// breakdown serves measurement. A method of its own (World.CryptoOps)
// leaves the exports unchanged by construction and lets the breakdown grow
// without anyone having to remember a json:"-" tag.
type CryptoOps struct {
	// Signed are the JWTs the AS or the first-party backend signed, by the
	// world's alg; their total is Counts.Signatures.
	Signed AlgCounts
	// Verified are the JWT signature checks by the API (hardened or flawed)
	// and the AS, by the alg the token's header named; their total is
	// Counts.Verifications. Each is counted when the key is handed to the
	// library, whether the signature then holds or not. A flawed API checks
	// forged HS256 and EdDSA tokens too; an alg none token that gets as far
	// as its key lookup costs no cryptography (RFC 7518 §3.6) and counts
	// under None.
	Verified AlgCounts
	// Forged are the attacker's forgeries, by alg. A tampered token keeps
	// the stolen token's signature, so nothing is signed and it is not
	// counted.
	Forged AlgCounts
	// ProofsSigned are the DPoP proofs the app and the attacker signed
	// (ES256 with a P-256 key, RFC 9449 §4.2); a replayed proof is not
	// signed again and is not counted.
	ProofsSigned int
	// ProofsVerified are the DPoP proof signatures the AS and the API
	// checked (RFC 9449 §4.3 step 6); a proof refused before that step is
	// not counted.
	ProofsVerified int
}

// AlgCounts is a number of JWS operations by the header's alg (RFC 7518
// §3.1).
type AlgCounts struct {
	RS256 int
	ES256 int
	EdDSA int
	HS256 int // HMAC: only the attacker's forgeries use it
	None  int // alg none: no cryptography at all (RFC 7518 §3.6)
	Other int // any other alg, named by a hand-made token a flawed API tries
}

// Total is the sum over all algorithms.
func (a AlgCounts) Total() int { return a.RS256 + a.ES256 + a.EdDSA + a.HS256 + a.None + a.Other }

func (a *AlgCounts) add(alg string) {
	switch alg {
	case string(jose.RS256):
		a.RS256++
	case string(jose.ES256):
		a.ES256++
	case string(jose.EdDSA):
		a.EdDSA++
	case "HS256":
		a.HS256++
	case "none":
		a.None++
	default:
		a.Other++
	}
}

// CryptoOps returns the world's cryptography so far, by kind.
func (w *World) CryptoOps() CryptoOps { return w.env.counters.cryptoOps() }

// counterSet is the world's running tally.
type counterSet struct {
	mu  sync.Mutex
	c   Counts
	ops CryptoOps
}

func (c *counterSet) add(field *int) {
	c.mu.Lock()
	*field++
	c.mu.Unlock()
}

// sign and verify count in Counts and, by alg, in CryptoOps, under one
// lock, so that the two always agree.
func (c *counterSet) sign(alg jose.Alg) {
	c.mu.Lock()
	c.c.Signatures++
	c.ops.Signed.add(string(alg))
	c.mu.Unlock()
}

func (c *counterSet) verify(alg string) {
	c.mu.Lock()
	c.c.Verifications++
	c.ops.Verified.add(alg)
	c.mu.Unlock()
}

func (c *counterSet) forge(alg string) {
	c.mu.Lock()
	c.ops.Forged.add(alg)
	c.mu.Unlock()
}

func (c *counterSet) proofSign()   { c.add(&c.ops.ProofsSigned) }
func (c *counterSet) proofVerify() { c.add(&c.ops.ProofsVerified) }

func (c *counterSet) introspect() { c.add(&c.c.Introspections) }
func (c *counterSet) jwksFetch()  { c.add(&c.c.JWKSFetches) }

func (c *counterSet) headerKeyFetch() { c.add(&c.c.HeaderKeyFetches) }
func (c *counterSet) kidStoreRead()   { c.add(&c.c.KidStoreReads) }

// Snapshot returns the current counts.
func (c *counterSet) Snapshot() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.c
}

func (c *counterSet) cryptoOps() CryptoOps {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ops
}
