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
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DPoP (RFC 9449) sender-constrains tokens: the client holds a key pair
// and signs a fresh proof JWT for every request; a DPoP-bound token is good
// only with a proof from the key it is bound to. This file is the proof
// itself: the key, its thumbprint, making a proof and checking one. The AS
// and API sides are in dpopserver.go, the client and attacker sides in
// dpopclient.go.

const (
	// TypDPoP is the typ of a DPoP proof (RFC 9449 §4.2).
	TypDPoP = "dpop+jwt"
	// TokenTypeDPoP is the token_type of a DPoP-bound access token (§5).
	TokenTypeDPoP = "DPoP"
	// DPoPWindow is how old a proof may be (RFC 9449 §11.1: "a relatively
	// brief period", seconds to minutes; sim policy). The policy's leeway
	// is added both ways for clock skew. With MaxLeeway it bounds how long
	// each server remembers a proof, and so its replay cache.
	DPoPWindow = time.Minute
	// dpopNonceLife is how long a server's DPoP nonce stays current (sim
	// policy; RFC 9449 §8 leaves it to the server).
	dpopNonceLife = 5 * time.Minute
)

// dpopAlgs are the proof algorithms the servers accept, as discovery
// advertises them (dpop_signing_alg_values_supported, RFC 9449 §5.1).
var dpopAlgs = []string{string(ES256)}

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

// DPoPClaims are a proof's claims (RFC 9449 §4.2): jti and iat in the
// registered claims, plus the request it was made for (htm, htu), the hash
// of the access token it accompanies (ath) and the server's nonce.
type DPoPClaims struct {
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

func (dpopSigner) Alg() string { return string(ES256) }

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
	c := DPoPClaims{
		RegisteredClaims: jwt.RegisteredClaims{ID: jti, IssuedAt: jwt.NewNumericDate(now)},
		HTM:              htm, HTU: dpopHTU(htu), Nonce: nonce,
	}
	if accessToken != "" {
		c.ATH = dpopATH(accessToken)
	}
	t := jwt.NewWithClaims(dpopES256, c)
	t.Header["typ"] = TypDPoP
	t.Header["jwk"] = k.jwk
	s, err := t.SignedString(k.priv)
	if err != nil {
		return "", fmt.Errorf("dpop proof: %w", err)
	}
	return s, nil
}

// dpopHTU is the htu of a request URL: without query and fragment (RFC
// 9449 §4.2), normalized (§4.3 step 9). A URL that does not parse is kept
// as it is, and will fail the server's comparison.
func dpopHTU(raw string) string {
	if n, err := normalizeHTU(raw); err == nil {
		return n
	}
	return raw
}

// normalizeHTU applies RFC 3986 §6.2.2 (case, percent-encoding and
// dot-segment normalization) and §6.2.3 (default port, empty path) to an
// absolute http(s) URI and drops its query and fragment, as RFC 9449 §4.3
// step 9 compares htu.
func normalizeHTU(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URI", raw)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || scheme == "https" && port == "443" || scheme == "http" && port == "80" {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	path := removeDotSegments(normalizePercent(u.EscapedPath()))
	if path == "" {
		path = "/"
	}
	userinfo := ""
	if u.User != nil {
		userinfo = u.User.String() + "@"
	}
	return scheme + "://" + userinfo + host + path, nil
}

// normalizePercent upper-cases the hex digits of percent-encodings and
// decodes those of unreserved characters (RFC 3986 §6.2.2.1, §6.2.2.2).
func normalizePercent(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if c := byte(v); c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
				b.WriteByte(c)
			} else {
				b.WriteString(strings.ToUpper(s[i : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// removeDotSegments is RFC 3986 §5.2.4.
func removeDotSegments(in string) string {
	var out []string
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			i := strings.IndexByte(in[1:], '/')
			if i < 0 {
				out, in = append(out, in), ""
			} else {
				out, in = append(out, in[:i+1]), in[i+1:]
			}
		}
	}
	return strings.Join(out, "")
}

// dpopRequest is what a server checks a proof against (RFC 9449 §4.3).
type dpopRequest struct {
	method      string
	uri         string // the request's URI as the server sees it; query and fragment are ignored
	accessToken string // the token the proof accompanies; "" at the token endpoint
	nonce       string // the nonce the server requires; "" when it requires none
	now         time.Time
	leeway      time.Duration
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
	if typ, _ := hdr.Typ.(string); !isDPoPTyp(typ) {
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
	case alg != string(ES256):
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
	var c DPoPClaims
	_, err = jwt.NewParser(jwt.WithValidMethods(dpopAlgs), jwt.WithoutClaimsValidation()).
		ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return pub, nil })
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
			when(iat), FormatDuration(req.now.Sub(iat)), when(req.now), FormatDuration(DPoPWindow), FormatDuration(req.leeway)))
	case iat.Sub(req.now) > req.leeway:
		return nil, badProof("DPoP proof is from the future", fmt.Sprintf("the proof is from the future: it claims it was made at %s, %s after the server's %s, beyond the %s leeway",
			when(iat), FormatDuration(iat.Sub(req.now)), when(req.now), FormatDuration(req.leeway)))
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

// isDPoPTyp reports whether typ names a DPoP proof. typ is a media type
// (RFC 7515 §4.1.9): compared case-insensitively, with "application/"
// optional, so that dpop+jwt and application/dpop+jwt are the same type.
func isDPoPTyp(typ string) bool {
	if len(typ) > len("application/") && strings.EqualFold(typ[:len("application/")], "application/") {
		typ = typ[len("application/"):]
	}
	return strings.EqualFold(typ, TypDPoP)
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

// dpopReplay remembers every proof a server accepted, by its key's
// thumbprint and its jti, until the proof is too old to pass the iat check
// under any policy (RFC 9449 §11.1): memory is bounded by the proofs of one
// window. Keying by jkt as well as jti keeps one client's jti from
// shadowing another's (§11.1 only asks jti to be unique per key), and
// sizing the memory by the largest leeway a policy may set (MaxLeeway), not
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
const dpopRemember = DPoPWindow + MaxLeeway

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
