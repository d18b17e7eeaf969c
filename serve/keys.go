package serve

import (
	"net/http"

	"github.com/tokensim/tokensim/sim"
)

// Signing-key rotation on demand (sim/as_keys.go): POST, loopback callers
// only, no cross-site requests, like the clock.
const (
	// KeysRotatePath publishes a new signing key beside the old one and
	// signs with it from then on.
	KeysRotatePath = "/sim/keys/rotate"
	// KeysRetirePath removes the rotated-out keys from the JWKS.
	KeysRetirePath = "/sim/keys/retire"
)

// serveKeys answers the key endpoints.
func (s *Server) serveKeys(rw http.ResponseWriter, r *http.Request) {
	if !s.operatorOnly(rw, r, "the key endpoint") {
		return
	}
	seq := s.w.Log().Len()
	if r.URL.Path == KeysRotatePath {
		kid, old, err := s.w.RotateKeys()
		if err != nil {
			faultError(rw, err)
			return
		}
		writeJSON(rw, http.StatusOK, map[string]any{"kid": kid, "previous": old, "jwks_uri": s.w.Issuer() + "/jwks.json", "reason": s.lastReason(seq, sim.KindKeys)})
		return
	}
	kids, stranded, err := s.w.RetireKeys()
	if err != nil {
		writeJSON(rw, http.StatusConflict, map[string]string{"error": "nothing_to_retire", "error_description": err.Error()})
		return
	}
	writeJSON(rw, http.StatusOK, map[string]any{"retired": kids, "stranded_access_tokens": stranded, "reason": s.lastReason(seq, sim.KindKeys)})
}
