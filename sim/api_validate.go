package sim

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// allowedAlgs is the resource server's algorithm allowlist: asymmetric
// only. "none" and HS* are never accepted (RFC 8725 §3.1, RFC 9068 §4).
var allowedAlgs = []string{string(jose.RS256), string(jose.ES256), string(jose.EdDSA)}

// invalidToken is a failed validation: desc goes on the wire in
// error_description, reason to the learner.
type invalidToken struct {
	desc   string
	reason string
}

// validateJWT runs the resource server's checks in the order of RFC 9068
// §4 and RFC 8725: typ, crit (RFC 7515 §4.1.11), alg allowlist, key by kid
// from the AS's JWKS only, signature, iss, aud, exp, nbf/iat. Scope is checked by the caller, after
// revocation, because a failure there is 403, not 401.
func (api *API) validateJWT(raw, name string, now time.Time, leeway time.Duration) (*AccessClaims, *invalidToken) {
	name = orName(name)
	hdr, bad := readHeader(raw, name)
	if bad != nil {
		return nil, bad
	}
	if bad, _ := headerFailure(hdr, name, false); bad != nil {
		return nil, bad
	}
	if api.sigs != nil {
		if claims, bad, ok := api.validateKnownSignature(raw, hdr, name, now, leeway); ok {
			return claims, bad
		}
	}
	var claims AccessClaims
	var usedKey crypto.PublicKey
	keyErr := ""
	_, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		// 3. The key comes only from the AS's JWKS, looked up by kid; kid
		// is a map key and nothing else (RFC 8725 §3.10).
		kid, _ := t.Header["kid"].(string)
		k, err := api.keys.lookup(kid)
		if err != nil {
			keyErr = err.Error()
			return nil, err
		}
		// One algorithm per key (RFC 8725 §3.1).
		if k.alg != t.Method.Alg() {
			keyErr = fmt.Sprintf("key %s is for %s, the token says %s", quoteID(kid), k.alg, t.Method.Alg())
			return nil, errors.New(keyErr)
		}
		api.env.counters.verify(t.Method.Alg())
		usedKey = k.key
		return k.key, nil
	}, append(api.claimChecks(&claims, now, leeway), jwt.WithValidMethods(allowedAlgs))...) // 2. alg allowlist
	if err == nil {
		if api.sigs != nil {
			// The cache counts in the token's frame (clock_stamp.go), as
			// the exp check does.
			api.sigs.remember(raw, usedKey, claims.ExpiresAt.Add(api.env.clock.toWall(leeway)), api.env.clock.inFrame(now, timeOf(claims.IssuedAt)))
		}
		return &claims, nil
	}
	return nil, api.jwtFailure(err, hdr, &claims, name, keyErr, now, leeway)
}

