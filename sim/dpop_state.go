package sim

import (
	"sync"
	"time"
)

// dpopReplay remembers every proof a server accepted, by its key's
// thumbprint and its jti, until the proof is too old to pass the iat check
// under any policy (RFC 9449 §11.1): memory is bounded by the proofs of one
// window. Keying by jkt as well as jti keeps one client's jti from
// shadowing another's (§11.1 only asks jti to be unique per key), and
// sizing the memory by the largest leeway a policy may set (maxLeeway), not
// the current one, keeps a proof from being forgotten and then accepted
// again after the leeway is raised. Expired entries are swept when the
// oldest of them is due, not on every request.
type dpopReplay struct {
	mu    sync.Mutex
	seen  map[dpopSeenKey]time.Time // → when it may be forgotten
	sweep time.Time                 // the earliest such time
}

// dpopSeenKey identifies an accepted proof: its key and its jti.
type dpopSeenKey struct{ jkt, jti string }

// dpopRemember is how long after its iat a proof is remembered: the
// longest it could pass the iat check, whatever leeway is set later.
const dpopRemember = DPoPWindow + maxLeeway

// first records the proof (jkt, jti) and reports whether it is new, and
// until when it is remembered. A proof seen before within its window is a
// replay.
func (r *dpopReplay) first(jkt, jti string, iat, now time.Time) (bool, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[dpopSeenKey]time.Time{}
	}
	if len(r.seen) > 0 && now.After(r.sweep) {
		r.sweep = time.Time{}
		for k, until := range r.seen {
			if now.After(until) {
				delete(r.seen, k)
			} else if r.sweep.IsZero() || until.Before(r.sweep) {
				r.sweep = until
			}
		}
	}
	k := dpopSeenKey{jkt, jti}
	if until, ok := r.seen[k]; ok {
		return false, until
	}
	until := iat.Add(dpopRemember)
	r.seen[k] = until
	if len(r.seen) == 1 || until.Before(r.sweep) {
		r.sweep = until
	}
	return true, until
}

// size is the number of remembered jti values.
func (r *dpopReplay) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}

// dpopNonce is a server's current DPoP nonce (RFC 9449 §8, §9), drawn from
// the world's entropy and renewed after dpopNonceLife. A client keeps one
// nonce per origin, so servers that share an origin must share one
// dpopNonce (a hosted world's AS and API do; see World.host).
type dpopNonce struct {
	mu     sync.Mutex
	value  string
	issued time.Time
}

// current returns the nonce in force at now, making a new one when none is
// or the old one has aged out.
func (n *dpopNonce) current(e *env, now time.Time) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.value == "" || now.Sub(n.issued) >= dpopNonceLife {
		n.value, n.issued = e.rand.token(16), now
	}
	return n.value
}
