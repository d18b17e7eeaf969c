package sim

import (
	"net/http"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// serveRevoke is the revocation endpoint (RFC 7009 §2). It authenticates
// the client like the token endpoint, finds the token whatever the hint says
// (§2.1: a wrong hint only costs a longer search) and answers 200 even for
// unknown tokens (§2.2), so that a caller learns nothing from the answer.
func (as *AuthServer) serveRevoke(w http.ResponseWriter, r *http.Request) {
	client, v, ok := as.tokenCall(w, r, false)
	if !ok {
		return
	}
	n := noteOf(r)
	if rt, ok := as.refresh[hashToken(v)]; ok {
		if rt.fam.clientID != client.id {
			// §2.1: the AS verifies the token was issued to the caller;
			// fosite answers unauthorized_client (checklist item 33).
			writeOAuthError(w, r, newErr(400, CodeUnauthorizedClient, "the token was issued to another client").
				because("client "+client.id+" tried to revoke "+rt.label+", which belongs to client "+rt.fam.clientID+": refused, nothing revoked").about(rt.label, rt.fam.label))
			return
		}
		n.token, n.family = rt.label, rt.fam.label
		if rt.fam.revoked() {
			n.reason = "family " + rt.fam.label + " was already revoked; revocation is idempotent (RFC 7009 section 2.2)"
		} else {
			// §2.1: revoking a refresh token SHOULD also invalidate the
			// access tokens of the same grant. Whether an API notices
			// depends on its mode: that gap is the lesson of `logout`.
			as.revokeFamily(rt.fam, "refresh token "+rt.label+" was revoked by client "+client.id+" (logout)", true)
			n.summary = "refresh token " + rt.label + " and its family " + rt.fam.label + " revoked"
		}
	} else if at := as.findAccess(v); at != nil {
		if at.clientID != client.id {
			writeOAuthError(w, r, newErr(400, CodeUnauthorizedClient, "the token was issued to another client").about(at.label, famLabel(at.fam)))
			return
		}
		n.token, n.family = at.label, famLabel(at.fam)
		if !at.revoked() {
			// §2.1: revoking an access token MAY revoke its refresh token;
			// we do not, so that "revoke this one token" means just that.
			as.revokeAccess(at, "it was revoked by client "+client.id)
			as.env.emit(Event{Kind: KindRevoked, From: ActorAS, Token: at.label, Family: famLabel(at.fam),
				Reason: "access token " + at.label + " revoked at the AS; an API that only checks signatures keeps accepting it until " + when(at.exp)})
		}
	} else {
		n.summary = "unknown token: answered 200 all the same (RFC 7009 section 2.2)"
	}
	noStore(w)
	w.WriteHeader(http.StatusOK)
}

// tokenCall reads a request about one token, as revocation (RFC 7009 §2.1)
// and introspection (RFC 7662 §2.1) receive them: a POSTed form, an
// authenticated caller (a confidential one when confidential is set), and a
// token parameter. It answers the error itself and returns ok=false when
// the request cannot go on.
func (as *AuthServer) tokenCall(w http.ResponseWriter, r *http.Request, confidential bool) (*clientReg, string, bool) {
	f, ok := parsePostForm(w, r)
	if !ok {
		return nil, "", false
	}
	caller, e := as.authenticateClient(r, f)
	if e == nil && confidential && caller.public {
		e = newErr(401, CodeInvalidClient, "this endpoint needs an authenticated caller").
			because("public client " + caller.id + " cannot authenticate, so it may not introspect")
	}
	if e == nil && f.get("token") == "" {
		e = newErr(400, CodeInvalidRequest, "token is missing")
	}
	if e != nil {
		writeOAuthError(w, r, e)
		return nil, "", false
	}
	return caller, f.get("token"), true
}

// findAccess verifies v as an access token this AS signed and returns its
// record, whatever its expiry.
func (as *AuthServer) findAccess(v string) *accessRecord {
	var c AccessClaims
	_, err := jwt.ParseWithClaims(v, &c, as.ownKey, jwt.WithValidMethods([]string{string(jose.RS256), string(jose.ES256), string(jose.EdDSA)}),
		jwt.WithoutClaimsValidation())
	if err != nil {
		return nil
	}
	return as.access[c.ID]
}

// ownKey is the keyfunc for tokens the AS signed itself: it looks the kid
// up among the world's keys and insists the key fits the alg (RFC 8725 §3.1).
func (as *AuthServer) ownKey(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	for _, alg := range jose.Algs() {
		k, err := as.env.key(alg)
		if err == nil && k.KID == kid && t.Method.Alg() == string(alg) {
			as.env.counters.verify(string(alg))
			return k.Public(), nil
		}
	}
	return nil, errf("unknown kid")
}
