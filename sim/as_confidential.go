package sim

import "strings"

// noSecretReason says why a confidential client that named itself but sent
// no secret is refused (RFC 6749 §5.2 invalid_client). On a refresh it says
// what that means for a stolen refresh token: §6 requires the AS to
// authenticate a confidential client on the refresh grant ("require client
// authentication for confidential clients"), and §10.4 binds a refresh
// token to the client it was issued to, so possession of the token alone is
// not enough. Client authentication runs before the grant (serveToken), so
// the token presented is not examined and nothing of its family changes:
// no rotation, no reuse detection.
func noSecretReason(c *clientReg, f form) string {
	why := "client " + c.id + " is confidential and sent no secret"
	if f.get("grant_type") != "refresh_token" {
		return why + " (RFC 6749 section 2.3.1)"
	}
	return why + ": RFC 6749 section 6 requires a confidential client to authenticate when it refreshes, and section 10.4 binds the refresh token to that client, so whoever holds its refresh token also needs its secret. " +
		"The refresh token was not examined: it and its family are unchanged"
}

// confidentialClient reports whether id names a registered client that
// authenticates with a secret.
func (as *AuthServer) confidentialClient(id string) bool {
	c, ok := as.clients[id]
	return ok && !c.public
}

// uselessWithout says which live tokens the attacker holds but cannot use:
// bound ones without the app's DPoP key (RFC 9449 §5), a confidential
// client's refresh tokens without its secret (RFC 6749 §6, §10.4).
func uselessWithout(bound, secret []string) string {
	var parts []string
	if len(bound) > 0 {
		parts = append(parts, strings.Join(bound, " and ")+", bound to the app's DPoP key, which it does not have")
	}
	if len(secret) > 0 {
		parts = append(parts, strings.Join(secret, " and ")+", a confidential client's refresh token, which the token endpoint takes only with the client's secret, which it does not have (RFC 6749 section 6)")
	}
	return strings.Join(parts, "; and ")
}
