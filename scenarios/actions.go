package scenarios

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// param describes one parameter of an action.
type param struct {
	name     string
	required bool
	def      string   // default when omitted
	values   []string // allowed values; nil means free text checked by check
	check    func(string) error
	doc      string
}

// action is one thing a step can do.
type action struct {
	name   string
	doc    string
	params []param
	run    func(w *sim.World, p map[string]string) sim.Outcome
}

var (
	methods  = []string{http.MethodGet, http.MethodPost}
	apiNames = []string{"api", "billing"}
)

var (
	pMethod = param{name: "method", def: http.MethodGet, values: methods, doc: "HTTP method"}
	pPath   = param{name: "path", required: true, check: checkPath, doc: "API path, e.g. /api/orders"}
)

// actions is the catalogue of step actions, by name.
var actions = map[string]*action{
	"login": {name: "login", doc: "the user logs in through the app (authorization code + PKCE; first-party: POST /auth/login); with a live AS session, without the form",
		params: []param{
			{name: "user", def: sim.DemoUser, doc: "username"},
			{name: "password", def: sim.DemoPassword, doc: "password"},
			{name: "scope", doc: "requested scope; default " + sim.DefaultScope},
			{name: "prompt", values: []string{"none", "login"}, doc: "OIDC prompt: none (no page: login_required without an AS session) or login (the form, session or not)"},
			{name: "max_age", check: checkMaxAge, doc: "OIDC max_age in seconds: a sign-in older than this shows the form"},
			pResource("the API the login asks access for (RFC 8707 resource); default none named"),
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.App().LoginWith(sim.LoginOptions{User: p["user"], Password: p["password"], Scope: p["scope"], Prompt: p["prompt"], MaxAge: p["max_age"], Resource: apiOrigin(p["resource"])})
		}},
	"call": {name: "call", doc: "the app calls an API with the access token it holds for it (for its own API, refreshing silently when it must)",
		params: []param{pMethod, pPath, {name: "api", def: "api", values: apiNames, doc: "which API: api, or billing with the token a refresh for resource billing got"}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.App().CallAt(otherAPI(p["api"]), p["method"], p["path"])
		}},
	"refresh": {name: "refresh", doc: "the app refreshes now; with resource, for a token for that API (RFC 8707), with scope, a narrower one (RFC 6749 section 6)",
		params: []param{
			pResource("the API the new access token is for (RFC 8707 resource); the app keeps it beside its own"),
			{name: "scope", doc: "a narrower scope for the new access token (RFC 6749 section 6); default the grant's"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			if p["resource"] == "" && p["scope"] == "" {
				return w.App().Refresh()
			}
			return w.App().RefreshFor(apiOrigin(p["resource"]), p["scope"])
		}},
	"logout": {name: "logout", doc: "the app revokes its refresh token (RFC 7009) and forgets its tokens; the AS session lives on",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.App().Logout() }},
	"forget": {name: "forget", doc: "the app's own logout: it forgets its tokens and tells nobody",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.App().Forget() }},
	"end-session": {name: "end-session", doc: "RP-initiated logout: the app forgets its tokens and sends the browser to the AS's end_session_endpoint, which ends the AS session (oauth topology only)",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.App().EndSession() }},
	"attacker.silent-login": {name: "attacker.silent-login", doc: "injected script drives a silent authorization (prompt=none) from the page, riding the AS session cookie it cannot read, and redeems the code for tokens of its own (oauth topology only)",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.Attacker().SilentLogin() }},
	"advance": {name: "advance", doc: "the virtual clock moves forward",
		params: []param{
			{name: "by", check: checkDuration, doc: "how far: 90s, 15m, 1h, 30d"},
			{name: "until", values: []string{untilAccessExpiry}, doc: "access-expiry: just past the app's access token's exp plus leeway, whatever the preset"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			d, _ := text.ParseDuration(p["by"]) // validated
			if p["until"] == untilAccessExpiry {
				d = untilExpiry(w)
			}
			_ = w.Advance(d)
			return sim.Outcome{}
		}},
	"steal": {name: "steal", doc: "the attacker copies one of the app's tokens from a position",
		params: []param{
			{name: "from", required: true, values: text.Names(sim.Sources()), doc: "where the attacker is"},
			{name: "token", required: true, values: []string{"access", "refresh"}, doc: "which token"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.Attacker().Steal(sim.Source(p["from"]), sim.TokenKind(p["token"]))
		}},
	"attacker.call": {name: "attacker.call", doc: "the attacker calls the API with the access token it holds",
		params: []param{pMethod, pPath,
			{name: "scheme", def: string(sim.PresentAuto), values: text.Names(sim.Presentations()), doc: "how it presents a DPoP-bound token: auto, bearer (downgrade), dpop (its own key), replay (a captured proof)"}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.Attacker().CallAPIAs(p["method"], p["path"], sim.Presentation(p["scheme"]))
		}},
	"attacker.forge": {name: "attacker.forge", doc: "the attacker forges an access token without the AS's key and calls the API with it",
		params: []param{
			{name: "forgery", required: true, values: text.Names(sim.Forgeries()), doc: "how the token is forged"},
			pMethod, pPath,
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.Attacker().Forge(sim.Forgery(p["forgery"]), p["method"], p["path"])
		}},
	"race": {name: "race", doc: "several tabs of the app, sharing one token store, refresh at the same moment",
		params: []param{{name: "tabs", def: "2", check: checkTabs, doc: "how many tabs, " + strconv.Itoa(sim.MinRaceTabs) + " to " + strconv.Itoa(sim.MaxRaceTabs)}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			n, _ := strconv.Atoi(p["tabs"]) // validated
			outs, err := w.RaceRefresh(n)
			if err != nil {
				return sim.Outcome{Error: sim.CodeBadRequest, Reason: err.Error()}
			}
			return raceOutcome(outs)
		}},
	"attacker.refresh": {name: "attacker.refresh", doc: "the attacker uses the refresh token it holds at the token endpoint",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.Attacker().Refresh() }},
	"attacker.ride": {name: "attacker.ride", doc: "injected script rides the page's session cookie while it runs: first-party, the page calls /auth/refresh and the script exfiltrates the new access token; BFF (storage cookie), the browser calls the API through the BFF, which adds its own token; token-mediating, the backend hands the script a fresh access token",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.Attacker().RideSession() }},
	"attacker.compare-architectures": {name: "attacker.compare-architectures", doc: "the engine's reach rule says what the same injected script gets under each browser architecture (browser-only, token-mediating, BFF): what it takes, what it can do while it runs, what is left once it is gone; no request, nothing changes",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.Attacker().CompareArchitectures() }},
	"attacker.script-gone": {name: "attacker.script-gone", doc: "the injected script no longer runs in the user's page (the tab was closed, or the injection was fixed): what it took away stays, riding and silent logins stop",
		run: func(w *sim.World, _ map[string]string) sim.Outcome { return w.Attacker().ScriptGone() }},
	"present": {name: "present", doc: "the app (wrongly) presents one of its tokens as a bearer token at an API",
		params: []param{
			{name: "token", required: true, values: []string{"access", "refresh", "id"}, doc: "which token"},
			{name: "api", def: "api", values: apiNames, doc: "which API: api, or billing (another audience)"},
			pMethod, pPath,
			{name: "for", values: apiNames, doc: "with token access: the access token the app got for this API (api, or billing after a refresh for resource billing)"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			if p["for"] != "" {
				return w.App().PresentFor(apiOrigin(p["api"]), p["method"], p["path"], otherAPI(p["for"]))
			}
			return w.App().Present(apiOrigin(p["api"]), p["method"], p["path"], sim.TokenKind(p["token"]))
		}},
	"refresh-with": {name: "refresh-with", doc: "the app (wrongly) sends another token to the token endpoint as its refresh token",
		params: []param{{name: "token", required: true, values: []string{"access", "id"}, doc: "which token"}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.App().RefreshUsing(sim.TokenKind(p["token"]))
		}},
	"admin-revoke": {name: "admin-revoke", doc: "an administrator revokes all of a user's sessions at the AS",
		params: []param{{name: "user", def: sim.DemoUser, check: checkUser, doc: "whose sessions"}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			n := w.AdminRevoke(p["user"])
			// An administrator's action at the AS, not an HTTP request: no status.
			return sim.Outcome{Reason: fmt.Sprintf("%d grant(s) revoked with their tokens; %s's sign-in sessions at the AS ended", n, p["user"])}
		}},
	"service.token": {name: "service.token", doc: "a machine client, the service, gets an access token for itself with the client credentials grant: its own id and secret over HTTP Basic, no user, no refresh token (RFC 6749 section 4.4; oauth topology only)",
		params: []param{
			{name: "scope", doc: "requested scope; default orders:read, the service's registered default"},
			{name: "secret", def: sim.DemoServiceSecret, doc: "the secret it sends; a wrong one gets 401 invalid_client"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return w.Service().TokenWith(p["scope"], p["secret"])
		}},
	"service.call": {name: "service.call", doc: "the service calls the API with its access token, asking the AS for a new one first when it has none or it expired (there is no refresh token; oauth topology only)",
		params: []param{pMethod, pPath},
		run:    func(w *sim.World, p map[string]string) sim.Outcome { return w.Service().Call(p["method"], p["path"]) }},
	"admin-disable": {name: "admin-disable", doc: "an administrator disables a user's account at the AS: sign-in refused, AS sessions ended, and the next refresh of any of the user's grants fails; access tokens already issued are not recalled",
		params: []param{{name: "user", def: sim.DemoUser, check: checkUser, doc: "whose account"}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			// An administrator's action at the AS, not an HTTP request: no status.
			return accountOutcome(w.DisableUser(p["user"]), p["user"]+"'s account is disabled at the AS")
		}},
	"change-password": {name: "change-password", doc: "the user's password is changed at the AS (a credential change): the old one no longer signs in, the user's AS sessions end, and grants from an earlier sign-in fail at their next refresh",
		params: []param{
			{name: "user", def: sim.DemoUser, check: checkUser, doc: "whose password"},
			{name: "password", def: "looking-glass", doc: "the new password"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return accountOutcome(w.ChangePassword(p["user"], p["password"]), p["user"]+"'s password is changed at the AS")
		}},
	"revoke-consent": {name: "revoke-consent", doc: "the user withdraws the app's access at the AS: the app's grants fail at their next refresh; the user stays signed in at the AS",
		params: []param{{name: "user", def: sim.DemoUser, check: checkUser, doc: "whose consent"}},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			return accountOutcome(w.RevokeConsent(p["user"], w.App().ID()), p["user"]+" withdrew client "+w.App().ID()+"'s access at the AS")
		}},
	"set": {name: "set", doc: "change a policy knob mid-scenario (what-if in the middle of a story)",
		params: []param{
			{name: "key", required: true, check: checkKnob, doc: "policy key, see `tokensim run --help`"},
			{name: "value", required: true, doc: "its new value"},
		},
		run: func(w *sim.World, p map[string]string) sim.Outcome {
			if err := w.Set(p["key"], p["value"]); err != nil {
				return sim.Outcome{Error: "bad_setting", Reason: err.Error()} // the validator rules this out
			}
			return sim.Outcome{}
		}},
}

// accountOutcome is an account action's outcome: what happened, or why it
// could not (an unknown user, which the validator rules out).
func accountOutcome(err error, done string) sim.Outcome {
	if err != nil {
		return sim.Outcome{Error: sim.CodeBadRequest, Reason: err.Error()}
	}
	return sim.Outcome{Reason: done + "; nothing is revoked until the AS next checks a grant (a refresh or an introspection)"}
}

func checkTabs(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || sim.RaceTabs(n) != nil {
		return fmt.Errorf("want a number of tabs from %d to %d, got %q", sim.MinRaceTabs, sim.MaxRaceTabs, v)
	}
	return nil
}

// raceOutcome sums up a race as one step's outcome: the first tab that
// lost, if one did (that is what the lesson is about), else the last tab.
func raceOutcome(outs []sim.Outcome) sim.Outcome {
	for i, o := range outs {
		if !o.OK() {
			o.Reason = fmt.Sprintf("tab %d of %d: %s", i+1, len(outs), o.Reason)
			return o
		}
	}
	o := outs[len(outs)-1]
	if len(outs) == 2 {
		o.Reason = "both tabs got new tokens" // not "all 2 tabs"
	} else {
		o.Reason = fmt.Sprintf("all %d tabs got new tokens", len(outs))
	}
	return o
}

// untilAccessExpiry makes a lesson independent of the preset's lifetimes,
// so that `tokensim compare` compares policies, not timings.
const untilAccessExpiry = "access-expiry"

// untilExpiry is how far the clock must move for the access token the app
// holds (or, failing that, the attacker's) to be refused everywhere: past
// the moment the API stops accepting it (sim.Policy.AcceptedUntil), by one
// second.
func untilExpiry(w *sim.World) time.Duration {
	snap := w.Inspect()
	var exp time.Time
	for _, t := range snap.Tokens {
		if t.Kind == "access" && (exp.IsZero() || t.Holder == sim.ActorApp) {
			exp = t.ExpiresAt
		}
	}
	if exp.IsZero() {
		return 0
	}
	return max(0, snap.Policy.AcceptedUntil(exp).Add(time.Second).Sub(snap.Time))
}
