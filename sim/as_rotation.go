package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// refreshGrant is the refresh_token grant (RFC 6749 §6) with the rotation,
// reuse detection and lifetime rules of RFC 9700 §4.14.2.
//
// The checks run in this order, and the order is part of the lesson:
//  1. the token must be known and belong to the authenticated client and,
//     when its family is DPoP-bound, come with a proof from that key (RFC
//     9449 §5);
//  2. a revoked family refuses everything, saying when and why it died;
//     then the grant must still stand: an account disabled, a password
//     changed or a consent withdrawn since it began ends it (as_account.go);
//  3. the family's absolute lifetime (stamped at login, never extended);
//  4. a rotated token presented again is reuse: forgiven only inside the
//     grace interval for the immediately previous token, otherwise the whole
//     family is revoked;
//  5. a revoked token; 6. the idle lifetime; 7. the scope.
func (as *AuthServer) refreshGrant(client *clientReg, f form, jkt string) (*tokenResponse, *oauthError) {
	v := f.get("refresh_token")
	if v == "" {
		return nil, newErr(400, CodeInvalidRequest, "refresh_token is missing")
	}
	rt, ok := as.refresh[hashToken(v)]
	if !ok {
		why := "the AS never issued this refresh token"
		if strings.Count(v, ".") == 2 {
			// A JWT: an access or ID token sent where a refresh token belongs.
			why += ": it is a JWT, an access or ID token, not one of this AS's refresh tokens (which here are opaque random strings); access tokens go to the APIs their aud names, ID tokens stay with the app, refresh tokens go only to the auth server (its token and revocation endpoints: RFC 6749 section 1.5, RFC 7009 section 2.1)"
		}
		return nil, newErr(400, CodeInvalidGrant, "unknown refresh token").because(why)
	}
	fam := rt.fam
	now := as.env.clock.Now()
	pol := as.env.policy()
	deny := func(desc, reason string) (*tokenResponse, *oauthError) {
		return nil, newErr(400, CodeInvalidGrant, desc).because(reason).about(rt.label, fam.label)
	}
	if fam.clientID != client.id {
		// §6 / §10.4: a refresh token is bound to the client it was issued to.
		return deny("refresh token was issued to another client",
			fmt.Sprintf("refresh token %s was issued to client %s, not %s", rt.label, fam.clientID, client.id))
	}
	if desc, why := refreshBinding(rt, jkt); desc != "" {
		return deny(desc, why)
	}
	if fam.revoked() {
		return deny("refresh token revoked",
			fmt.Sprintf("refresh token %s belongs to family %s, revoked at %s because %s", rt.label, fam.label, when(fam.revokedAt), fam.revokedWhy))
	}
	if e := as.refuseEndedGrant(rt); e != nil {
		// The AS's checkpoint: the account's standing (as_account.go) is
		// read at every refresh, before lifetimes and reuse.
		return nil, e
	}
	if !fam.absExpiry.IsZero() && !now.Before(fam.absExpiry) {
		extend := ""
		if pol.Rotation {
			extend = "; rotation does not extend it"
		}
		return deny("refresh token expired (absolute lifetime)",
			fmt.Sprintf("family %s reached its absolute lifetime at %s (%s after login at %s%s): the session is over and the user must log in again",
				fam.label, whenDay(fam.absExpiry), text.FormatDuration(fam.absExpiry.Sub(fam.start)), whenDay(fam.start), extend))
	}
	if rt.state == StateRotated {
		if pol.Rotation && pol.ReuseGrace > 0 && rt == fam.prev && now.Sub(rt.changedAt) <= pol.ReuseGrace {
			return as.graceReuse(rt, f.get("scope"), f.get(resourceParam), jkt)
		}
		if !pol.ReuseDetection {
			return deny("refresh token already used",
				fmt.Sprintf("refresh token %s was rotated at %s and presented again; reuse detection is off, so family %s stays alive and whoever holds %s carries on",
					rt.label, when(rt.changedAt), fam.label, labelOf(fam.current())))
		}
		why := fmt.Sprintf("refresh token %s was rotated at %s and presented again", rt.label, when(rt.changedAt))
		as.env.emit(Event{Kind: KindReuse, From: ActorAS, Token: rt.label, Family: fam.label,
			Reason: why + ": the AS cannot tell the thief from the user, so it revokes the whole family (RFC 9700 section 4.14.2; revoking the family's access tokens too is OAuth 2.1 section 4.3.1 and this simulator's policy)"})
		as.revokeFamily(fam, "refresh token "+rt.label+" was reused at "+when(now), pol.RevokeAccessOnReuse)
		return deny("refresh token reuse detected; the grant is revoked",
			why+": reuse detected, family "+fam.label+" revoked")
	}
	if rt.state == StateRevoked {
		return deny("refresh token revoked", fmt.Sprintf("refresh token %s was revoked at %s because %s", rt.label, when(rt.changedAt), rt.why))
	}
	if idle, name := fam.idle(pol); idle > 0 && !now.Before(rt.lastUsed.Add(idle)) {
		return deny("refresh token expired (idle lifetime)",
			fmt.Sprintf("refresh token %s was last used at %s and %s is %s: it expired at %s; the session is over and the user must log in again",
				rt.label, whenDay(rt.lastUsed), name, text.FormatDuration(idle), whenDay(rt.lastUsed.Add(idle))))
	}
	scope, e := narrowScope(fam, f.get("scope"))
	if e != nil {
		return nil, e.about(rt.label, fam.label)
	}
	// RFC 8707 §2.2: the same refresh token obtains a token for another
	// resource of the grant; its aud is that resource.
	aud, e := as.audienceFor(fam, f.get(resourceParam))
	if e != nil {
		return nil, e.about(rt.label, fam.label)
	}

	if client.public && fam.jkt == "" && jkt != "" {
		// RFC 9449 §5: a public client's refresh tokens are bound to the key
		// of its DPoP proofs. A family started before the app had a key is
		// bound at its first refresh with a proof, from then on.
		fam.jkt = jkt
	}
	var newRT string
	switch {
	case pol.Rotation && pol.RotationKeepsOld:
		// Entra ID: "Refresh tokens replace themselves with a fresh token
		// upon every use. The Microsoft identity platform doesn't revoke old
		// refresh tokens when used to fetch new access tokens"
		// (learn.microsoft.com/entra/identity-platform/refresh-tokens). The
		// old token stays active, its idle clock restarted like any used
		// token's; nothing is retired, so nothing can be detected as reuse.
		rt.lastUsed = now
		newRT, _ = as.newRefresh(fam, rt, true)
	case pol.Rotation:
		var next *refreshRecord
		newRT, next = as.newRefresh(fam, rt, false)
		as.retire(rt, next, "rotated: it was exchanged for "+next.label)
		fam.prev = rt
	default:
		// No rotation: the same token stays valid and its idle clock
		// restarts. The response omits refresh_token, which clients (x/oauth2
		// among them) read as "keep the one you have" (checklist item 29).
		rt.lastUsed = now
	}
	return as.issue(fam, scope, aud, "", newRT, jkt)
}

