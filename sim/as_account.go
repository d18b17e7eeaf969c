package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// account is what the AS keeps of a user's standing besides the registry
// (as_registry.go, which never changes): whether the account is disabled,
// the password and when it last changed, and the consents withdrawn.
//
// The AS does not revoke anything when one of these changes. It records the
// event and enforces it where it is asked: the next refresh of a grant made
// before the event fails (OAuth 2.1 draft section 4.3.1: the AS MUST
// "validate that the grant corresponding to this refresh token is still
// active"), and introspection reports the grant's access tokens inactive
// (RFC 7662 section 2.2). That is why the refresh is the AS's checkpoint,
// and why an access token checked only locally lives on until its exp.
type account struct {
	disabledAt   time.Time
	passwordHash string    // "" = the registry's password
	passwordAt   time.Time // when the password last changed: a credential change
	// The grants a password change or a withdrawn consent ended, and why:
	// every family of the user (of the client) and every code not yet
	// redeemed at that moment. They are recorded as records, not as a time,
	// because the virtual clock stands still within a step: a sign-in at
	// the same instant but after the event makes a grant that stands.
	endedFams  map[*family]endedGrant
	endedCodes map[*codeRecord]endedGrant
}

// endedGrant is why an account event ended a grant: the error_description
// and the reason in words.
type endedGrant struct{ desc, why string }

// accountOf returns sub's account record, making it on first use. Callers
// hold as.mu.
func (as *AuthServer) accountOf(sub string) *account {
	if as.accounts == nil {
		as.accounts = map[string]*account{}
	}
	a, ok := as.accounts[sub]
	if !ok {
		a = &account{endedFams: map[*family]endedGrant{}, endedCodes: map[*codeRecord]endedGrant{}}
		as.accounts[sub] = a
	}
	return a
}

// passwordOK checks a sign-in's password against the current one: the
// registry's until a password change replaced it.
func (as *AuthServer) passwordOK(u user, password string) bool {
	if a := as.accounts[u.sub]; a != nil && a.passwordHash != "" {
		return user{sub: u.sub, passwordHash: a.passwordHash}.checkPassword(password)
	}
	return u.checkPassword(password)
}

// signInRefused says why sub may not sign in, or "" when they may.
func (as *AuthServer) signInRefused(sub string) string {
	if a := as.accounts[sub]; a != nil && !a.disabledAt.IsZero() {
		return "an administrator disabled " + sub + "'s account at " + when(a.disabledAt) + ": the AS refuses the sign-in, right password or not"
	}
	return ""
}

// grantEnded says whether the account's standing ends a grant of sub: fam,
// or a code rec not yet redeemed (either may be nil). It returns a short
// error_description and the reason in words, or "", "" while the grant
// stands. Sign-in (by code), refresh (as_rotation.go) and introspection
// (as_introspect.go) all ask it, so that the checkpoints agree.
func (as *AuthServer) grantEnded(sub string, fam *family, rec *codeRecord) (desc, why string) {
	a := as.accounts[sub]
	switch {
	case a == nil:
		return "", ""
	case !a.disabledAt.IsZero():
		return "the user's account is disabled",
			"an administrator disabled " + sub + "'s account at " + when(a.disabledAt)
	}
	e, ok := a.endedFams[fam]
	if !ok {
		e = a.endedCodes[rec]
	}
	return e.desc, e.why
}

// endGrants records every grant of sub (to client, when client is not "")
// that exists now as ended, for why: its families and its unredeemed codes.
func (as *AuthServer) endGrants(a *account, sub, client string, why endedGrant) {
	for _, f := range as.families {
		if f.sub == sub && (client == "" || f.clientID == client) {
			if _, done := a.endedFams[f]; !done {
				a.endedFams[f] = why
			}
		}
	}
	for _, c := range as.codes {
		if c.sub == sub && c.usedAt.IsZero() && (client == "" || c.clientID == client) {
			if _, done := a.endedCodes[c]; !done {
				a.endedCodes[c] = why
			}
		}
	}
}

// refuseEndedGrant is the refresh grant's account check: when the account's
// standing ends fam, the AS revokes the family (and its access tokens, for
// the APIs that ask or listen) and refuses with invalid_grant (RFC 6749
// §5.2). It returns nil while the grant stands.
func (as *AuthServer) refuseEndedGrant(rt *refreshRecord) *oauthError {
	fam := rt.fam
	desc, why := as.grantEnded(fam.sub, fam, nil)
	if desc == "" {
		return nil
	}
	as.revokeFamily(fam, why, true)
	return newErr(400, CodeInvalidGrant, desc).
		because(fmt.Sprintf("refresh token %s is refused: %s. The AS checks the grant behind every refresh token it is shown (OAuth 2.1 section 4.3.1: the grant must still be active), so it revoked family %s now", rt.label, why, fam.label)).
		about(rt.label, fam.label)
}

// endSessionsOf ends sub's live sign-in sessions at the AS, in a stable
// order (one seed, one transcript), so that no browser signs in silently.
func (as *AuthServer) endSessionsOf(sub, why string) int {
	var live []*asSession
	for _, s := range as.sessions {
		if s.sub == sub && s.endedAt.IsZero() {
			live = append(live, s)
		}
	}
	// Map order is random; events must not be.
	slices.SortFunc(live, func(a, b *asSession) int { return a.authTime.Compare(b.authTime)*2 + strings.Compare(a.label, b.label) })
	now := as.env.clock.Now()
	for _, s := range live {
		s.endedAt, s.endedWhy = now, why
		as.env.emit(Event{Kind: KindASSessionEnded, From: ActorAS, Reason: "AS session " + s.label + " ended at " + when(now) + ": " + why,
			Summary: "the next login shows the form"})
	}
	return len(live)
}

