package sim

import (
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/internal/text"

	"github.com/tokensim/tokensim/sim/jose"
)

// Signing-key rotation on demand (a served world only). OpenID Connect
// Core 1.0 §10.1.1: the signer "can begin using a new key at its
// discretion and signals the change to the verifier using the kid value";
// the verifier, meeting a kid it does not know, re-fetches the JWKS. The
// old key stays published until every token it signed has expired
// (protocol.md G.112); retiring it earlier strands those tokens.

// RotateKeys makes a new signing key for every algorithm the AS publishes,
// publishes it in the JWKS beside the old ones and signs with it from now
// on. The world's own APIs are told to re-fetch the JWKS at once, as a
// deployment's own resource servers are. It returns the new and the old
// kid of the algorithm in force. A lesson world's keys are fixed.
func (w *World) RotateKeys() (newKID, oldKID string, err error) {
	e := w.env
	e.mu.Lock()
	hosted := e.keys != nil
	e.mu.Unlock()
	if !hosted {
		return "", "", fmt.Errorf("%w: a lesson world signs with the committed demo keys; only a served world rotates", ErrFault)
	}
	// Each rotation keeps a key per algorithm published until a retire: a
	// script that rotates in a loop must not grow the JWKS without end.
	e.mu.Lock()
	published := len(e.oldKeys)
	e.mu.Unlock()
	if published >= maxRotatedOut*len(jose.Algs()) {
		return "", "", tooManyRotations()
	}
	fresh, err := freshKeys() // RSA key generation: outside every lock
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrFault, err)
	}
	alg := e.policy().Alg
	e.mu.Lock()
	if len(e.oldKeys) >= maxRotatedOut*len(jose.Algs()) {
		// Again under the lock: rotations running in parallel all passed
		// the first check while their keys were generated.
		e.mu.Unlock()
		return "", "", tooManyRotations()
	}
	for _, a := range jose.Algs() {
		if k, ok := e.keys[a]; ok {
			e.oldKeys = append(e.oldKeys, k)
		}
	}
	oldKID, newKID = e.keys[alg].KID, fresh[alg].KID
	e.keys = fresh
	old := len(e.oldKeys)
	e.mu.Unlock()
	w.refetchKeys()
	e.emit(Event{Kind: KindKeys, From: ActorAS,
		Reason:  fmt.Sprintf("the AS rotated its signing keys: tokens are signed from now on with kid %s (%s); the old kid %s stays in the JWKS beside it, so tokens it signed still verify. A client or API that verifies tokens itself must look the key up by the token's kid and re-fetch the JWKS when it meets a kid it does not know (OpenID Connect Core 1.0 section 10.1.1, RFC 7517 section 4.5)", newKID, alg, oldKID),
		Summary: fmt.Sprintf("new kid %s signs; %d rotated-out keys still published until POST /sim/keys/retire", newKID, old)})
	return newKID, oldKID, nil
}

// maxRotatedOut is how many rotations' keys may stay published beside the
// keys in use before a retire.
const maxRotatedOut = 10

func tooManyRotations() error {
	return fmt.Errorf("%w: the keys of %d rotations are still published beside the ones in use: POST /sim/keys/retire before rotating again", ErrFault, maxRotatedOut)
}

// RetireKeys removes every rotated-out key from the JWKS. A verifier that
// re-fetches the JWKS then refuses the tokens those keys signed, naming
// the kid; the world's own APIs re-fetch at once. It returns the retired
// kids and how many access tokens they signed that have not expired or
// been revoked: the tokens the retirement strands.
func (w *World) RetireKeys() (kids []string, stranded int, err error) {
	e := w.env
	e.mu.Lock()
	old := e.oldKeys
	e.oldKeys = nil
	e.mu.Unlock()
	if len(old) == 0 {
		return nil, 0, fmt.Errorf("%w: no rotated-out key to retire: POST /sim/keys/rotate first", ErrFault)
	}
	gone := map[string]bool{}
	for _, k := range old {
		kids = append(kids, k.KID)
		gone[k.KID] = true
	}
	stranded = w.as.liveSignedBy(gone)
	w.refetchKeys()
	why := "no unexpired access token was signed with them"
	if stranded > 0 {
		why = fmt.Sprintf("%d unexpired %s at every verifier that re-fetches the JWKS, this server's own API included (OpenID Connect Core 1.0 section 10.1.1: the JWKS should keep a decommissioned key for a while, so that tokens it signed still verify)", stranded, text.Plural(stranded, "access token was signed with them and now fails", "access tokens were signed with them and now fail"))
	}
	e.emit(Event{Kind: KindKeys, From: ActorAS,
		Reason:  "the AS retired kids " + strings.Join(kids, ", ") + " from its JWKS: " + why + ". A client that verifies with a key it cached before the rotation, without honouring kid, has failed on every new token since then, and now nothing it re-fetches verifies the old ones; one that looks keys up by the token's kid and re-fetches on an unknown kid keeps working for every token still signed by a published key (OpenID Connect Core 1.0 section 10.1.1)",
		Summary: fmt.Sprintf("%d keys retired; the JWKS now holds only the keys in use", len(kids))})
	return kids, stranded, nil
}

// refetchKeys tells the world's own APIs that the AS's keys changed, so
// that their next lookup re-fetches the JWKS without waiting out the
// once-a-minute limit (api_keyset.go).
func (w *World) refetchKeys() {
	for _, api := range []*API{w.api, w.apiB} {
		api.keys.forget()
	}
}

// oldJWKs are the rotated-out keys still published: the JWKS lists them
// after the keys in use.
func (e *env) oldJWKs() []jose.JWK {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]jose.JWK, 0, len(e.oldKeys))
	for _, k := range e.oldKeys {
		out = append(out, k.JWK())
	}
	return out
}

// liveSignedBy counts the access tokens signed with a kid in kids that
// are neither expired nor revoked on the AS's clock.
func (as *AuthServer) liveSignedBy(kids map[string]bool) int {
	as.mu.Lock()
	defer as.mu.Unlock()
	now := as.env.clock.Now()
	n := 0
	for raw, rec := range as.issued {
		if rec == nil || rec.revoked() || !now.Before(rec.exp) {
			continue
		}
		if hdr, _ := jose.Parts(raw); hdr != nil {
			if kid, _ := hdr["kid"].(string); kids[kid] {
				n++
			}
		}
	}
	return n
}