// graceReuse forgives a reuse of the immediately previous refresh token
// inside the grace interval (checklist item 27: Auth0's rotation overlap,
// Okta's grace period, Cognito's RetryGracePeriodSeconds): new tokens, no
// revocation. The token issued in between stays active too, so that two
// independent token sources racing on one refresh token both keep a working
// session (checklist item 80); the family briefly has two branches, each
// bound by the same absolute lifetime.
func (as *AuthServer) graceReuse(rt *refreshRecord, scopeParam, resource, jkt string) (*tokenResponse, *oauthError) {
	fam := rt.fam
	scope, e := narrowScope(fam, scopeParam)
	if e != nil {
		return nil, e.about(rt.label, fam.label)
	}
	aud, e := as.audienceFor(fam, resource)
	if e != nil {
		return nil, e.about(rt.label, fam.label)
	}
	pol := as.env.policy()
	newRT, _ := as.newRefresh(fam, rt, false)
	after := text.FormatDuration(as.env.clock.Now().Sub(rt.changedAt)) + " after its rotation"
	switch d := as.env.clock.Now().Sub(rt.changedAt); {
	case d <= 0:
		after = "at the very moment of its rotation"
	case d < time.Second: // a served world's real clients: no nanoseconds in a reason
		after = "less than a second after its rotation"
	}
	as.env.emit(Event{Kind: KindRotated, From: ActorAS, Token: rt.label, Family: fam.label,
		Reason: fmt.Sprintf("refresh token %s was reused %s, inside the %s grace interval: forgiven, no revocation",
			rt.label, after, text.FormatDuration(pol.ReuseGrace))})
	return as.issue(fam, scope, aud, "", newRT, jkt)
}

