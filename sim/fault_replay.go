package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
)

// RevokeUserGrants is an administrator revoking every grant of sub at the
// AS (an admin console's "sign out everywhere"; RFC 7009 covers only a
// client revoking its own token): every live family of the user is
// revoked, access tokens included, and the user's AS sessions end
// (AdminRevoke). The next refresh of any of them is invalid_grant naming
// this action (RFC 9700 §4.14.2); access tokens already issued live until
// exp at an API that validates them locally (protocol.md G.113). It
// returns how many families were revoked.
func (w *World) RevokeUserGrants(sub string) (int, error) {
	w.as.mu.Lock()
	known := w.as.knownSub(sub)
	w.as.mu.Unlock()
	if !known {
		return 0, fmt.Errorf("%w: %q", ErrUnknownUser, sub)
	}
	mode := w.env.policy().APIMode
	w.env.emit(Event{Kind: KindFault, From: ActorAS,
		Reason:  "an administrator revokes every grant of " + sub + " and ends " + sub + "'s sessions at the AS: the next refresh of any of them is refused with invalid_grant, and the app must send the user to log in again (RFC 9700 section 4.14.2). Access tokens already issued are revoked at the AS, so introspection refuses them at once, while an API that validates them itself accepts them until exp (RFC 9068 section 4 validates a JWT access token by its signature and times, not by asking the AS); " + apiModeWords(mode),
		Summary: "revoke " + sub + "'s grants, as an administrator would"})
	return w.as.adminRevoke(sub), nil
}

// apiModeWords says what this server's own API does with an access token
// the AS revoked, under mode.
func apiModeWords(mode APIMode) string {
	switch mode {
	case ModeIntrospect:
		return "this server's API introspects, so it refuses them now"
	case ModeDenylist, ModePushed:
		return "this server's API is told (api_mode " + string(mode) + "), so it refuses them"
	}
	return "this server's API validates them itself (api_mode " + string(mode) + ") and accepts them until exp"
}

// ReplayRefresh is the attacker of protocol.md A.78 (RFC 9700 §4.14.2):
// it takes sub's newest live refresh token from the recorded traffic (an
// interceptor's or a leaked log's view) and presents it at the token
// endpoint first, as the client it was issued to. It returns the AS's
// answer to the attacker, and what the app's next refresh will meet.
//
// A confidential client's refresh token is bound to its credentials (RFC
// 6749 §6, §10.4): the attacker has the token, not the secret, so the AS
// refuses it with invalid_client and nothing rotates. A DPoP-bound family
// needs the app's private key (RFC 9449 §5), which the attacker lacks.
func (w *World) ReplayRefresh(sub string) (Outcome, string, error) {
	as := w.as
	as.mu.Lock()
	if !as.knownSub(sub) {
		as.mu.Unlock()
		return Outcome{}, "", fmt.Errorf("%w: %q", ErrUnknownUser, sub)
	}
	var newest *refreshRecord
	for _, f := range as.families {
		if cur := f.current(); f.sub == sub && !f.revoked() && cur != nil && (newest == nil || !cur.issuedAt.Before(newest.issuedAt)) {
			newest = cur
		}
	}
	var client *clientReg
	if newest != nil {
		client = as.clients[newest.fam.clientID]
	}
	as.mu.Unlock()
	if newest == nil {
		return Outcome{}, "", fmt.Errorf("%w: %s holds no live refresh token: log in first (with offline_access where the client needs it)", ErrFault, sub)
	}
	raw := w.recordedRefresh(newest.hash)
	if raw == "" {
		return Outcome{}, "", fmt.Errorf("%w: refresh token %s is no longer in the recorded traffic (the log keeps only its last events)", ErrFault, newest.label)
	}
	fam := newest.fam
	how := "as client " + client.id + ", whose id is no secret (a public client)"
	if !client.public {
		how = "as client " + client.id + ", but without its secret: the attacker stole the token, not the client's credentials"
	}
	w.env.emit(Event{Kind: KindFault, From: ActorAttacker, Token: newest.label, Family: fam.label,
		Reason:  "an operator lets the attacker replay " + sub + "'s newest refresh token " + newest.label + ", taken from the recorded traffic, before the app uses it (RFC 9700 section 4.14.2); it presents it " + how,
		Summary: "the attacker refreshes first"})
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {raw}, "client_id": {client.id}}
	req, _ := http.NewRequest(http.MethodPost, as.issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a := w.attacker
	resp, body, o := a.sendRefresh(req)
	if resp == nil {
		return o, "", fmt.Errorf("%w: the attacker's request failed: %s", ErrFault, o.Reason)
	}
	if resp.StatusCode != http.StatusOK {
		next := "the AS refused the attacker, so nothing rotated: the app's next refresh works as before"
		if !client.public {
			next += "; a confidential client's refresh token is useless without the client's secret (RFC 6749 section 10.4), which the confidential-client-theft lesson shows"
		}
		return o, next, nil
	}
	a.keepTokens(body)
	return o, w.afterReplay(newest.label, fam.label), nil
}

// afterReplay says what the app's next refresh meets once the attacker
// has refreshed with rtLabel, under the policy in force.
func (w *World) afterReplay(rtLabel, famLabel string) string {
	pol := w.env.policy()
	switch {
	case !pol.Rotation:
		return "this policy does not rotate refresh tokens: " + rtLabel + " stays good for the app and the attacker alike, and nothing is detected"
	case pol.RotationKeepsOld:
		return "this policy issues a new refresh token but keeps the old one good: app and attacker both go on refreshing, and nothing is detected"
	case !pol.ReuseDetection:
		return "the attacker now holds the rotated pair; the app's next refresh presents " + rtLabel + " and is refused (already used), but reuse detection is off, so family " + famLabel + " lives on in the attacker's hands"
	}
	s := "the attacker now holds the rotated pair; the app's next refresh presents " + rtLabel + ", which is rotated: the AS detects the reuse and revokes family " + famLabel + ", the attacker's new refresh token with it, and the user must log in again (RFC 9700 section 4.14.2)"
	if pol.ReuseGrace > 0 {
		s += ", unless the app refreshes within the " + text.FormatDuration(pol.ReuseGrace) + " grace interval, which forgives it"
	}
	return s
}

// recordedRefresh finds, newest first, the recorded token response that
// carried the refresh token whose hash is h.
func (w *World) recordedRefresh(h [32]byte) string {
	evs := w.env.log.Events()
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.Kind != KindExchange || e.Exchange == nil || e.Status != http.StatusOK || !strings.HasSuffix(e.Path, "/token") {
			continue
		}
		if v := jsonField(e.Exchange.Response.Body, "refresh_token"); v != "" && hashToken(v) == h {
			return v
		}
	}
	return ""
}
