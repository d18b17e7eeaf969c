package sim

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
