package sim

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// redeemCode is the authorization_code grant (RFC 6749 §4.1.3, RFC 7636
// §4.5–4.6).
func (as *AuthServer) redeemCode(client *clientReg, f form, jkt string) (*tokenResponse, *oauthError) {
	code := f.get("code")
	if code == "" {
		return nil, newErr(400, CodeInvalidRequest, "code is missing")
	}
	rec, ok := as.codes[hashToken(code)]
	if !ok {
		return nil, newErr(400, CodeInvalidGrant, "unknown authorization code").because("the AS never issued this authorization code")
	}
	now := as.env.clock.Now()
	if !rec.usedAt.IsZero() {
		// §4.1.2: a code used twice means it leaked. The AS SHOULD revoke
		// every token issued from it (checklist item 21).
		why := fmt.Sprintf("authorization code %s was already redeemed at %s and presented again: the AS revokes every token issued from it (RFC 6749 section 4.1.2)", rec.label, when(rec.usedAt))
		if rec.fam != nil && !rec.fam.revoked() {
			as.revokeFamily(rec.fam, "code "+rec.label+" was replayed", true)
		}
		return nil, newErr(400, CodeInvalidGrant, "authorization code already used").because(why).about(rec.label, famLabel(rec.fam))
	}
	if !now.Before(rec.exp) {
		return nil, newErr(400, CodeInvalidGrant, "authorization code expired").
			because(fmt.Sprintf("authorization code %s expired at %s: codes live %s (RFC 6749 section 4.1.2)", rec.label, when(rec.exp), text.FormatDuration(rec.exp.Sub(rec.issued)))).about(rec.label, "")
	}
	if rec.clientID != client.id {
		return nil, newErr(400, CodeInvalidGrant, "code was issued to another client").
			because("authorization code "+rec.label+" was issued to client "+rec.clientID+", not "+client.id).about(rec.label, "")
	}
	redirect := f.get("redirect_uri")
	if rec.redirectSent && redirect == "" {
		return nil, newErr(400, CodeInvalidRequest, "redirect_uri is required: it was in the authorization request (RFC 6749 section 4.1.3)")
	}
	if redirect != "" && redirect != rec.redirectURI {
		return nil, newErr(400, CodeInvalidGrant, "redirect_uri does not match the authorization request").about(rec.label, "")
	}
	if e := checkVerifier(rec, f.get("code_verifier")); e != nil {
		return nil, e.about(rec.label, "")
	}
	// RFC 9449 §10: checked before the code is spent, so that a thief
	// without the key cannot burn the client's code.
	if desc, why := codeBinding(rec, jkt); desc != "" {
		return nil, newErr(400, CodeInvalidGrant, desc).because(why).about(rec.label, "")
	}
	if desc, why := as.grantEnded(rec.sub, nil, rec); desc != "" {
		// A code minted before the account changed (as_account.go) grants
		// nothing after: the same check as at refresh.
		return nil, newErr(400, CodeInvalidGrant, desc).because("authorization code "+rec.label+" is refused: "+why).about(rec.label, "")
	}
	// RFC 8707 §2.2: a resource in the token request must be one the
	// authorization request allowed; checked before the code is spent.
	probe := &family{resource: rec.resource}
	aud, e := as.audienceFor(probe, f.get(resourceParam))
	if e != nil {
		return nil, e.about(rec.label, "")
	}
	rec.usedAt = now

	fam := as.startFamily(client.id, rec.sub, rec.scope, rec.issued, rec.authTime)
	fam.code, rec.fam, fam.session, fam.resource = rec, fam, rec.session, rec.resource
	if client.public {
		// RFC 9449 §5: a public client's refresh tokens are bound to its
		// DPoP key (a confidential client's are bound by its secret).
		fam.jkt = jkt
	}
	var rt string
	pol := as.env.policy()
	if issue, offline := pol.issuesRefresh(client.public, client.browser, hasScope(rec.scope, "offline_access")); issue && client.allowsGrant("refresh_token") {
		fam.offline = offline
		if offline {
			// Stamped again: an offline token's absolute lifetime is its own.
			fam.absExpiry = time.Time{}
			if abs := pol.OfflineAbsolute; abs > 0 {
				fam.absExpiry = fam.authTime.Add(abs)
			}
		}
		rt, _ = as.newRefresh(fam, nil, false)
	}
	return as.issue(fam, rec.scope, aud, rec.nonce, rt, jkt)
}