// narrowScope applies RFC 6749 §6: an omitted scope means the original
// grant; a subset narrows the access token only (the refresh token keeps
// the original grant, checklist item 24); anything wider is invalid_scope.
func narrowScope(fam *family, requested string) (string, *oauthError) {
	if requested == "" {
		return fam.scope, nil
	}
	if !scopeSubset(requested, fam.scope) {
		return "", newErr(400, CodeInvalidScope, "the requested scope exceeds the original grant").
			because(fmt.Sprintf("scope %s asks for more than the login granted (%s): a refresh can narrow, never widen (RFC 6749 section 6)", quoteID(requested), fam.scope))
	}
	return requested, nil
}

// retire marks rt rotated (or superseded) by next.
func (as *AuthServer) retire(rt, next *refreshRecord, why string) {
	now := as.env.clock.Now()
	rt.state, rt.changedAt, rt.why, rt.successor = StateRotated, now, why+" at "+when(now), next
	as.env.emit(Event{Kind: KindRotated, From: ActorAS, Token: rt.label, Family: rt.fam.label,
		Summary: "refresh token " + rt.label + " retired (" + why + "); presenting it again is reuse"})
}

// revokeFamily kills every refresh token of fam and, when withAccess, every
// access token it minted (RFC 7009 §2.1; RFC 9700 §4.14.2). Access tokens
// already out there stay valid at a stateless API until they expire: the
// AS can only tell APIs that ask (introspection) or listen (denylist).
func (as *AuthServer) revokeFamily(fam *family, why string, withAccess bool) {
	now := as.env.clock.Now()
	fam.revokedAt, fam.revokedWhy = now, why
	var killed []string
	for _, rt := range fam.refresh {
		if rt.state == StateActive {
			rt.state, rt.changedAt, rt.why = StateRevoked, now, "family "+fam.label+" was revoked at "+when(now)+": "+why
			killed = append(killed, rt.label)
		}
	}
	if withAccess {
		for _, at := range fam.access {
			if !at.revoked() && now.Before(at.exp) {
				as.revokeAccess(at, "family "+fam.label+" was revoked: "+why)
				killed = append(killed, at.label)
			}
		}
	}
	as.env.emit(Event{Kind: KindFamilyRevoked, From: ActorAS, Family: fam.label,
		Reason:  "family " + fam.label + " revoked because " + why,
		Summary: revokedSummary(killed, withAccess)})
}

// revokedSummary says what a family revocation killed, and what it could
// not: access tokens already out are recalled only from APIs that ask the
// AS (introspection) or listen to it (denylist).
func revokedSummary(killed []string, withAccess bool) string {
	s := "revoked now: " + strings.Join(killed, ", ")
	if withAccess {
		return s + " (an API that checks access tokens locally still accepts them until they expire)"
	}
	return s + " (this policy leaves the family's access tokens alone: they die at their exp)"
}

// revokeAccess records an access token as revoked and tells any listening
// API (denylist mode).
func (as *AuthServer) revokeAccess(at *accessRecord, why string) {
	at.revokedAt, at.revokedWhy = as.env.clock.Now(), why
	if as.onAccessRevoked != nil {
		as.onAccessRevoked(at.jti, at.aud, at.exp, at.label+" revoked at "+when(at.revokedAt)+" because "+why)
	}
}

func labelOf(rt *refreshRecord) string {
	if rt == nil {
		return "no active token"
	}
	return rt.label
}
