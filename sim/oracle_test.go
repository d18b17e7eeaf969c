package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// The oracles below answer a security question without the engine's code,
// so that a fuzz target checks the property it protects, not only that
// nothing panicked.

// signedByAS reports whether raw verifies under the AS's signing key, with
// the AS's algorithm and nothing else (RFC 8725 §3.1): the question a
// hardened API's 200 must imply. It asks golang-jwt directly, with the
// committed demo key of the world's algorithm; claims are not checked.
func signedByAS(tb testing.TB, w *World, raw string) bool {
	tb.Helper()
	k, err := jose.DemoKey(w.Policy().Alg)
	if err != nil {
		tb.Fatalf("DemoKey: %v", err)
	}
	_, err = jwt.NewParser(jwt.WithValidMethods([]string{string(k.Alg)}), jwt.WithoutClaimsValidation()).
		Parse(raw, func(*jwt.Token) (any, error) { return k.Public(), nil })
	return err == nil
}

// proofCheck re-checks an accepted DPoP proof from scratch (RFC 9449 §4.3):
// its embedded P-256 jwk's RFC 7638 thumbprint is jkt, the jwk verifies the
// signature (ES256 only), and htm, htu and ath are the request's. It
// returns what is wrong, or "".
func proofCheck(proof, jkt, method, uri, accessToken string) string {
	tok, err := jwt.NewParser(jwt.WithValidMethods([]string{"ES256"}), jwt.WithoutClaimsValidation()).
		Parse(proof, func(t *jwt.Token) (any, error) {
			jwk, _ := t.Header["jwk"].(map[string]any)
			x, errX := b64Int(jwk["x"])
			y, errY := b64Int(jwk["y"])
			if jwk["kty"] != "EC" || jwk["crv"] != "P-256" || errX != nil || errY != nil {
				return nil, jwt.ErrTokenUnverifiable
			}
			return &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}, nil
		})
	if err != nil {
		return "the signature does not verify under the proof's own jwk: " + err.Error()
	}
	jwk := tok.Header["jwk"].(map[string]any)
	// RFC 7638 §3.2: the required members of an EC key, in lexicographic
	// order, no white space.
	canon, _ := json.Marshal(struct {
		Crv string `json:"crv"`
		Kty string `json:"kty"`
		X   string `json:"x"`
		Y   string `json:"y"`
	}{jwk["crv"].(string), "EC", jwk["x"].(string), jwk["y"].(string)})
	sum := sha256.Sum256(canon)
	if got := base64.RawURLEncoding.EncodeToString(sum[:]); got != jkt {
		return "jkt " + jkt + " is not the RFC 7638 thumbprint " + got
	}
	c := tok.Claims.(jwt.MapClaims)
	ath := sha256.Sum256([]byte(accessToken))
	switch {
	case c["htm"] != method:
		return "htm is not the request's method"
	case c["htu"] != uri:
		return "htu is not the request's URI"
	case c["ath"] != base64.RawURLEncoding.EncodeToString(ath[:]):
		return "ath is not the hash of the access token"
	}
	return ""
}

func b64Int(v any) (*big.Int, error) {
	s, _ := v.(string)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 {
		return nil, jwt.ErrTokenMalformed
	}
	return new(big.Int).SetBytes(b), nil
}