// claimChecks are the claim validations of RFC 9068 §4 after the
// signature: iss exactly, aud contains the API, exp required, nbf and iat,
// all with the leeway, on the API's clock now.
func (api *API) claimChecks(c *AccessClaims, now time.Time, leeway time.Duration) []jwt.ParserOption {
	return []jwt.ParserOption{
		jwt.WithIssuer(api.issuer),
		jwt.WithAudience(api.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(api.env.clock.toWall(leeway)),
		jwt.WithTimeFunc(api.stampClock(c, now)),
	}
}

// stampClock is the time golang-jwt compares c's exp, nbf and iat with: now
// (virtual) in the frame of c's stamps, which are wall time anchored at c's
// iat (clock_stamp.go), so that the advances made since c was issued age
// it here as at the AS (RFC 7519 §4.1.4-4.1.6). golang-jwt calls it after
// the claims are decoded, once per time claim: the first answer is kept.
// On a manual clock it is now.
func (api *API) stampClock(c *AccessClaims, now time.Time) func() time.Time {
	var at time.Time
	return func() time.Time {
		if at.IsZero() {
			at = api.env.clock.inFrame(now, timeOf(c.IssuedAt))
		}
		return at
	}
}

// timeOf is d's time, or zero when the claim is absent: a token that does
// not say when it was issued counts as older than every advance.
func timeOf(d *jwt.NumericDate) time.Time {
	if d == nil {
		return time.Time{}
	}
	return d.Time
}

// validateKnownSignature is validateJWT for a token whose signature
// verified before with the key its kid names now (sigCache): every check
// but the signature arithmetic. ok is false when the cache cannot answer,
// and the full validation runs.
func (api *API) validateKnownSignature(raw string, hdr joseHeader, name string, now time.Time, leeway time.Duration) (_ *AccessClaims, _ *invalidToken, ok bool) {
	alg, _ := hdr.Alg.(string)
	if !slices.Contains(allowedAlgs, alg) {
		return nil, nil, false
	}
	var claims AccessClaims
	t, _, err := jwt.NewParser().ParseUnverified(raw, &claims)
	if err != nil {
		return nil, nil, false
	}
	kid, _ := t.Header["kid"].(string)
	k, known := api.keys.cached(kid)
	if !known || k.alg != alg || !api.sigs.verified(raw, k.key, api.env.clock.inFrame(now, timeOf(claims.IssuedAt))) {
		return nil, nil, false
	}
	if err := jwt.NewValidator(api.claimChecks(&claims, now, leeway)...).Validate(claims); err != nil {
		return nil, api.jwtFailure(err, hdr, &claims, name, "", now, leeway), true
	}
	return &claims, nil, true
}

// jwtFailure turns golang-jwt's error into the challenge's description and
// the learner's reason, naming the check that failed.
func (api *API) jwtFailure(err error, hdr joseHeader, claims *AccessClaims, name, keyErr string, now time.Time, leeway time.Duration) *invalidToken {
	at := func(d *jwt.NumericDate) string {
		if d == nil {
			return "?"
		}
		// The stamp read back as the virtual time it stands for, beside
		// the API's virtual clock (clock_stamp.go).
		return when(api.env.clock.unstamp(d.Time, timeOf(claims.IssuedAt)))
	}
	clk := fmt.Sprintf("API clock %s, leeway %s", when(now), text.FormatDuration(leeway))
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return &invalidToken{"The access token is malformed", name + " is not a well-formed JWT"}
	case errors.Is(err, jwt.ErrTokenUnverifiable) && keyErr != "":
		return &invalidToken{"The access token key is unknown", name + ": " + keyErr + hdr.ignoredKeyHeaders()}
	case errors.Is(err, jwt.ErrTokenSignatureInvalid) || errors.Is(err, jwt.ErrTokenUnverifiable):
		alg, _ := hdr.Alg.(string)
		if !slices.Contains(allowedAlgs, alg) {
			return &invalidToken{"The access token algorithm is not allowed", fmt.Sprintf("%s is signed with %s, which is not on the API's allowlist %v (RFC 8725 section 3.1)", name, quoteID(alg), allowedAlgs)}
		}
		return &invalidToken{"The access token signature is invalid", name + "'s signature does not verify with the AS's key: it was altered or signed by someone else"}
	// A missing iss or aud is ErrTokenRequiredClaimMissing, not the
	// Invalid* sentinel: name the claim at fault, not exp.
	case errors.Is(err, jwt.ErrTokenInvalidIssuer) || (errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && claims.Issuer == ""):
		return &invalidToken{"The access token issuer is not trusted", fmt.Sprintf("%s was issued by %s, not by %s", name, quoteID(claims.Issuer), api.issuer)}
	case errors.Is(err, jwt.ErrTokenInvalidAudience) || (errors.Is(err, jwt.ErrTokenRequiredClaimMissing) && !slices.ContainsFunc(claims.Audience, func(a string) bool { return a != "" })):
		return &invalidToken{"The access token is for another audience", fmt.Sprintf("%s is for audience %v, not this API (%s): a token is good only where it was meant to go (RFC 9068 section 4)", name, []string(claims.Audience), api.audience)}
	case errors.Is(err, jwt.ErrTokenExpired):
		return &invalidToken{"The access token expired", fmt.Sprintf("%s expired at %s (%s)", name, at(claims.ExpiresAt), clk)}
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return &invalidToken{"The access token lacks a required claim", name + " has no exp claim"}
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return &invalidToken{"The access token is not valid yet", fmt.Sprintf("%s is not valid before %s (%s)", name, at(claims.NotBefore), clk)}
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return &invalidToken{"The access token is not valid yet", fmt.Sprintf("%s was issued at %s, in the future of the API's clock (%s)", name, at(claims.IssuedAt), clk)}
	}
	return &invalidToken{"The access token is invalid", name + " is invalid: " + err.Error()}
}

