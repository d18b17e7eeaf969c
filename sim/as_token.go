package sim

import (
	"net/http"
)

// tokenResponse is the §5.1 success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"` // always sent, as an integer
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
}

// serveToken is the token endpoint (RFC 6749 §3.2): it authenticates the
// client, then hands the request to its grant.
func (as *AuthServer) serveToken(w http.ResponseWriter, r *http.Request) {
	f, ok := parsePostForm(w, r)
	if !ok {
		return
	}
	grant := f.get("grant_type")
	if grant == "" {
		writeOAuthError(w, r, newErr(400, CodeInvalidRequest, "grant_type is missing"))
		return
	}
	client, e := as.authenticateClient(r, f)
	if e != nil {
		writeOAuthError(w, r, e)
		return
	}
	// RFC 9449 §5: a valid DPoP proof binds the tokens to its key.
	jkt, e := as.tokenProof(w, r)
	if e != nil {
		writeOAuthError(w, r, e)
		return
	}
	var resp *tokenResponse
	switch grant {
	case "authorization_code", "refresh_token":
		if !client.allowsGrant(grant) {
			e = newErr(400, CodeUnauthorizedClient, "client "+client.id+" may not use the "+grant+" grant")
			break
		}
		if grant == "authorization_code" {
			resp, e = as.redeemCode(client, f, jkt)
		} else {
			resp, e = as.refreshGrant(client, f, jkt)
		}
	case grantClientCredentials:
		resp, e = as.clientCredentialsGrant(client, f, jkt)
	default:
		e = newErr(400, CodeUnsupportedGrantType, "grant_type "+quoteID(grant)+" is not supported")
	}
	if e != nil {
		writeOAuthError(w, r, e)
		return
	}
	noStore(w)
	writeJSON(w, http.StatusOK, resp)
}

// issue mints the tokens of a successful grant, the access token for the
// audience aud (RFC 8707 §2, as_resource.go). A non-empty jkt binds the
// access token to that DPoP key: cnf.jkt and token_type DPoP (RFC 9449 §5,
// §6.1).
func (as *AuthServer) issue(fam *family, scope, aud, nonce, rt, jkt string) (*tokenResponse, *oauthError) {
	at, _, err := as.mintAccess(fam, scope, aud, jkt)
	if err != nil {
		return nil, newErr(500, "server_error", "signing failed").because(err.Error())
	}
	typ := "Bearer"
	if jkt != "" {
		typ = TokenTypeDPoP
	}
	resp := &tokenResponse{
		AccessToken: at, TokenType: typ,
		ExpiresIn:    int64(as.env.clock.wallLife(as.env.policy().AccessTTL).Seconds()), // exp - iat of the token (clock_stamp.go)
		RefreshToken: rt,
		Scope:        scope, // §5.1 requires it when it differs from the request; always sending it is allowed
	}
	// OIDC Core §3.1.3.3: an ID token if and only if openid is in the
	// scope of this response. A refresh narrowed to exclude openid gets
	// none (OIDC Core §12.2: it "might not contain an id_token"), so that
	// the response never contradicts its own scope (checklist item 11).
	if hasScope(scope, "openid") {
		id, err := as.mintID(fam, nonce, at)
		if err != nil {
			return nil, newErr(500, "server_error", "signing failed").because(err.Error())
		}
		resp.IDToken = id
	}
	return resp, nil
}

// newRefresh mints a refresh token in fam: an opaque 256-bit random value,
// stored only as its hash (RFC 9700 §2.2.2, RFC 6749 §10.10).
//
// keepsParent says the parent stays valid beside the new token
// (Policy.RotationKeepsOld), which the summary then says.
func (as *AuthServer) newRefresh(fam *family, parent *refreshRecord, keepsParent bool) (string, *refreshRecord) {
	now := as.env.clock.Now()
	v := as.env.rand.token(32)
	rec := &refreshRecord{label: as.nextLabel("rt"), hash: hashToken(v), fam: fam, issuedAt: now, lastUsed: now, state: StateActive, parent: parent}
	fam.refresh = append(fam.refresh, rec)
	as.refresh[rec.hash] = rec
	sum := "refresh token " + rec.label + " in family " + fam.label
	switch {
	case parent != nil && keepsParent:
		sum += ", issued for " + parent.label + ", which stays valid: this AS does not revoke a used refresh token"
	case parent != nil:
		sum += ", replacing " + parent.label
	}
	as.env.emit(Event{Kind: KindIssued, From: ActorAS, Token: rec.label, Family: fam.label, Summary: sum})
	return v, rec
}
