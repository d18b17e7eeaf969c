package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// dpopRequest is what a server checks a proof against (RFC 9449 §4.3).
type dpopRequest struct {
	method      string
	uri         string // the request's URI as the server sees it; query and fragment are ignored
	accessToken string // the token the proof accompanies; "" at the token endpoint
	nonce       string // the nonce the server requires; "" when it requires none
	now         time.Time
	leeway      time.Duration
	counters    *counterSet // counts the signature check (step 6); nil where a test checks a proof alone
}

// dpopProof is a proof that passed every check of RFC 9449 §4.3 save the
// key binding and the jti replay check, which need the token and the
// server's memory.
type dpopProof struct {
	jkt string
	jti string
	iat time.Time
}

// dpopFailure is why a proof was refused: code is invalid_dpop_proof or
// use_dpop_nonce; desc goes on the wire; reason to the learner.
type dpopFailure struct {
	code   string
	desc   string
	reason string
}

func badProof(desc, reason string) *dpopFailure {
	return &dpopFailure{code: CodeInvalidDPoPProof, desc: desc, reason: reason}
}

// dpopHeader holds the proof's JOSE header members read before verifying.
type dpopHeader struct {
	Typ any             `json:"typ"`
	Alg any             `json:"alg"`
	JWK json.RawMessage `json:"jwk"`
}

// dpopJWK is the embedded public key. D catches a private key (§4.3 step 7).
type dpopJWK struct {
	Kty string  `json:"kty"`
	Crv string  `json:"crv"`
	X   string  `json:"x"`
	Y   string  `json:"y"`
	D   *string `json:"d"`
}

