package sim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// DPoP (RFC 9449) sender-constrains tokens: the client holds a key pair
// and signs a fresh proof JWT for every request; a DPoP-bound token is good
// only with a proof from the key it is bound to. This file is the proof
// itself: the key, its thumbprint, making a proof and checking one. The AS
// and API sides are in dpop_server.go, the client and attacker sides in
// dpop_client.go.

const (
	// TokenTypeDPoP is the token_type of a DPoP-bound access token (§5).
	TokenTypeDPoP = "DPoP"
	// DPoPWindow is how old a proof may be (RFC 9449 §11.1: "a relatively
	// brief period", seconds to minutes; sim policy). The policy's leeway
	// is added both ways for clock skew. With maxLeeway it bounds how long
	// each server remembers a proof, and so its replay cache.
	DPoPWindow = time.Minute
	// dpopNonceLife is how long a server's DPoP nonce stays current (sim
	// policy; RFC 9449 §8 leaves it to the server).
	dpopNonceLife = 5 * time.Minute
)

// dpopAlgs are the proof algorithms the servers accept, as discovery
// advertises them (dpop_signing_alg_values_supported, RFC 9449 §5.1).
var dpopAlgs = []string{string(jose.ES256)}

// dpopKey is a DPoP key pair: an ES256 private key, its public JWK as the
// proof header carries it, and its RFC 7638 thumbprint (the jkt a bound
// token names).
type dpopKey struct {
	priv *ecdsa.PrivateKey
	jwk  map[string]any
	jkt  string
}

// newDPoPKey derives a P-256 key from r: the world's seeded entropy, so
// that a seed always yields the same key and the same proofs. (Go's
// ecdsa.GenerateKey ignores its reader since Go 1.26, so the scalar is drawn
// here and rejected when out of range.) A hosted world must use crypto/rand.
func newDPoPKey(r io.Reader) (*dpopKey, error) {
	b := make([]byte, 32)
	for range 64 {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("dpop key: %w", err)
		}
		if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b); err == nil {
			return dpopKeyOf(k)
		}
	}
	return nil, errors.New("dpop key: no scalar in range after 64 draws")
}

func dpopKeyOf(k *ecdsa.PrivateKey) (*dpopKey, error) {
	pub, err := k.PublicKey.Bytes() // 0x04 ‖ X ‖ Y, each 32 bytes
	if err != nil {
		return nil, fmt.Errorf("dpop key: %w", err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	x, y := b64(pub[1:33]), b64(pub[33:])
	return &dpopKey{priv: k, jwk: map[string]any{"kty": "EC", "crv": "P-256", "x": x, "y": y}, jkt: ecThumbprint("P-256", x, y)}, nil
}

// ecThumbprint is the RFC 7638 §3 SHA-256 thumbprint of an EC public key:
// the required members only (crv, kty, x, y), in lexicographic order, no
// whitespace. RFC 9449 §6.1 puts it in cnf.jkt.
func ecThumbprint(crv, x, y string) string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	sum := sha256.Sum256([]byte(`{"crv":` + q(crv) + `,"kty":"EC","x":` + q(x) + `,"y":` + q(y) + `}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// dpopATH is a proof's ath: base64url(SHA-256(access token)) (RFC 9449
// §4.2), tying the proof to the one access token it accompanies.
func dpopATH(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// dpopClaims are a proof's claims (RFC 9449 §4.2): jti and iat in the
// registered claims, plus the request it was made for (htm, htu), the hash
// of the access token it accompanies (ath) and the server's nonce.
type dpopClaims struct {
	jwt.RegisteredClaims
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// dpopES256 signs ES256 like golang-jwt's SigningMethodES256 but with RFC
// 6979 deterministic nonces (crypto/ecdsa does so when given no random
// source), so that the same seed gives byte-identical proofs and
// transcripts. Verification is golang-jwt's own. It is never registered:
// parsers look up golang-jwt's ES256, so nothing global changes.
type dpopSigner struct{}

var dpopES256 jwt.SigningMethod = dpopSigner{}

func (dpopSigner) Alg() string { return string(jose.ES256) }

func (dpopSigner) Verify(signingString string, sig []byte, key any) error {
	return jwt.SigningMethodES256.Verify(signingString, sig, key)
}

func (dpopSigner) Sign(signingString string, key any) ([]byte, error) {
	k, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, jwt.ErrInvalidKeyType
	}
	d := sha256.Sum256([]byte(signingString))
	der, err := k.Sign(nil, d[:], crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, fmt.Errorf("dpop signature: %w", err)
	}
	out := make([]byte, 64) // JWS wants R ‖ S, 32 bytes each (RFC 7518 §3.4)
	rs.R.FillBytes(out[:32])
	rs.S.FillBytes(out[32:])
	return out, nil
}

// proof makes a DPoP proof for one request (RFC 9449 §4.2). accessToken is
// "" at the token endpoint; nonce is "" until a server has issued one.
func (k *dpopKey) proof(htm, htu, accessToken, nonce, jti string, now time.Time) (string, error) {
	c := dpopClaims{
		RegisteredClaims: jwt.RegisteredClaims{ID: jti, IssuedAt: jwt.NewNumericDate(now)},
		HTM:              htm, HTU: dpopHTU(htu), Nonce: nonce,
	}
	if accessToken != "" {
		c.ATH = dpopATH(accessToken)
	}
	t := jwt.NewWithClaims(dpopES256, c)
	t.Header["typ"] = jose.TypDPoP
	t.Header["jwk"] = k.jwk
	s, err := t.SignedString(k.priv)
	if err != nil {
		return "", fmt.Errorf("dpop proof: %w", err)
	}
	return s, nil
}
