package sim

import (
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// attackerView is the attacker part of a Snapshot: what it holds and what
// it can do with it now.
//
// pushed holds the jti values the API has received a revocation event for
// (api_mode=pushed): until its event arrives, a revoked token still works.
func attackerView(tokens []TokenView, now time.Time, pol Policy, pushed map[string]bool) AttackerView {
	var v AttackerView
	var can, bound, secret []string
	for _, t := range tokens {
		if t.Holder != ActorAttacker {
			continue
		}
		switch t.Kind {
		case "access":
			v.HoldsAccess = true
			// The API accepts a token until exp + leeway; a revoked one only
			// if it checks locally (stateless): introspection and the
			// denylist refuse it at once.
			until := t.AcceptedUntil
			switch {
			case t.Bound != "" && (t.State == StateActive || t.State == StateRevoked) && now.Before(until):
				// RFC 9449 §7: without the app's private key no API accepts it.
				bound = append(bound, t.Label)
			case t.State == StateActive && t.grantEnded && pol.APIMode == ModeIntrospect:
				// RFC 7662 §2.2: the AS answers active: false for a token
				// whose grant has ended (a user disabled): dead at this API.
			case t.State == StateActive && now.Before(until):
				can = append(can, "call the API as the user until "+when(until)+" ("+pol.AcceptedWords()+")")
			case t.State == StateExpired && now.Before(until) && pol.APIMode != ModeIntrospect:
				// Past exp, within the leeway (or an API clock behind the
				// AS's): an API that checks exp itself still takes it; the
				// AS's introspection answers active: false after exp.
				can = append(can, "call the API as the user until "+when(until)+" ("+pol.AcceptedWords()+"), though it expired at "+when(t.ExpiresAt))
			case t.State == StateRevoked && now.Before(until) && pol.APIMode == ModeStateless:
				can = append(can, "call the API as the user until "+when(until)+": it was revoked, but this API checks tokens locally")
			case t.State == StateRevoked && now.Before(until) && pol.APIMode == ModePushed && !pushed[jtiOf(t)]:
				can = append(can, "call the API as the user until the pushed revocation event reaches it (push_delay "+text.FormatDuration(pol.PushDelay)+"), at the latest until "+when(until))
			}
		case "refresh":
			v.HoldsRefresh = true
			switch {
			case t.State == StateActive && t.Bound != "":
				bound = append(bound, t.Label)
			case t.State == StateActive && t.confidential:
				secret = append(secret, t.Label)
			case t.State == StateActive:
				can = append(can, "mint new access tokens at the token endpoint with "+t.Label)
			}
		}
	}
	switch {
	case !v.HoldsAccess && !v.HoldsRefresh:
		v.Summary = "holds nothing"
	case len(can) == 0 && len(bound)+len(secret) > 0:
		v.Summary = "holds " + uselessWithout(bound, secret) + ": can do nothing with them"
	case len(can) == 0:
		v.Summary = "holds only dead tokens: can do nothing"
	default:
		v.Summary = "can " + strings.Join(can, "; and ")
	}
	return v
}
