package sim

import (
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// keySet is the resource server's cache of the AS's public keys. Keys come
// only from the AS's jwks_uri, looked up by kid; the token's own jku, x5u,
// jwk and x5c headers are never followed (RFC 8725 §3.10). An unknown kid
// triggers at most one re-fetch per minute of the world's clock (the
// served world's running clock: faster under --clock xN), in case the AS
// rotated keys (OIDC Core §10.1.1), and then fails. The AS's own key
// changes (as_keys.go) lift the limit through forget, as a deployment tells
// its own resource servers.
type keySet struct {
	url    string
	client *http.Client
	env    *env

	mu        sync.Mutex
	keys      map[string]jwkKey
	lastFetch time.Time
	fetched   bool
	// inflight is closed when the fetch under way ends. Concurrent lookups
	// wait for it rather than fetch again (the rate limit must hold under
	// load) or fail a good kid because the set is still loading.
	inflight chan struct{}
	// gen counts forget calls: a fetch that began before the AS's keys
	// changed stores what it read but leaves the next lookup free to
	// fetch again.
	gen int
}

type jwkKey struct {
	alg string
	key crypto.PublicKey
}

const refetchInterval = time.Minute

// lookup returns the key for kid, fetching the set when needed.
func (ks *keySet) lookup(kid string) (jwkKey, error) {
	ks.mu.Lock()
	if k, ok := ks.keys[kid]; ok {
		ks.mu.Unlock()
		return k, nil
	}
	if ch := ks.inflight; ch != nil {
		ks.mu.Unlock()
		<-ch // another request is fetching: share its result
		ks.mu.Lock()
		defer ks.mu.Unlock()
		if k, ok := ks.keys[kid]; ok {
			return k, nil
		}
		return jwkKey{}, fmt.Errorf("kid %s is not in the AS's key set, even after re-fetching it", quoteID(kid))
	}
	if ks.fetched && ks.env.clock.Now().Sub(ks.lastFetch) < refetchInterval {
		defer ks.mu.Unlock()
		return jwkKey{}, fmt.Errorf("kid %s is not in the AS's key set (fetched at %s; next re-fetch allowed after %s)",
			quoteID(kid), when(ks.lastFetch), text.FormatDuration(refetchInterval))
	}
	ch := make(chan struct{})
	ks.inflight, ks.fetched, ks.lastFetch = ch, true, ks.env.clock.Now()
	gen := ks.gen
	ks.mu.Unlock()

	err := ks.fetch()

	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.inflight = nil
	if gen != ks.gen {
		ks.fetched = false // the keys changed while it fetched
	}
	close(ch)
	if err != nil {
		return jwkKey{}, err
	}
	if k, ok := ks.keys[kid]; ok {
		return k, nil
	}
	return jwkKey{}, fmt.Errorf("kid %s is not in the AS's key set, even after re-fetching it", quoteID(kid))
}

// cached returns the key for kid if the set already holds it, without
// fetching.
func (ks *keySet) cached(kid string) (jwkKey, bool) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	k, ok := ks.keys[kid]
	return k, ok
}

// fetch loads the JWKS. The caller has claimed the fetch (inflight); no
// lock is held during the HTTP call.
func (ks *keySet) fetch() error {
	ks.env.counters.jwksFetch()
	resp, err := ks.client.Get(ks.url)
	if err != nil {
		return fmt.Errorf("fetching the AS's keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching the AS's keys: status %d", resp.StatusCode)
	}
	var doc struct {
		Keys []jose.JWK `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, MaxBodyBytes)).Decode(&doc); err != nil {
		return fmt.Errorf("decoding the AS's keys: %w", err)
	}
	keys := map[string]jwkKey{}
	for _, j := range doc.Keys {
		if j.Use != "" && j.Use != "sig" {
			continue
		}
		pub, err := j.PublicKey()
		if err != nil {
			continue // one bad key does not spoil the set
		}
		keys[j.KID] = jwkKey{alg: j.Alg, key: pub}
	}
	ks.mu.Lock()
	ks.keys = keys
	ks.mu.Unlock()
	return nil
}

// forget drops the cached keys and the re-fetch limit: the AS rotated or
// retired keys (as_keys.go), so the next lookup fetches the JWKS at once.
func (ks *keySet) forget() {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.keys, ks.fetched = nil, false
	ks.gen++
}
