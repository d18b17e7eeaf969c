package sim

import (
	"crypto"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// keySet is the resource server's cache of the AS's public keys. Keys come
// only from the AS's jwks_uri, looked up by kid; the token's own jku, x5u,
// jwk and x5c headers are never followed (RFC 8725 §3.10). An unknown kid
// triggers at most one re-fetch per minute, in case the AS rotated keys
// (OIDC Core §10.1.1), and then fails.
type keySet struct {
	url    string
	client *http.Client
	env    *env

	mu        sync.Mutex
	keys      map[string]jwkKey
	lastFetch time.Time
	fetched   bool
}

type jwkKey struct {
	alg string
	key crypto.PublicKey
}

const refetchInterval = time.Minute

// lookup returns the key for kid, fetching the set when needed.
func (ks *keySet) lookup(kid string) (jwkKey, error) {
	ks.mu.Lock()
	k, ok := ks.keys[kid]
	mayFetch := !ks.fetched || ks.env.clock.Now().Sub(ks.lastFetch) >= refetchInterval
	ks.mu.Unlock()
	if ok {
		return k, nil
	}
	if !mayFetch {
		return jwkKey{}, fmt.Errorf("kid %s is not in the AS's key set (fetched at %s; next re-fetch allowed after %s)",
			quoteID(kid), when(ks.lastFetch), FormatDuration(refetchInterval))
	}
	if err := ks.fetch(); err != nil {
		return jwkKey{}, err
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if k, ok := ks.keys[kid]; ok {
		return k, nil
	}
	return jwkKey{}, fmt.Errorf("kid %s is not in the AS's key set, even after re-fetching it", quoteID(kid))
}

// fetch loads the JWKS. No lock is held during the HTTP call.
func (ks *keySet) fetch() error {
	ks.mu.Lock()
	ks.fetched, ks.lastFetch = true, ks.env.clock.Now()
	ks.mu.Unlock()
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
		Keys []JWK `json:"keys"`
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
