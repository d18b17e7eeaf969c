package sim

import "sync"

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

// counterSet is the world's running tally.
type counterSet struct {
	mu sync.Mutex
	c  Counts
}

func (c *counterSet) add(field *int) {
	c.mu.Lock()
	*field++
	c.mu.Unlock()
}

func (c *counterSet) sign()       { c.add(&c.c.Signatures) }
func (c *counterSet) verify()     { c.add(&c.c.Verifications) }
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
