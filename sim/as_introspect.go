package sim

import (
	"net/http"
)

// introspection is an RFC 7662 §2.2 response. Inactive responses carry
// "active":false and nothing else (§2.2), hence the omitempty everywhere.
type introspection struct {
	Active    bool      `json:"active"`
	Scope     string    `json:"scope,omitempty"`
	ClientID  string    `json:"client_id,omitempty"`
	TokenType string    `json:"token_type,omitempty"`
	Exp       int64     `json:"exp,omitempty"`
	Iat       int64     `json:"iat,omitempty"`
	Sub       string    `json:"sub,omitempty"`
	Aud       string    `json:"aud,omitempty"`
	Iss       string    `json:"iss,omitempty"`
	Jti       string    `json:"jti,omitempty"`
	Cnf       *cnfClaim `json:"cnf,omitempty"`
}

// serveIntrospect is the introspection endpoint (RFC 7662 §2). Callers must
// authenticate (§2.1); the API uses its own registration, ClientAPI.
func (as *AuthServer) serveIntrospect(w http.ResponseWriter, r *http.Request) {
	caller, v, ok := as.tokenCall(w, r, true)
	if !ok {
		return
	}
	resp, why, label := as.introspect(caller, v)
	n := noteOf(r)
	n.token = label
	if !resp.Active {
		n.reason = why
	} else {
		n.summary = label + " is active"
	}
	noStore(w)
	writeJSON(w, http.StatusOK, resp)
}

// introspect decides what caller may learn about v, and why.
func (as *AuthServer) introspect(caller *clientReg, v string) (introspection, string, string) {
	inactive := introspection{}
	now := as.env.clock.Now()
	if rt, ok := as.refresh[hashToken(v)]; ok {
		if caller.resource {
			// Sim policy (checklist item 39): a resource server has no
			// business with refresh tokens (RFC 6749 §1.5).
			return inactive, "refresh token " + rt.label + " was introspected by a resource server: refresh tokens are never for APIs", rt.label
		}
		return inactive, "only resource servers introspect here", rt.label
	}
	at := as.findAccess(v)
	switch {
	case at == nil:
		return inactive, "the AS does not recognise this token", ""
	case !caller.resource && caller.id != at.clientID:
		return inactive, "client " + caller.id + " may not introspect a token of client " + at.clientID, at.label
	case at.revoked():
		return inactive, "access token " + at.label + " was revoked at " + when(at.revokedAt) + " because " + at.revokedWhy, at.label
	case !now.Before(at.exp):
		return inactive, "access token " + at.label + " expired at " + when(at.exp), at.label
	}
	if _, why := as.grantEndedFor(at); why != "" {
		// RFC 7662 §2.2: "active" is the AS's own judgement of the token
		// now; a grant the account's standing ended (as_account.go) makes
		// its access tokens inactive before their exp.
		return inactive, "access token " + at.label + " belongs to a grant that has ended: " + why, at.label
	}
	// exp and iat in wall time, as the token states them (RFC 7662 §2.2
	// uses RFC 7519's NumericDate), stamped now: an advance since the
	// token was issued shows here as an older iat and a nearer exp, the
	// AS's own view of the token's age (clock_stamp.go).
	iat, exp := as.env.clock.stampSpan(at.iat, at.exp.Sub(at.iat))
	in := introspection{
		Active: true, Scope: at.scope, ClientID: at.clientID, TokenType: "Bearer",
		Exp: exp.Unix(), Iat: iat.Unix(), Sub: at.sub, Aud: at.aud, Iss: as.issuer, Jti: at.jti,
	}
	if at.jkt != "" {
		// RFC 9449 §6.2: the resource server learns the binding here.
		in.TokenType, in.Cnf = TokenTypeDPoP, &cnfClaim{JKT: at.jkt}
	}
	return in, "", at.label
}
