package sim

import (
	"errors"
	"fmt"
	"time"
)

const day = 24 * time.Hour

// Preset is a named policy modelled on a vendor's documented defaults, so
// that a learner can compare them side by side.
type Preset struct {
	Name    string
	Summary string
	Source  string // where the figures come from
	Policy  Policy
	// Session says where the AS-session figures (session_idle,
	// session_max, logout_revokes_refresh) come from, with "unverified" or
	// "not modelled" where that is the truth: `tokensim presets` shows it.
	Session string
}

// base carries what every preset shares unless it says otherwise: the
// simulator's own choices, not a vendor's.
func base() Policy {
	return Policy{
		Leeway:        30 * time.Second, // sim policy: checklist item 52
		CodeTTL:       60 * time.Second, // sim policy: checklist item 9 (RFC 6749 §4.1.2 allows up to 10 min)
		APIMode:       ModeStateless,
		Alg:           RS256,
		RefreshSkew:   30 * time.Second,
		PublicRefresh: true,
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

	// Keycloak realm defaults: access token 300 s; refresh tokens bounded by
	// SSO Session Idle (1,800 s) and SSO Session Max (36,000 s);
	// revokeRefreshToken is false, so no rotation (max reuse 0 when on).
	keycloak := base()
	keycloak.AccessTTL = 300 * time.Second
	keycloak.RefreshIdle = 1800 * time.Second
	keycloak.RefreshAbsolute = 36000 * time.Second
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
	// included (fosite flow_refresh.go). UNVERIFIED: the refresh lifetime;
	// 720 h is Hydra's configuration default as we recall it, not a figure
	// from our research table.
	hydra := base()
	hydra.AccessTTL = time.Hour
	hydra.RefreshAbsolute = 30 * day
	hydra.Rotation, hydra.ReuseDetection, hydra.RevokeAccessOnReuse = true, true, true
	// Hydra's login session is remembered as the login app decides
	// (remember, remember_for): not modelled (no limit here).

	// Google (developers.google.com/identity/protocols/oauth2): access
	// token 3,600 s; refresh tokens have no fixed expiry, die after six
	// months unused or on revocation, and do not rotate. "Six months" is
	// modelled as 183 days.
	google := base()
	google.AccessTTL = 3600 * time.Second
	google.RefreshIdle = 183 * day
	// The Google Account session: no published lifetime; not modelled (no
	// limit here).

	// naive: a deliberately weak setup for demos. Day-long access tokens,
	// 90-day refresh tokens, no rotation, a stateless API.
	naive := base()
	naive.AccessTTL = 24 * time.Hour
	naive.RefreshAbsolute = 90 * day
	// Its AS session never ends on its own: no idle, no maximum.

	return []Preset{
		{"tokensim", "teaching default: 15 min access, rotation with reuse detection", "tokensim's own choice", tokensim,
			"30m idle, 10h max, logout revokes refresh tokens: tokensim's choice, after Keycloak's defaults"},
		{"auth0", "24 h access, rotating refresh with breach detection, 30 d absolute", "Auth0 docs", auth0,
			"3d idle, 7d max (tenant defaults, unverified); logout leaves refresh tokens (unverified)"},
		{"okta", "1 h access, rotation with a 30 s grace, 90 d refresh", "Okta docs", okta,
			"2h idle (default global session policy); max not modelled (unverified); logout leaves refresh tokens (unverified)"},
		{"keycloak", "5 min access, no rotation, 30 min idle / 10 h max session", "Keycloak realm defaults", keycloak,
			"SSO Session Idle 30m, SSO Session Max 10h; logout ends session-bound refresh tokens"},
		{"spring", "5 min access, 60 min refresh, no rotation", "Spring Authorization Server TokenSettings", spring,
			"not modelled (the servlet container's HTTP session): no limit"},
		{"hydra", "1 h access, rotation with grace 0, reuse revokes the chain", "ORY Hydra / fosite", hydra,
			"not modelled (the login app's remember_for): no limit"},
		{"google", "1 h access, refresh dies after 6 months unused, no rotation", "Google OAuth 2.0 docs", google,
			"not modelled (no published Google Account session lifetime): no limit"},
		{"naive", "a weak demo setup: 24 h access, 90 d refresh, no rotation", "deliberately weak", naive,
			"no limit: deliberately weak"},
	}
}

// DefaultPreset is the preset a world uses when none is named.
const DefaultPreset = "tokensim"

// LookupPreset returns the preset called name.
func LookupPreset(name string) (Preset, error) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("%w %q (have %s)", ErrUnknownPreset, name, presetNames())
}

// ErrUnknownPreset is returned by LookupPreset.
var ErrUnknownPreset = errors.New("unknown preset")

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