// readHeader decodes raw's protected header; a token that is not a JWT
// fails here.
func readHeader(raw, name string) (joseHeader, *invalidToken) {
	hdr, err := decodeHeader(raw)
	if err != nil {
		why := name + " is not a JWT (" + err.Error() + "): the API cannot read it"
		if strings.HasPrefix(name, "refresh token") {
			why += "; refresh tokens are meant for the authorization server only and are never sent to resource servers (RFC 6749 section 1.5)"
		}
		return hdr, &invalidToken{"The access token is malformed", why}
	}
	return hdr, nil
}

// headerFailure runs the header checks that come before the signature:
// typ (RFC 9068 §4, RFC 8725 §3.11; golang-jwt never checks it), unless
// skipTyp, and crit (RFC 7515 §4.1.11: a recipient that does not
// understand every extension listed MUST reject the JWS; this API
// understands none, and golang-jwt ignores crit). typWrong reports a typ
// that is not at+jwt, refused or skipped.
func headerFailure(hdr joseHeader, name string, skipTyp bool) (bad *invalidToken, typWrong bool) {
	typ, _ := hdr.Typ.(string)
	if !jose.TypIs(typ, jose.TypAccessToken) {
		if !skipTyp {
			return &invalidToken{"The token is not an access token", fmt.Sprintf("%s has typ %s, not at+jwt: it is not an access token (an ID token is for the app, not for APIs; RFC 9068 section 4)", name, quoteID(typ))}, true
		}
		typWrong = true
	}
	if hdr.Crit != nil {
		return &invalidToken{"The access token has an unsupported critical header", name + " lists critical header extensions (crit) that the API does not understand, so it must be rejected (RFC 7515 section 4.1.11)"}, typWrong
	}
	return nil, typWrong
}

// decodeHeader reads a JWT's protected header without verifying anything,
// so that typ can be checked first.
// joseHeader holds the header members the API reads before verifying.
// typ and alg stay untyped: a number there is a bad token, not a
// malformed one, and must fail the typ check with its own reason.
type joseHeader struct {
	Typ  any             `json:"typ"`
	Alg  any             `json:"alg"`
	Crit json.RawMessage `json:"crit"`
	// Read only to tell the learner they were ignored (RFC 8725 §3.10).
	JKU any `json:"jku"`
	X5U any `json:"x5u"`
	JWK any `json:"jwk"`
}

// ignoredKeyHeaders names the key-locating headers a token carried, which
// the hardened API never follows.
func (h joseHeader) ignoredKeyHeaders() string {
	var names []string
	for _, p := range []struct {
		name string
		v    any
	}{{"jku", h.JKU}, {"x5u", h.X5U}, {"jwk", h.JWK}} {
		if p.v != nil {
			names = append(names, p.name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "; the token's " + strings.Join(names, " and ") + " header was ignored: keys come only from the AS's jwks_uri (RFC 8725 section 3.10)"
}

func decodeHeader(raw string) (joseHeader, error) {
	var h joseHeader
	seg, _, ok := strings.Cut(raw, ".")
	if !ok || strings.Count(raw, ".") != 2 {
		return h, errors.New("a JWT has three dot-separated parts")
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return h, errors.New("its header is not base64url")
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, errors.New("its header is not JSON")
	}
	return h, nil
}
