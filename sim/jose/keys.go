package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"embed"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// Alg is a JWS signing algorithm the AS can sign with.
type Alg string

const (
	RS256 Alg = "RS256" // the default: RFC 9068 §2.1 makes it mandatory to support, and PKCS #1 v1.5 signatures are deterministic
	ES256 Alg = "ES256" // compact, but Go randomizes ECDSA signatures: runs stop being byte-identical
	EdDSA Alg = "EdDSA" // Ed25519: compact and deterministic
)

// Algs lists the algorithms a world can sign with (a fresh slice each call).
func Algs() []Alg { return []Alg{RS256, ES256, EdDSA} }

// Method returns golang-jwt's signing method for a.
func (a Alg) Method() jwt.SigningMethod {
	switch a {
	case ES256:
		return jwt.SigningMethodES256
	case EdDSA:
		return jwt.SigningMethodEdDSA
	default:
		return jwt.SigningMethodRS256
	}
}

// The demo keys are committed PUBLIC keys, for the simulation only (see
// demokeys/README.md). Shipping them keeps worlds deterministic and start-up
// free of key generation.
//
//go:embed demokeys/*.pem
var demoKeyFiles embed.FS

// SigningKey is a private key with the identity the AS publishes for it.
type SigningKey struct {
	Alg     Alg
	KID     string
	Private crypto.Signer
}

// Public returns the verification key in the form golang-jwt expects.
func (k SigningKey) Public() crypto.PublicKey { return k.Private.Public() }

// demoKeys parses the embedded keys once per process. The result is
// immutable and shared by every world.
var demoKeys = sync.OnceValues(func() (map[Alg]SigningKey, error) {
	files := map[Alg]string{RS256: "rs256.pem", ES256: "es256.pem", EdDSA: "eddsa.pem"}
	keys := map[Alg]SigningKey{}
	for alg, name := range files {
		raw, err := demoKeyFiles.ReadFile("demokeys/" + name)
		if err != nil {
			return nil, fmt.Errorf("demo key %s: %w", name, err)
		}
		block, _ := pem.Decode(raw)
		if block == nil {
			return nil, fmt.Errorf("demo key %s: no PEM block", name)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("demo key %s: %w", name, err)
		}
		signer, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("demo key %s: %T is not a signer", name, k)
		}
		keys[alg] = SigningKey{Alg: alg, KID: "demo-" + string(alg), Private: signer}
	}
	return keys, nil
})

// DemoKey returns the committed demo signing key for alg.
func DemoKey(alg Alg) (SigningKey, error) {
	keys, err := demoKeys()
	if err != nil {
		return SigningKey{}, err
	}
	k, ok := keys[alg]
	if !ok {
		return SigningKey{}, fmt.Errorf("no demo key for algorithm %q", alg)
	}
	return k, nil
}

// JWK is a public JSON Web Key (RFC 7517 §4). It never holds private members.
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	KID string `json:"kid"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// JWK returns the public half of k as a JWK.
func (k SigningKey) JWK() JWK {
	b64 := base64.RawURLEncoding.EncodeToString
	j := JWK{Use: "sig", Alg: string(k.Alg), KID: k.KID}
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		j.Kty, j.N, j.E = "RSA", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
	case *ecdsa.PublicKey:
		// RFC 7518 §6.2.1.2: x and y are the full 32-byte coordinates,
		// left-padded; a short big.Int encoding breaks strict verifiers.
		raw, _ := pub.Bytes() // 0x04 ‖ X ‖ Y
		j.Kty, j.Crv, j.X, j.Y = "EC", "P-256", b64(raw[1:33]), b64(raw[33:65])
	case ed25519.PublicKey:
		j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64(pub)
	}
	return j
}

// PublicKey parses the JWK back into a verification key and checks it is
// shaped for its declared alg (RFC 8725 §3.1: one algorithm per key).
func (j JWK) PublicKey() (crypto.PublicKey, error) {
	dec := base64.RawURLEncoding.DecodeString
	switch {
	case j.Kty == "RSA" && j.Alg == string(RS256):
		n, err := dec(j.N)
		if err != nil {
			return nil, fmt.Errorf("jwk %s: n: %w", j.KID, err)
		}
		e, err := dec(j.E)
		if err != nil {
			return nil, fmt.Errorf("jwk %s: e: %w", j.KID, err)
		}
		if len(n) < 256 || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("jwk %s: RSA key too small or malformed", j.KID)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	case j.Kty == "EC" && j.Crv == "P-256" && j.Alg == string(ES256):
		x, err1 := dec(j.X)
		y, err2 := dec(j.Y)
		if err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
			return nil, fmt.Errorf("jwk %s: EC coordinates must be 32 bytes each", j.KID)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("jwk %s: %w", j.KID, err)
		}
		return pub, nil
	case j.Kty == "OKP" && j.Crv == "Ed25519" && j.Alg == string(EdDSA):
		x, err := dec(j.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("jwk %s: Ed25519 key must be 32 bytes", j.KID)
		}
		return ed25519.PublicKey(x), nil
	}
	return nil, fmt.Errorf("jwk %s: unsupported key (kty %q, crv %q, alg %q)", j.KID, j.Kty, j.Crv, j.Alg)
}
