package sim

import (
	cryptorand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// entropy is the world's one source of randomness: a ChaCha8 stream seeded
// from the world's seed, so that codes, PKCE verifiers, jti values and
// refresh tokens repeat byte for byte for the same seed.
//
// This is simulation entropy and deliberately predictable. A hosted world, which
// faces real clients, must use crypto/rand instead.
type entropy struct {
	mu  sync.Mutex
	rng *rand.ChaCha8 // nil: crypto/rand (a hosted world, see newCryptoEntropy)
}

func newEntropy(seed uint64) *entropy {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	// Spread the seed over the whole key so that seeds 1 and 2 do not share
	// most of their ChaCha8 key.
	s = sha256.Sum256(s[:])
	return &entropy{rng: rand.NewChaCha8(s)}
}

// Read fills p; it implements io.Reader and never fails.
func (e *entropy) Read(p []byte) (int, error) {
	if e.rng == nil {
		return cryptorand.Read(p)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rng.Read(p)
}

// token returns n random bytes as unpadded base64url: the alphabet of
// authorization codes, refresh tokens, PKCE verifiers (RFC 7636 §4.1) and
// jti values. 32 bytes give 256 bits, above RFC 6749 §10.10's 128-bit floor.
func (e *entropy) token(n int) string {
	b := make([]byte, n)
	_, _ = e.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newCryptoEntropy is a hosted world's entropy: crypto/rand, because codes and
// refresh tokens handed to real clients over a socket must not be
// predictable from a seed (RFC 6749 §10.10). A hosted world is not a replay, so
// giving up determinism costs nothing there.
func newCryptoEntropy() *entropy { return &entropy{} }
