package sim

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// AccessClaims are the claims of an RFC 9068 JWT access token (§2.2). The
// struct embeds jwt.RegisteredClaims by value, as golang-jwt expects.
type AccessClaims struct {
	jwt.RegisteredClaims
	ClientID string           `json:"client_id"`
	Scope    string           `json:"scope,omitempty"` // space-delimited (RFC 9068 §2.2.3)
	AuthTime *jwt.NumericDate `json:"auth_time,omitempty"`
	Cnf      *cnfClaim        `json:"cnf,omitempty"`
}

// cnfClaim binds a token to a key (RFC 9449 §6.1).
type cnfClaim struct {
	JKT string `json:"jkt"`
}

// idClaims are an OpenID Connect ID token's claims (OIDC Core §2).
type idClaims struct {
	jwt.RegisteredClaims
	AuthTime *jwt.NumericDate `json:"auth_time,omitempty"`
	Nonce    string           `json:"nonce,omitempty"`
	AtHash   string           `json:"at_hash,omitempty"`
	Name     string           `json:"name,omitempty"`
}

// signingKey returns the key for the algorithm in force.
func (as *AuthServer) signingKey() (jose.SigningKey, error) {
	return as.env.key(as.env.policy().Alg)
}

// sign signs claims under the AS's current key with the given typ.
func (as *AuthServer) sign(claims jwt.Claims, typ string) (string, error) {
	k, err := as.signingKey()
	if err != nil {
		return "", err
	}
	t := jwt.NewWithClaims(k.Alg.Method(), claims)
	t.Header["typ"] = typ // golang-jwt writes "JWT"; RFC 9068 §2.1 needs at+jwt
	t.Header["kid"] = k.KID
	s, err := t.SignedString(k.Private)
	if err != nil {
		return "", fmt.Errorf("signing %s: %w", typ, err)
	}
	as.env.counters.sign(k.Alg)
	return s, nil
}

// mintAccess issues an access token for fam with the given scope and
// audience (RFC 9068 §2.2, RFC 8707 §2), bound to the DPoP key jkt when it
// is not "" (RFC 9449 §6.1).
func (as *AuthServer) mintAccess(fam *family, scope, aud, jkt string) (string, *accessRecord, error) {
	now := as.env.clock.Now()
	pol := as.env.policy()
	rec := &accessRecord{
		label: as.nextLabel("at"), jti: as.env.rand.token(16), fam: fam,
		clientID: fam.clientID, sub: fam.sub, scope: scope, aud: aud,
		iat: now, exp: now.Add(pol.AccessTTL), jkt: jkt,
	}
	// The record keeps the virtual times the AS decides by; the token says
	// them in wall time, as its readers count (clock_stamp.go). The record
	// takes the stamps' whole seconds back, so that the AS, its API and
	// introspection name one expiry.
	iat, exp := as.env.clock.issueSpan(pol.AccessTTL)
	rec.iat, rec.exp = as.env.clock.unstampSpan(iat, exp)
	claims := AccessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    as.issuer,
			Subject:   fam.sub,
			Audience:  jwt.ClaimStrings{rec.aud},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(iat),
			ID:        rec.jti,
		},
		ClientID: fam.clientID,
		Scope:    scope,
		AuthTime: jwt.NewNumericDate(as.env.clock.stamp(fam.authTime)),
	}
	bound := ""
	if aud != as.audience {
		// RFC 8707 §2: a token for another resource says so where it is born.
		bound = ", for " + audienceWords(aud)
	}
	if jkt != "" {
		claims.Cnf = &cnfClaim{JKT: jkt}
		bound += ", bound to DPoP key " + shortJKT(jkt) + " (cnf.jkt)"
	}
	s, err := as.sign(claims, jose.TypAccessToken)
	if err != nil {
		return "", nil, err
	}
	fam.access = append(fam.access, rec)
	as.access[rec.jti] = rec
	as.issued[s] = rec
	as.env.emit(Event{Kind: KindIssued, From: ActorAS, Token: rec.label, Family: fam.label,
		Summary: fmt.Sprintf("access token %s for %s, scope %q, expires %s (%s)%s", rec.label, fam.sub, scope, when(rec.exp), text.FormatDuration(rec.exp.Sub(rec.iat)), bound)})
	return s, rec, nil
}

// mintID issues an ID token (OIDC Core §2, §3.1.3.6). On refresh (nonce
// empty) OIDC Core §12.2 keeps iss, sub, aud and auth_time, takes a new iat
// and leaves nonce out.
func (as *AuthServer) mintID(fam *family, nonce, accessToken string) (string, error) {
	// In wall time (clock_stamp.go): the RP compares iat and exp with its
	// own clock, and auth_time with max_age (OIDC Core §2, §3.1.3.7), so an
	// advance ages the sign-in for it as for the AS.
	iat, exp := as.env.clock.issueSpan(as.env.policy().AccessTTL)
	claims := idClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    as.issuer,
			Subject:   fam.sub,
			Audience:  jwt.ClaimStrings{fam.clientID},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(iat),
		},
		AuthTime: jwt.NewNumericDate(as.env.clock.stamp(fam.authTime)),
		Nonce:    nonce,
		AtHash:   atHash(as.env.policy().Alg, accessToken),
	}
	// name is a profile claim (OIDC Core §5.4): only when profile was
	// granted, as userinfo gives it.
	if hasScope(fam.scope, "profile") {
		claims.Name = as.userBySub(fam.sub).name
	}
	s, err := as.sign(claims, "JWT")
	if err != nil {
		return "", err
	}
	as.issued[s] = nil // an ID token: known, but no access record
	as.env.emit(Event{Kind: KindIssued, From: ActorAS, Token: as.nextLabel("id"), Family: fam.label,
		Summary: "ID token for " + fam.sub + ": who logged in, for the app only (aud " + fam.clientID + ")"})
	return s, nil
}

// atHash is the base64url left half of the hash of the access token (OIDC
// Core §3.1.3.6): SHA-256 for RS256 and ES256, SHA-512 for EdDSA, as go-oidc
// computes it (checklist item 45).
func atHash(alg jose.Alg, at string) string {
	if alg == jose.EdDSA {
		sum := sha512.Sum512([]byte(at))
		return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	}
	sum := sha256.Sum256([]byte(at))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}
