package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

const day = 24 * time.Hour

// Preset is a named policy modelled on a vendor's documented defaults, so
// that a learner can compare them side by side.
type Preset struct {
	Name    string
	Summary string
	Source  string // where the figures come from
	Policy  Policy
	// Notes say where the preset departs from the vendor (a figure modelled
	// differently, a behaviour the simulator does not have) and which
	// figures could not be verified; `tokensim presets` prints them. Each
	// begins "approximated:", "unverified:" or "not modelled:".
	Notes []string
	// Session says where the AS-session figures (session_idle,
	// session_max, logout_revokes_refresh) come from, with "unverified" or
	// "not modelled" where that is the truth: `tokensim presets` shows it.
	Session string
}

// base carries what every preset shares unless it says otherwise: the
// simulator's own choices, not a vendor's.
func base() Policy {
	return Policy{
		Leeway:         30 * time.Second, // sim policy: checklist item 52
		CodeTTL:        60 * time.Second, // sim policy: checklist item 9 (RFC 6749 §4.1.2 allows up to 10 min)
		APIMode:        ModeStateless,
		Alg:            jose.RS256,
		RefreshSkew:    30 * time.Second,
		PublicRefresh:  true,
		BrowserRefresh: true,
	}
}

// Presets returns every preset, the default first. Each call builds fresh
// values: callers may change them freely.
func Presets() []Preset {
	tokensim := base()
	tokensim.AccessTTL = 15 * time.Minute
	tokensim.RefreshAbsolute = 30 * day
	tokensim.RefreshIdle = 7 * day
	tokensim.Rotation, tokensim.ReuseDetection, tokensim.RevokeAccessOnReuse = true, true, true
	// The AS session: our choice, modelled on Keycloak's realm defaults
	// (SSO Session Idle 30 min, SSO Session Max 10 h). Logging out at the AS
	// ends what was granted under the session, as Keycloak does for its
	// session-bound refresh tokens.
	tokensim.SessionIdle, tokensim.SessionMax = 30*time.Minute, 10*time.Hour
	tokensim.LogoutRevokesRefresh = true

	// Auth0: access-token lifetime 86,400 s is the default API setting
	// (docs: update-access-token-lifetime). Rotating refresh tokens have an
	// absolute lifetime of 2,592,000 s that rotation does not extend
	// (configure-refresh-token-expiration), rotation with breach detection
	// and a reuse interval ("leeway") of 0 by default
	// (configure-refresh-token-rotation). UNVERIFIED: the inactivity
	// (idle) default; we leave idle off rather than guess. Auth0 has no
	// introspection endpoint for its JWTs, so revoking the family does not
	// recall access tokens already issued.
	auth0 := base()
	auth0.AccessTTL = 24 * time.Hour
	auth0.RefreshAbsolute = 30 * day
	auth0.Rotation, auth0.ReuseDetection = true, true
	// Auth0's session (auth0.com/docs/manage-users/sessions/session-lifecycle,
	// configure-session-lifetime-settings): an idle timeout reset by every
	// visit to /authorize (silent authentication included) and an absolute
	// one. UNVERIFIED: the tenant defaults of 3 d inactivity and 7 d
	// absolute (the docs we could check give only the plan limits: 3 d / 30
	// d on Essential and Professional). Logging out of Auth0 ends the
	// session; we found no documented revocation of refresh tokens with it
	// (UNVERIFIED), so logout_revokes_refresh is off.
	auth0.SessionIdle, auth0.SessionMax = 3*day, 7*day

	// Okta (org authorization server): access token 1 h; refresh token 90 d
	// with no idle window; a rotated token keeps its predecessor's expiry
	// (support: token lifetimes). Rotation is the default for SPAs with a
	// 30 s grace period; on reuse Okta invalidates the latest refresh token
	// and all access tokens issued since login (developer.okta.com
	// refresh-token-rotation). UNVERIFIED: the maximum grace period.
	okta := base()
	okta.AccessTTL = time.Hour
	okta.RefreshAbsolute = 90 * day
	okta.Rotation, okta.ReuseDetection, okta.RevokeAccessOnReuse = true, true, true
	okta.ReuseGrace = 30 * time.Second
	// Okta's default global session policy: "the default session lifetime
	// is two hours", an idle time (help.okta.com, HealthInsight "Enforce a
	// limited session lifetime"). UNVERIFIED: the default maximum lifetime
	// (the policy offers "No time limit"; we model none) and whether
	// signing out revokes refresh tokens (modelled: it does not).
	okta.SessionIdle = 2 * time.Hour

	// Keycloak realm defaults (Constants.java: DEFAULT_ACCESS_TOKEN_LIFESPAN
	// 300, DEFAULT_SESSION_IDLE_TIMEOUT 1800, DEFAULT_SESSION_MAX_LIFESPAN
	// 36000, DEFAULT_OFFLINE_SESSION_IDLE_TIMEOUT 2592000,
	// DEFAULT_OFFLINE_SESSION_MAX_LIFESPAN 5184000 used only when "Offline
	// Session Max Limited" is on, which it is not by default; Server
	// Administration Guide, "Offline access"). A login without
	// offline_access still gets a refresh token, bound to the SSO session
	// (idle 30 min, max 10 h); with offline_access it gets an offline token
	// that ignores the SSO session: 30 days idle, no maximum.
	// revokeRefreshToken is false, so no rotation (max reuse 0 when on).
	keycloak := base()
	keycloak.AccessTTL = 300 * time.Second
	keycloak.RefreshIdle = 1800 * time.Second
	keycloak.RefreshAbsolute = 36000 * time.Second
	keycloak.RefreshWithoutOffline = true
	keycloak.OfflineTokens = true
	keycloak.OfflineIdle = 30 * day
	// The same SSO session bounds the AS session: SSO Session Idle 30 min,
	// SSO Session Max 10 h (Server Administration Guide, "Session and
	// token timeouts"). Keycloak also resets the idle timer on a refresh;
	// tokensim resets it only at /authorize (not modelled). Logout ends the
	// user session and with it its session-bound refresh tokens ("offline"
	// tokens survive; the offline distinction is not modelled here).
	keycloak.SessionIdle, keycloak.SessionMax = 30*time.Minute, 10*time.Hour
	keycloak.LogoutRevokesRefresh = true

	// Spring Authorization Server TokenSettings defaults: access token 5 min,
	// self-contained (JWT); refresh token 60 min; reuseRefreshTokens true,
	// so no rotation.
	//
	// It issues no refresh token to a public client (client authentication
	// method NONE): spring-authorization-server gh-296 / PR #379; gh-297:
	// "no plans to implement refresh tokens for Public Clients". A
	// single-page app logs in again when its access token expires.
	spring := base()
	spring.AccessTTL = 5 * time.Minute
	spring.RefreshAbsolute = 60 * time.Minute
	spring.PublicRefresh = false
	// Its sign-in session is Spring Security's HTTP session, whose lifetime
	// the servlet container sets: not modelled (no limit here).

	// ORY Hydra / fosite: access token 1 h; rotating refresh tokens with a
	// grace period of 0; reuse revokes the whole chain, access tokens
	// included (fosite flow_refresh.go). Refresh lifetime: ttl.refresh_token
	// defaults to 720 h (ory/hydra driver/config/provider.go:
	// DurationF(KeyRefreshTokenLifespan, time.Hour*720)).
	hydra := base()
	hydra.AccessTTL = time.Hour
	hydra.RefreshAbsolute = 30 * day
	hydra.Rotation, hydra.ReuseDetection, hydra.RevokeAccessOnReuse = true, true, true
	// Hydra's login session is remembered as the login app decides
	// (remember, remember_for): not modelled (no limit here).

	// Google (developers.google.com/identity/protocols/oauth2, "Refresh
	// token expiration"): access token 3,600 s; refresh tokens have no
	// fixed expiry, die after six months unused or on revocation, and do not
	// rotate. "Six months" is modelled as 183 days. They go to web-server
	// and installed apps that ask with access_type=offline; the client-side
	// (JavaScript) flow gets none (developers.google.com/identity/protocols/
	// oauth2/javascript-implicit-flow: for "applications that access APIs
	// only while the user is present"), so the single-page app gets none.
	// The same page: "a limit of 100 refresh tokens per Google Account per
	// OAuth 2.0 client ID" (the oldest is invalidated without warning), and
	// an external app in "Testing" status "is issued a refresh token
	// expiring in 7 days" unless it asked only for name, email and profile.
	google := base()
	google.AccessTTL = 3600 * time.Second
	google.RefreshIdle = 183 * day
	google.BrowserRefresh = false
	// The Google Account session: no published lifetime; not modelled (no
	// limit here).

	// Microsoft Entra ID (learn.microsoft.com/entra/identity-platform/
	// access-tokens#token-lifetime): an access token's default lifetime is
	// "a random value ranging between 60-90 minutes (75 minutes on
	// average)"; the simulator's lifetimes are fixed, so 75 min. Refresh
	// tokens (…/refresh-tokens): "24 hours for single page apps and 90 days
	// for all other scenarios"; a single-page app's "expire after 24 hours.
	// Additional refresh tokens acquired using the initial refresh token
	// carry over that expiration time" (not sliding: the family's absolute
	// lifetime); "Refresh tokens replace themselves with a fresh token upon
	// every use. The Microsoft identity platform doesn't revoke old refresh
	// tokens when used to fetch new access tokens" (RotationKeepsOld, no
	// reuse detection). Not configurable. A refresh token needs the
	// offline_access scope (…/scopes-oidc, "offline_access"; MSAL adds it
	// itself).
	entra := base()
	entra.AccessTTL = 75 * time.Minute
	entra.RefreshAbsolute = 24 * time.Hour
	entra.Rotation, entra.RotationKeepsOld = true, true

	// Amazon Cognito user pools (developer guide, "Refresh tokens"): "By
	// default, the refresh token expires 30 days after your application
	// user signs into your user pool" (60 min to 10 years); the code grant
	// returns "ID, access, and refresh tokens" (token endpoint page), no
	// offline_access needed. Rotation is opt-in per app client
	// (RefreshTokenRotationType Feature ENABLED | DISABLED); when on, "the
	// original refresh token … can remain valid for a period of time of up
	// to 60 seconds" (RetryGracePeriodSeconds 0–60, no documented default)
	// and the new token "is valid for the remaining time of the original".
	// No reuse detection is documented: a replay past the grace is refused.
	cognito := base()
	cognito.AccessTTL = time.Hour
	cognito.RefreshAbsolute = 30 * day
	cognito.RefreshWithoutOffline = true

	// Dex (dexidp/dex): access tokens are minted by newIDToken, so they live
	// expiry.idTokens, default 24 h (server.go: value(c.IDTokensValidFor,
	// 24*time.Hour)). Refresh tokens need offline_access (server/handlers.go,
	// handleAuthCode: reqRefresh looks for scopeOfflineAccess); absoluteLifetime
	// and validIfNotUsedFor default to none; rotation is on
	// (disableRotation false) with reuseInterval 0. A replayed token is
	// refused ("refresh token with id … claimed twice",
	// server/refreshhandlers.go) and nothing else happens: the family lives
	// on.
	dex := base()
	dex.AccessTTL = 24 * time.Hour
	dex.Rotation = true

	// Duende IdentityServer (DuendeSoftware/products, Models/Client.cs):
	// AccessTokenLifetime 3600, AbsoluteRefreshTokenLifetime 2592000 (30 d),
	// RefreshTokenExpiration Absolute (Sliding, 1296000 s, is opt-in),
	// RefreshTokenUsage ReUse: no rotation. Refresh tokens need the
	// offline_access scope and AllowOfflineAccess on the client.
	duende := base()
	duende.AccessTTL = 3600 * time.Second
	duende.RefreshAbsolute = 30 * day

	// node-oidc-provider (panva/node-oidc-provider lib/helpers/defaults.js):
	// ttl.AccessToken 3600 s; ttl.RefreshToken 14 days, except that a
	// rotated token of a public web client that is not sender-constrained
	// gets "RotatedRefreshToken.remainingTTL" (an absolute lifetime);
	// issueRefreshToken needs offline_access; rotateRefreshToken rotates
	// such public clients always, others past 70 % of the TTL, none past
	// 365.25 days in total. A consumed refresh token presented again
	// destroys it and revokes the whole grant ("refresh token already used",
	// lib/actions/grants/refresh_token.js), access tokens included.
	nodeOIDC := base()
	nodeOIDC.AccessTTL = 3600 * time.Second
	nodeOIDC.RefreshAbsolute = 14 * day
	nodeOIDC.Rotation, nodeOIDC.ReuseDetection, nodeOIDC.RevokeAccessOnReuse = true, true, true

	// naive: a deliberately weak setup for demos. Day-long access tokens,
	// 90-day refresh tokens, no rotation, a stateless API.
	naive := base()
	naive.AccessTTL = 24 * time.Hour
	naive.RefreshAbsolute = 90 * day
	// Its AS session never ends on its own: no idle, no maximum.

	return []Preset{
		{Name: "tokensim", Session: "30m idle, 10h max, logout revokes refresh tokens: tokensim's choice, after Keycloak's defaults", Summary: "teaching default: 15 min access, rotation with reuse detection", Source: "tokensim's own choice", Policy: tokensim},
		{Name: "auth0", Session: "3d idle, 7d max (tenant defaults, unverified); logout leaves refresh tokens (unverified)", Summary: "24 h access, rotating refresh with breach detection, 30 d absolute", Source: "Auth0 docs", Policy: auth0,
			Notes: []string{"not modelled: Auth0's inactivity (idle) lifetime; its default is unverified, so idle is off"}},
		{Name: "okta", Session: "2h idle (default global session policy); max not modelled (unverified); logout leaves refresh tokens (unverified)", Summary: "org AS: 1 h access, rotation with a 30 s grace, 90 d refresh", Source: "Okta docs (org authorization server)", Policy: okta,
			Notes: []string{"unverified: the maximum grace period"}},
		{Name: "keycloak", Session: "SSO Session Idle 30m, SSO Session Max 10h; logout ends session-bound refresh tokens", Summary: "5 min access, no rotation, offline token 30 d idle (else 30 min / 10 h)", Source: "Keycloak realm defaults", Policy: keycloak,
			Notes: []string{"approximated: a session-bound refresh token dies with the SSO session (idle 30 min, max 10 h); modelled as the token's own idle and absolute lifetimes"}},
		{Name: "spring", Session: "not modelled (the servlet container's HTTP session): no limit", Summary: "5 min access, 60 min refresh, no rotation, none to a public client", Source: "Spring Authorization Server TokenSettings", Policy: spring},
		{Name: "hydra", Session: "not modelled (the login app's remember_for): no limit", Summary: "1 h access, rotation with grace 0, reuse revokes the chain", Source: "ORY Hydra / fosite", Policy: hydra},
		{Name: "google", Session: "not modelled (no published Google Account session lifetime): no limit", Summary: "1 h access, none to a browser app, others die 6 months unused", Source: "Google OAuth 2.0 docs", Policy: google,
			Notes: []string{
				"approximated: Google gives refresh tokens to web-server and installed apps that send access_type=offline; the app's offline_access scope stands for it",
				"approximated: six months unused is modelled as 183 days",
				"not modelled: at most 100 live refresh tokens per Google Account and client (the oldest dies silently), and 7-day refresh tokens for external apps in testing status"}},
		{Name: "entra", Session: "not modelled (Conditional Access sign-in frequency; no default verified): no limit", Summary: "75 min access, 24 h refresh, a new one each use, the old still valid", Source: "Microsoft identity platform docs", Policy: entra,
			Notes: []string{
				"approximated: access tokens live a random 60-90 min; modelled as the 75 min average",
				"approximated: the 24 h is counted from login; Entra counts it from the first refresh token, which follows login by the code's lifetime",
				"not modelled: other apps (the web app too) get 90 d refresh tokens; this preset gives every app the single-page app's 24 h"}},
		{Name: "cognito", Session: "not modelled (the hosted UI's session cookie; no default verified): no limit", Summary: "1 h access, 30 d refresh from sign-in, rotation opt-in (off)", Source: "Amazon Cognito developer guide and API reference", Policy: cognito,
			Notes: []string{
				"unverified: the 1 h access-token default (AWS's reference gives only the unit, hours, and the range, 5 min to 1 day)",
				"unverified: the grace period when rotation is turned on (RetryGracePeriodSeconds 0-60, no documented default; shown as 0)"}},
		{Name: "dex", Session: "not modelled (Dex keeps no login session by default): no limit", Summary: "24 h access, no refresh expiry, rotation, a replay refused, no revocation", Source: "dexidp/dex server code", Policy: dex,
			Notes: []string{"approximated: Dex answers a replayed refresh token with 400 invalid_request; the simulator answers invalid_grant (RFC 6749 section 5.2)"}},
		{Name: "duende", Session: "not modelled (the host's authentication cookie): no limit", Summary: "1 h access, 30 d absolute refresh, no rotation (ReUse)", Source: "Duende IdentityServer Client defaults", Policy: duende,
			Notes: []string{"unverified: ReUse has been the default since v7 (OneTimeOnly before); the current source says ReUse"}},
		{Name: "node-oidc-provider", Session: "not modelled (the Session TTL; no default verified): no limit", Summary: "1 h access, 14 d refresh, public clients rotate, reuse revokes the grant", Source: "panva/node-oidc-provider defaults", Policy: nodeOIDC,
			Notes: []string{"approximated: it rotates only public clients without sender-constraint; a confidential or DPoP-bound client's token rotates past 70 % of its 14 d, and then gets a fresh 14 d; modelled as rotating always within 14 d"}},
		{Name: "naive", Session: "no limit: deliberately weak", Summary: "a weak demo setup: 24 h access, 90 d refresh, no rotation", Source: "deliberately weak", Policy: naive},
	}
}