// knownSub reports whether sub is a user of this AS.
func (as *AuthServer) knownSub(sub string) bool {
	for _, u := range as.users {
		if u.sub == sub {
			return true
		}
	}
	return false
}

// notice is what the account events say about tokens already out: true of
// every API mode, since which one is running is the API's business.
const accountNotice = "nothing is revoked yet: the AS enforces this at its next check of each grant, a refresh or an introspection; an API that checks access tokens only locally accepts those already issued until their exp"

// disableUser is World.DisableUser under the AS's lock.
func (as *AuthServer) disableUser(sub string) error {
	as.mu.Lock()
	defer as.mu.Unlock()
	if !as.knownSub(sub) {
		return fmt.Errorf("%w: %q", ErrUnknownUser, sub)
	}
	a := as.accountOf(sub)
	if !a.disabledAt.IsZero() {
		return nil // already disabled: nothing happens twice
	}
	a.disabledAt = as.env.clock.Now()
	as.env.emit(Event{Kind: KindAccount, From: ActorAS,
		Reason:  "an administrator disabled " + sub + "'s account at " + when(a.disabledAt),
		Summary: "the AS will refuse " + sub + "'s sign-in and every refresh of " + sub + "'s grants; " + accountNotice})
	as.endSessionsOf(sub, "an administrator disabled "+sub+"'s account")
	return nil
}

// changePassword is World.ChangePassword under the AS's lock.
func (as *AuthServer) changePassword(sub, password string) error {
	as.mu.Lock()
	defer as.mu.Unlock()
	if !as.knownSub(sub) {
		return fmt.Errorf("%w: %q", ErrUnknownUser, sub)
	}
	if password == "" {
		return fmt.Errorf("%w: an empty password", ErrBadPassword)
	}
	a := as.accountOf(sub)
	a.passwordHash = user{}.hashOf(password)
	a.passwordAt = as.env.clock.Now()
	// OAuth 2.1 draft §4.3.3 and RFC 9700 §4.14.2 name "password change"
	// as a security event on which an AS MAY revoke refresh tokens; this AS
	// ends every grant made before it.
	as.endGrants(a, sub, "", endedGrant{"the user's password changed after this grant was made", fmt.Sprintf("%s's password changed at %s, after the sign-in this grant was made under: a credential change is a security event that ends older grants (OAuth 2.1 section 4.3.3, RFC 9700 section 4.14.2)", sub, when(a.passwordAt))})
	as.env.emit(Event{Kind: KindAccount, From: ActorAS,
		Reason:  sub + "'s password was changed at " + when(a.passwordAt) + ": a credential change, a security event (OAuth 2.1 section 4.3.3)",
		Summary: "the old password no longer signs in, and grants made under an older sign-in end at their next refresh; " + accountNotice})
	// Sim policy: a password change signs the user out of the AS
	// everywhere, so that whoever knew the old password and holds a session
	// cannot mint new grants silently ("logout at the authorization server"
	// is the draft's other example of such an event).
	as.endSessionsOf(sub, sub+"'s password was changed")
	return nil
}

// revokeConsent is World.RevokeConsent under the AS's lock.
func (as *AuthServer) revokeConsent(sub, clientID string) error {
	as.mu.Lock()
	defer as.mu.Unlock()
	if !as.knownSub(sub) {
		return fmt.Errorf("%w: %q", ErrUnknownUser, sub)
	}
	if c, ok := as.clients[clientID]; !ok || c.resource {
		return fmt.Errorf("%w: %q", ErrUnknownClient, clientID)
	}
	a := as.accountOf(sub)
	now := as.env.clock.Now()
	as.endGrants(a, sub, clientID, endedGrant{"the user revoked this client's access", fmt.Sprintf("%s revoked client %s's access at %s: the grant is withdrawn", sub, clientID, when(now))})
	as.env.emit(Event{Kind: KindAccount, From: ActorUser, To: ActorAS,
		Reason: sub + " revoked client " + clientID + "'s access at the AS at " + when(now),
		// The AS session is the user's own sign-in, not the app's: it stays.
		Summary: "grants " + clientID + " holds from before now end at their next refresh; " + sub + " stays signed in at the AS, and a new login grants access again (consent is implied at sign-in here); " + accountNotice})
	return nil
}

// DisableUser is an administrator disabling sub's account at the AS
// (Keycloak's "Enabled" switch, Auth0's "block user"): the AS ends the
// user's sign-in sessions and refuses new sign-ins, and the next refresh of
// any of the user's grants fails with invalid_grant. Access tokens already
// issued are not recalled: an API that checks them locally accepts them
// until exp, one that introspects learns at once (RFC 7662 §2.2).
func (w *World) DisableUser(sub string) error { return w.as.disableUser(sub) }

// ChangePassword replaces sub's password (a credential change): the old
// one no longer signs in, the user's AS sessions end, and grants made under
// a sign-in before the change fail at their next refresh (OAuth 2.1 draft
// §4.3.3, RFC 9700 §4.14.2).
func (w *World) ChangePassword(sub, password string) error {
	return w.as.changePassword(sub, password)
}

// RevokeConsent is the user withdrawing clientID's access at the AS (an
// account page's "remove access"): grants the client holds from before it
// fail at their next refresh, and introspection reports their access tokens
// inactive. The user's AS session stays.
func (w *World) RevokeConsent(sub, clientID string) error {
	return w.as.revokeConsent(sub, clientID)
}

// grantEndedFor is grantEnded for the grant an access token belongs to.
func (as *AuthServer) grantEndedFor(at *accessRecord) (desc, why string) {
	return as.grantEnded(at.sub, at.fam, nil)
}
