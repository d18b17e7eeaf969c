package sim

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// The attacker's own web server, where forged tokens' jku and x5u headers
// point. A hardened API never contacts it (RFC 8725 §3.10): the tests count
// its requests.
// (HostAttacker and AttackerOrigin are with the other hosts, in
// as_registry.go.)
const attackerKID = "attacker-key-1"

// attackerKey is the attacker's signing key: Ed25519, because EdDSA is on
// every allowlist a real API would have, and its signatures are
// deterministic, so forged tokens are byte-identical run to run.
type attackerKey struct {
	once sync.Once
	env  *env
	key  jose.SigningKey
	cert []byte // a self-signed certificate for the key, PEM, served for x5u
}

func (k *attackerKey) get() (jose.SigningKey, []byte) {
	k.once.Do(func() {
		// Drawn from the world's entropy on first use only, so that worlds
		// that never forge draw exactly what they drew before.
		seed := make([]byte, ed25519.SeedSize)
		_, _ = k.env.rand.Read(seed)
		priv := ed25519.NewKeyFromSeed(seed)
		k.key = jose.SigningKey{Alg: jose.EdDSA, KID: attackerKID, Private: priv}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1),
			Subject:      pkix.Name{CommonName: "auth.tokensim.test (not really)"},
			NotBefore:    Epoch().Add(-24 * time.Hour),
			NotAfter:     Epoch().Add(365 * 24 * time.Hour),
		}
		// Ed25519 certificates need no randomness: the entropy reader is
		// only a formality here.
		der, err := x509.CreateCertificate(k.env.rand, tmpl, tmpl, priv.Public(), priv)
		if err == nil {
			k.cert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		}
	})
	return k.key, k.cert
}

// attackerSite serves the attacker's key set and certificate.
type attackerSite struct{ key *attackerKey }

func (s attackerSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, cert := s.key.get()
	switch r.URL.Path {
	case "/jwks.json":
		noteOf(r).reason = "the attacker's server hands out the attacker's own public key"
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string][]jose.JWK{"keys": {key.JWK()}})
	case "/cert.pem":
		noteOf(r).reason = "the attacker's server hands out a self-signed certificate for the attacker's key"
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(cert)
	default:
		http.NotFound(w, r)
	}
}