// checkDPoP runs RFC 9449 §4.3's checks on the DPoP header values of a
// request, in the RFC's order: exactly one DPoP header (1), a well-formed
// JWT (2) with every required member (3), typ dpop+jwt (4), an asymmetric
// alg the server supports (5), a signature that verifies with the embedded
// jwk (6), no private key in the jwk (7), htm (8), htu (9), nonce (10), iat
// within the window (11) and ath (12). The key binding (the rest of 12) and
// the jti replay check (§11.1) are the caller's.
func checkDPoP(values []string, req dpopRequest) (*dpopProof, *dpopFailure) {
	const rfc = " (RFC 9449 section 4.3)"
	switch {
	case len(values) == 0:
		return nil, badProof("DPoP proof missing", "the request has no DPoP header: a DPoP-bound request must carry a proof JWT signed by the client's key"+rfc)
	case len(values) > 1:
		return nil, badProof("more than one DPoP header", fmt.Sprintf("the request has %d DPoP headers; exactly one is allowed"+rfc, len(values)))
	}
	raw := strings.TrimSpace(values[0])
	if strings.Count(raw, ".") != 2 {
		return nil, badProof("DPoP proof is not a JWT", "the DPoP header is not a JWT (three dot-separated parts)"+rfc)
	}
	// 2. A well-formed JWT: both segments base64url-encoded JSON objects.
	segs := strings.Split(raw, ".")
	var hdr dpopHeader
	var members, claims map[string]json.RawMessage
	if b, err := base64.RawURLEncoding.DecodeString(segs[0]); err != nil || json.Unmarshal(b, &hdr) != nil || json.Unmarshal(b, &members) != nil {
		return nil, badProof("DPoP proof header is malformed", "the proof's header is not base64url-encoded JSON"+rfc)
	}
	if b, err := base64.RawURLEncoding.DecodeString(segs[1]); err != nil || json.Unmarshal(b, &claims) != nil {
		return nil, badProof("DPoP proof payload is malformed", "the proof's payload is not base64url-encoded JSON"+rfc)
	}
	// 3. Every required member (§4.2), before any is interpreted.
	var missing []string
	for _, m := range []string{"typ", "alg", "jwk"} {
		if v, ok := members[m]; !ok || string(v) == "null" {
			missing = append(missing, m)
		}
	}
	for _, c := range []string{"jti", "htm", "htu", "iat"} {
		if v, ok := claims[c]; !ok || string(v) == "null" || string(v) == `""` {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, badProof("DPoP proof lacks a required member", "the proof lacks "+strings.Join(missing, ", ")+": typ, alg and jwk in the header and jti, htm, htu and iat in the claims are required"+rfc)
	}
	// 4. typ: explicit typing keeps other JWTs (an ID token, an access
	// token) from passing as proofs (RFC 8725 §3.11).
	if typ, _ := hdr.Typ.(string); !jose.TypIs(typ, jose.TypDPoP) {
		return nil, badProof("DPoP proof typ is not dpop+jwt", fmt.Sprintf("the proof's typ is %s, not dpop+jwt: only a JWT typed as a DPoP proof is one", quoteID(fmt.Sprint(hdr.Typ))))
	}
	// crit (RFC 7515 §4.1.11): a recipient that does not understand every
	// extension crit lists MUST reject the JWS. The servers understand none
	// and golang-jwt ignores crit, so a proof with any crit is refused, as
	// validateJWT refuses access tokens with one.
	if v, ok := members["crit"]; ok {
		return nil, badProof("DPoP proof has an unsupported critical header", fmt.Sprintf("the proof lists critical header extensions (crit %s) that the server does not understand, so it must be rejected (RFC 7515 section 4.1.11)", string(v)))
	}
	// 5. alg: asymmetric and supported. none proves nothing; a MAC needs a
	// secret shared with the server, which a public key pair replaces.
	alg, _ := hdr.Alg.(string)
	switch {
	case strings.EqualFold(alg, "none"):
		return nil, badProof("DPoP proof is unsigned", "the proof has alg none: an unsigned proof proves possession of nothing"+rfc)
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return nil, badProof("DPoP proof alg is symmetric", fmt.Sprintf("the proof has alg %s, a MAC: a proof must be signed with a private key, whose public half is in the header"+rfc, quoteID(alg)))
	case alg != string(jose.ES256):
		return nil, badProof("DPoP proof alg is not supported", fmt.Sprintf("the proof has alg %s; the servers accept %s (dpop_signing_alg_values_supported)", quoteID(alg), strings.Join(dpopAlgs, " ")))
	}
	// 6. The signature, with the key the proof carries. The key proves
	// nothing by itself: binding it to a token is what counts (step 12).
	var jwk dpopJWK
	if len(hdr.JWK) == 0 || json.Unmarshal(hdr.JWK, &jwk) != nil {
		return nil, badProof("DPoP proof has no jwk", "the proof's header has no jwk: the server cannot know which key signed it"+rfc)
	}
	pub, err := jwk.public()
	if err != nil {
		return nil, badProof("DPoP proof jwk is not a usable P-256 key", "the proof's jwk is not a P-256 public key: "+err.Error())
	}
	var c dpopClaims
	_, err = jwt.NewParser(jwt.WithValidMethods(dpopAlgs), jwt.WithoutClaimsValidation()).
		ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) {
			if req.counters != nil {
				req.counters.proofVerify() // the key is handed over only to verify with it
			}
			return pub, nil
		})
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		// Claims of the wrong JSON type (an iat that is no number) land here.
		return nil, badProof("DPoP proof is malformed", "the proof is not a well-formed JWT: "+err.Error())
	case err != nil:
		return nil, badProof("DPoP proof signature is invalid", "the proof's signature does not verify with the public key in its own jwk header: it was altered, or signed with another key")
	}
	// 7. A jwk with the private key in it: whoever made it has leaked its
	// key to everyone who sees the request.
	if jwk.D != nil {
		return nil, badProof("DPoP proof jwk contains a private key", "the proof's jwk contains the private key (d): the key is disclosed, so it proves nothing"+rfc)
	}
	// 8, 9. The request the proof was made for: a proof captured from one
	// request is useless for another (§11.1).
	if c.HTM != req.method {
		return nil, badProof("DPoP proof htm does not match", fmt.Sprintf("the proof was made for method %s, but the request is %s", quoteID(c.HTM), req.method))
	}
	want, _ := normalizeHTU(req.uri)
	got, err := normalizeHTU(c.HTU)
	if err != nil || got != want {
		return nil, badProof("DPoP proof htu does not match", fmt.Sprintf("the proof was made for %s, but the request is for %s (compared without query or fragment, after RFC 3986 normalization)", quoteID(c.HTU), want))
	}
	// 10. The server's nonce, when it requires one (§8, §9).
	if req.nonce != "" && c.Nonce != req.nonce {
		why := "the proof carries no nonce"
		if c.Nonce != "" {
			why = "the proof's nonce is not the server's current one"
		}
		return nil, &dpopFailure{code: CodeUseDPoPNonce, desc: "DPoP nonce required",
			reason: why + ": this server requires its nonce in every proof, so that a proof cannot be made ahead of time; it sends the nonce in the DPoP-Nonce header (RFC 9449 section 8)"}
	}
	// 11. iat within the window: a proof is good for moments, not for as
	// long as the token lives.
	iat := c.IssuedAt.Time
	switch {
	case req.now.Sub(iat) > DPoPWindow+req.leeway:
		return nil, badProof("DPoP proof is too old", fmt.Sprintf("the proof is too old: it was made at %s, %s before the server's %s, and proofs are accepted for %s (plus %s leeway)",
			when(iat), text.FormatDuration(req.now.Sub(iat)), when(req.now), text.FormatDuration(DPoPWindow), text.FormatDuration(req.leeway)))
	case iat.Sub(req.now) > req.leeway:
		return nil, badProof("DPoP proof is from the future", fmt.Sprintf("the proof is from the future: it claims it was made at %s, %s after the server's %s, beyond the %s leeway",
			when(iat), text.FormatDuration(iat.Sub(req.now)), when(req.now), text.FormatDuration(req.leeway)))
	}
	// 12 (first half). ath ties the proof to the access token it travels with.
	if req.accessToken != "" {
		switch {
		case c.ATH == "":
			return nil, badProof("DPoP proof lacks ath", "the proof accompanies an access token but has no ath (hash of that token): it could ride along with any token"+rfc)
		case c.ATH != dpopATH(req.accessToken):
			return nil, badProof("DPoP proof ath does not match", "the proof's ath is the hash of another access token, not the one in the Authorization header")
		}
	}
	return &dpopProof{jkt: ecThumbprint(jwk.Crv, jwk.X, jwk.Y), jti: c.ID, iat: iat}, nil
}

// public turns the JWK into the key golang-jwt verifies ES256 with. x and y
// must be exactly 32 bytes of strict base64url (RFC 7518 §6.2.1.2), so
// that the thumbprint of the strings is the thumbprint of the key.
func (j dpopJWK) public() (*ecdsa.PublicKey, error) {
	if j.Kty != "EC" || j.Crv != "P-256" {
		return nil, fmt.Errorf("kty %s, crv %s (want EC, P-256)", quoteID(j.Kty), quoteID(j.Crv))
	}
	dec := base64.RawURLEncoding.Strict()
	x, errX := dec.DecodeString(j.X)
	y, errY := dec.DecodeString(j.Y)
	if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
		return nil, errors.New("x and y must be 32-byte base64url values")
	}
	k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, errors.New("the point is not on the curve")
	}
	return k, nil
}