// issuesRefresh is the one rule for whether a code redemption brings a
// refresh token, and whether it is an offline token (OfflineTokens).
//
// A public client gets one only under PublicRefresh (Spring Authorization
// Server issues none, gh-297), and one that runs in a browser only under
// BrowserRefresh too (Google: none to JavaScript clients). A login that did
// not ask for offline_access (OIDC Core §11) gets one only under
// RefreshWithoutOffline (Keycloak's session-bound refresh tokens; Cognito);
// without one, the `expiry` lesson shows a user who must log in again.
func (p Policy) issuesRefresh(public, browser, offlineAccess bool) (issue, offline bool) {
	switch {
	case public && !p.PublicRefresh, public && browser && !p.BrowserRefresh:
		return false, false
	case offlineAccess:
		return true, p.OfflineTokens
	}
	return p.RefreshWithoutOffline, false
}

// IssuesRefresh reports whether an app of this kind gets a refresh token at
// login under p, when it asks for offline_access or not, and whether that
// token is an offline token with the offline_* lifetimes. The single-page
// app is a public client that runs in a browser; the web app is
// confidential.
func (p Policy) IssuesRefresh(kind ClientKind, offlineAccess bool) (issue, offline bool) {
	return p.issuesRefresh(kind == KindSPA, kind == KindSPA, offlineAccess)
}

// startFamily opens the grant of one login, begun at start by a user who
// signed in at authTime (earlier, when the login was answered from the AS
// session). Its absolute lifetime counts from start: rotation never
// extends it.
func (as *AuthServer) startFamily(clientID, sub, scope string, start, authTime time.Time) *family {
	fam := &family{label: as.nextLabel("f"), clientID: clientID, sub: sub, scope: scope, authTime: authTime, start: start}
	if abs := as.env.policy().RefreshAbsolute; abs > 0 {
		fam.absExpiry = start.Add(abs)
	}
	as.families = append(as.families, fam)
	return fam
}

// checkVerifier applies PKCE (RFC 7636 §4.6) and refuses a downgrade: a
// verifier with no stored challenge is as wrong as a missing verifier
// (RFC 9700 §2.1.1, §4.8.2).
func checkVerifier(rec *codeRecord, verifier string) *oauthError {
	switch {
	case rec.challenge == "" && verifier == "":
		return nil
	case rec.challenge == "":
		return newErr(400, CodeInvalidGrant, "code_verifier sent but no code_challenge was (PKCE downgrade)").
			because("a code_verifier came with code " + rec.label + " but its authorization request had no code_challenge: a PKCE downgrade (RFC 9700 section 4.8.2)")
	case verifier == "":
		return newErr(400, CodeInvalidGrant, "code_verifier is missing").
			because("code " + rec.label + " was issued against a PKCE challenge, and the request has no code_verifier: whoever sent it may have intercepted the code")
	}
	if subtle.ConstantTimeCompare([]byte(s256Challenge(verifier)), []byte(rec.challenge)) != 1 {
		return newErr(400, CodeInvalidGrant, "code_verifier does not match the code_challenge").
			because("BASE64URL(SHA256(code_verifier)) differs from code " + rec.label + "'s challenge: the verifier stays with the app that started the login and never travels in a URL (RFC 7636 section 4.6)")
	}
	return nil
}

// s256Challenge derives the PKCE challenge of a verifier (RFC 7636 §4.2).
func s256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func famLabel(f *family) string {
	if f == nil {
		return ""
	}
	return f.label
}
