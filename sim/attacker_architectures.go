package sim

import "strings"

// CompareArchitectures says, from the engine's own rules (Reaches,
// CheckRide), what an injected script gets under each browser
// architecture: what it takes away, what it can do while it runs, and
// what is left once it is gone. It sends no request and changes nothing:
// a lesson runs in one world, and this puts the other two beside it.
func (a *Attacker) CompareArchitectures() Outcome {
	var parts []string
	pol := a.env.policy()
	// A browser-only app is a public client: whether it holds a refresh
	// token at all is the policy's (RFC 9700 §2.2.2; Google issues none to
	// a single-page app), asked of the issuance rule itself for a login
	// with the app's DefaultScope. A backend is a confidential client.
	spaRefresh, _ := pol.IssuesRefresh(KindSPA, strings.Contains(DefaultScope, "offline_access"))
	for _, s := range TopologyOAuth.Architectures() {
		access, _ := SourceScript.Reaches(TokenAccess, s, TopologyOAuth)
		refresh, _ := SourceScript.Reaches(TokenRefresh, s, TopologyOAuth)
		gives, rideErr := TopologyOAuth.CheckRide(s)
		browserOnly := rideErr != nil
		if browserOnly && !spaRefresh {
			refresh = false
		}
		p := s.Architecture() + ": "
		switch {
		case access && refresh:
			p += "it can take both the access and the refresh token"
		case access && browserOnly:
			p += "it can take the access token; this policy issues the page no refresh token to take"
		case access:
			p += "it can take the access token, never the refresh token"
		default:
			p += "it takes no token"
		}
		switch {
		case browserOnly:
			// RFC 10017's acquisition of new tokens: the page is a public
			// client, so the script can run an authorization of its own
			// through the AS session cookie (attacker.silent-login).
			p += "; while it runs and Alice's session at the AS lives, it can run a silent login of its own and redeem the code for fresh tokens"
		case gives == TokenAccess:
			p += "; while it runs, it rides the session cookie for fresh access tokens"
		default:
			p += "; while it runs, it rides the session cookie: the BFF calls the API for it with its own token"
		}
		switch {
		case refresh:
			p += "; once it is gone, a stolen refresh token still mints access tokens for the attacker until the AS stops it"
		case access:
			p += "; once it is gone, what it took works until the access token's exp"
		default:
			p += "; once it is gone, the attacker has nothing left"
		}
		parts = append(parts, p)
	}
	why := "the same injected script under each browser architecture (the engine's reach rule): " + strings.Join(parts, ". ")
	a.env.emit(Event{Kind: KindClientNote, From: ActorAttacker, To: ActorApp, Summary: why})
	return Outcome{Reason: why}
}
