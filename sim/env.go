package sim

import (
	"fmt"
	"sync"

	"github.com/tokensim/tokensim/sim/jose"
)

// env is what every part of one world shares: its clock, log, entropy,
// counters and current policy. Nothing in it is global: two worlds have two
// envs.
type env struct {
	clock    *Clock
	log      *Log
	rand     *entropy
	counters *counterSet
	// keys, when set, replace the committed demo keys (a hosted world
	// generates fresh ones: the demo keys' private halves are public).
	// keys is replaced whole, never changed in place, under mu: a
	// rotation swaps it (as_keys.go). oldKeys are keys rotated out but still
	// published in the JWKS until retired.
	keys    map[jose.Alg]jose.SigningKey
	oldKeys []jose.SigningKey
	// faults are the faults an operator injected (fault*.go).
	faults faults
	// oneOrigin is set in hosted worlds: the AS and the API are published
	// at one configured origin, which DPoP's htu is compared with
	// (serverURI).
	oneOrigin bool

	mu  sync.Mutex
	pol Policy
}

// policy returns a copy of the policy in force.
func (e *env) policy() Policy {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pol
}

func (e *env) setPolicy(p Policy) {
	e.mu.Lock()
	e.pol = p
	e.mu.Unlock()
}

func (e *env) emit(ev Event) int { return e.log.emit(ev) }

// key returns the world's signing key for alg: its own when it has them,
// else the committed demo key.
func (e *env) key(alg jose.Alg) (jose.SigningKey, error) {
	e.mu.Lock()
	keys := e.keys
	e.mu.Unlock()
	if keys == nil {
		return jose.DemoKey(alg)
	}
	if k, ok := keys[alg]; ok {
		return k, nil
	}
	return jose.SigningKey{}, fmt.Errorf("no signing key for algorithm %q", alg)
}
