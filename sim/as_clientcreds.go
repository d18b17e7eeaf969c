package sim

import (
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// grantClientCredentials is the grant_type of the client credentials grant
// (RFC 6749 §4.4.2).
const grantClientCredentials = "client_credentials"

// clientCredentialsGrant is the client credentials grant (RFC 6749 §4.4):
// a confidential client, already authenticated by serveToken, asks for a
// token for itself. No user, no browser, no AS session, no authorization
// code: the client's own credentials are the whole grant.
//
// The answer carries an access token and no refresh token: "A refresh
// token SHOULD NOT be included" (§4.4.3). The client can always ask again
// with the same credentials, so a refresh token would only be one more
// secret to lose.
func (as *AuthServer) clientCredentialsGrant(client *clientReg, f form, jkt string) (*tokenResponse, *oauthError) {
	if client.public {
		// §4.4: "The client credentials grant type MUST only be used by
		// confidential clients", and §4.4.2: "The client MUST authenticate
		// with the authorization server". A public client only names
		// itself (§2.3 does not apply to it): anyone could send its id. So
		// no client authentication was included, which §5.2 calls
		// invalid_client; unauthorized_client is for "the authenticated
		// client", which a public client never is.
		return nil, newErr(401, CodeInvalidClient, "client "+client.id+" is public and cannot authenticate, which the client_credentials grant requires").
			because("client " + client.id + " is a public client: it has no secret, so anyone could send its client_id; the client credentials grant is for confidential clients only and the client must authenticate (RFC 6749 sections 4.4, 4.4.2), so this is invalid_client: no client authentication was included (section 5.2)")
	}
	if !client.allowsGrant(grantClientCredentials) {
		// §5.2 unauthorized_client: authenticated, but not registered
		// for this grant.
		return nil, newErr(400, CodeUnauthorizedClient, "client "+client.id+" may not use the client_credentials grant").
			because("client " + client.id + " authenticated, but is not registered for the client credentials grant (RFC 6749 section 5.2)")
	}
	scope := strings.Join(strings.Fields(f.get("scope")), " ")
	if scope == "" {
		// §3.3: without scope the AS applies a pre-defined default.
		scope = client.defaultScope
	}
	if !client.allowsScope(scope) {
		// §5.2 invalid_scope: unknown, or beyond what the client may have.
		// A scope about a user (openid, profile, offline_access) has no
		// meaning for a token that no user stands behind.
		return nil, newErr(400, CodeInvalidScope, "scope "+quoteID(scope)+" includes a scope this client may not request").
			because(fmt.Sprintf("client %s asked for scope %s; it is registered for %s only (RFC 6749 section 5.2)", client.id, quoteID(scope), strings.Join(client.scopes, " ")))
	}
	at, err := as.mintClientAccess(client, scope, jkt)
	if err != nil {
		return nil, newErr(500, "server_error", "signing failed").because(err.Error())
	}
	typ := "Bearer"
	if jkt != "" {
		typ = TokenTypeDPoP
	}
	// No RefreshToken, no IDToken: there is no user to identify (OIDC
	// Core §3.1.3.3 issues ID tokens for a user's authentication) and
	// §4.4.3 leaves the refresh token out.
	return &tokenResponse{AccessToken: at, TokenType: typ, ExpiresIn: int64(as.env.clock.wallLife(as.env.policy().AccessTTL).Seconds()), Scope: scope}, nil
}

// clientCredsNoRefresh is the teaching reason of a client credentials
// token: why it comes without a refresh token (RFC 6749 §4.4.3).
const clientCredsNoRefresh = "no refresh token: the client holds its own credentials and simply asks again with them when this token expires; a refresh token would only be one more long-lived secret to lose (RFC 6749 section 4.4.3: a refresh token SHOULD NOT be included)"

// mintClientAccess signs an RFC 9068 access token for the client itself.
// Its sub is the client's id: for grants "where no resource owner is
// involved, such as the client credentials grant", sub identifies the
// client application (RFC 9068 §2.2). There is no auth_time, which is when
// an end user authenticated (RFC 9068 §2.2.1), and no family: the token
// belongs to no login and is renewed by asking again, not by refreshing.
func (as *AuthServer) mintClientAccess(client *clientReg, scope, jkt string) (string, error) {
	now := as.env.clock.Now()
	pol := as.env.policy()
	rec := &accessRecord{
		label: as.nextLabel("at"), jti: as.env.rand.token(16),
		clientID: client.id, sub: client.id, scope: scope, aud: as.audience,
		iat: now, exp: now.Add(pol.AccessTTL), jkt: jkt,
	}
	iat, exp := as.env.clock.issueSpan(pol.AccessTTL) // in wall time (clock_stamp.go), as mintAccess
	rec.iat, rec.exp = as.env.clock.unstampSpan(iat, exp)
	claims := AccessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    as.issuer,
			Subject:   client.id,
			Audience:  jwt.ClaimStrings{rec.aud},
			ExpiresAt: jwt.NewNumericDate(exp),
			IssuedAt:  jwt.NewNumericDate(iat),
			ID:        rec.jti,
		},
		ClientID: client.id,
		Scope:    scope,
	}
	bound := ""
	if jkt != "" {
		claims.Cnf = &cnfClaim{JKT: jkt}
		bound = ", bound to DPoP key " + shortJKT(jkt) + " (cnf.jkt)"
	}
	s, err := as.sign(claims, jose.TypAccessToken)
	if err != nil {
		return "", err
	}
	as.access[rec.jti] = rec
	as.issued[s] = rec
	as.env.emit(Event{Kind: KindIssued, From: ActorAS, Token: rec.label,
		Summary: fmt.Sprintf("access token %s for client %s itself, no user (sub = client_id), scope %q, expires %s (%s)%s; no refresh token (RFC 6749 section 4.4.3)",
			rec.label, client.id, scope, when(rec.exp), text.FormatDuration(rec.exp.Sub(rec.iat)), bound),
		Reason: clientCredsNoRefresh})
	return s, nil
}