// LookupPreset returns the preset called name, compared case-insensitively
// as every enum value is ("Okta" is okta); an unknown name's error suggests
// the closest.
func LookupPreset(name string) (Preset, error) {
	var names []string
	for _, p := range Presets() {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Preset{}, fmt.Errorf("%w %q%s (have %s)", ErrUnknownPreset, name, text.DidYouMean(name, names), presetNames())
}

func presetNames() string {
	s := ""
	for i, p := range Presets() {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}

// DefaultPolicy returns the policy of DefaultPreset.
func DefaultPolicy() Policy {
	p, _ := LookupPreset(DefaultPreset)
	return p.Policy
}

// DescribeRefresh says, for a front end's preset table, what refresh token
// an app of this kind gets at login under p when it asks for
// offline_access, and its lifetimes; "none" when it gets none, so that no
// lifetime is ever shown for a token that is not issued. With
// RefreshWithoutOffline it also says what a login without offline_access
// gets.
func (p Policy) DescribeRefresh(kind ClientKind) string {
	issue, offline := p.IssuesRefresh(kind, true)
	if !issue {
		return "none"
	}
	s := lifetimes(p.RefreshAbsolute, p.RefreshIdle)
	if offline {
		s = "offline token: " + lifetimes(p.OfflineAbsolute, p.OfflineIdle)
	}
	switch issue, offline := p.IssuesRefresh(kind, false); {
	case issue && !offline && p.OfflineTokens:
		s += "; without offline_access: " + lifetimes(p.RefreshAbsolute, p.RefreshIdle)
	case issue:
		s += "; issued without offline_access too"
	}
	return s
}

// RefreshLifetimes says p's refresh-token lifetimes in words ("30d
// absolute, 7d idle", "30d idle, no maximum", "no expiry"), whatever client
// the tokens go to: what the first-party backend's cookie lives.
func (p Policy) RefreshLifetimes() string { return lifetimes(p.RefreshAbsolute, p.RefreshIdle) }

// lifetimes writes an absolute and an idle lifetime.
func lifetimes(abs, idle time.Duration) string {
	switch {
	case abs == 0 && idle == 0:
		return "no expiry"
	case abs == 0:
		return text.FormatDuration(idle) + " idle, no maximum"
	case idle == 0:
		return text.FormatDuration(abs) + " absolute"
	}
	return text.FormatDuration(abs) + " absolute, " + text.FormatDuration(idle) + " idle"
}

// DescribeRotation says in words what a refresh does to the refresh token
// presented, and what a replay of a retired one does, under p.
func (p Policy) DescribeRotation() string {
	grace := ""
	if p.ReuseGrace > 0 {
		grace = " (grace " + text.FormatDuration(p.ReuseGrace) + ")"
	}
	switch {
	case !p.Rotation:
		return "no rotation: the same token is used again"
	case p.RotationKeepsOld:
		return "a new refresh token each use; the old one stays valid"
	case p.ReuseDetection && p.RevokeAccessOnReuse:
		return "rotation" + grace + "; reuse revokes the family and its access tokens"
	case p.ReuseDetection:
		return "rotation" + grace + "; reuse revokes the family"
	}
	return "rotation" + grace + "; a replay is refused, the family lives on"
}
