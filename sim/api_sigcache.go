package sim

import (
	"crypto"
	"crypto/sha256"
	"sync"
	"time"
)

// sigCache remembers access tokens whose signature the API has verified,
// by the SHA-256 of the whole token, until they expire. A client sends
// the same access token with every call until it expires, and verifying an
// RS256 signature is most of what an API request costs, so a busy resource
// server verifies each token once. Only the signature is remembered: typ,
// alg, the key's presence in the JWKS, iss, aud, exp, nbf and iat, the
// denylist and any DPoP binding are checked on every request.
//
// A hosted world uses it (Hosting.CacheSignatures), where real clients send thousands of requests.
// Lesson worlds do not, so that each call the learner watches performs
// every check, the signature included.
type sigCache struct {
	mu      sync.Mutex
	entries map[[32]byte]sigEntry
}

type sigEntry struct {
	key crypto.PublicKey // the key it verified with: a rotated-out key misses
	exp time.Time
}

// sigCacheMax bounds the cache: one entry per live access token, and a
// server with more live tokens than this simply verifies more often.
const sigCacheMax = 4096

func newSigCache() *sigCache { return &sigCache{entries: map[[32]byte]sigEntry{}} }

// verified reports whether raw's signature verified with key before.
func (c *sigCache) verified(raw string, key crypto.PublicKey, now time.Time) bool {
	h := sha256.Sum256([]byte(raw))
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[h]
	if !ok || !now.Before(e.exp) {
		return false
	}
	same, _ := e.key.(interface{ Equal(crypto.PublicKey) bool })
	return same != nil && same.Equal(key)
}

// remember records that raw verified with key; it is good until exp.
func (c *sigCache) remember(raw string, key crypto.PublicKey, exp, now time.Time) {
	h := sha256.Sum256([]byte(raw))
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= sigCacheMax {
		for k, e := range c.entries {
			if !now.Before(e.exp) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= sigCacheMax {
			clear(c.entries) // all live: start again rather than grow
		}
	}
	c.entries[h] = sigEntry{key: key, exp: exp}
}
