package sim

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// APIMode is how the resource server decides whether an access token is
// still good (curriculum idea 8: revoking does not recall a JWT).
type APIMode string

const (
	// ModeStateless checks the JWT locally: signature, issuer, audience,
	// expiry, scope. Fast, but a revoked token works until it expires.
	ModeStateless APIMode = "stateless"
	// ModeIntrospect asks the AS about every token (RFC 7662): revocation
	// takes effect at once, at the cost of an AS round trip per call.
	ModeIntrospect APIMode = "introspect"
	// ModeDenylist checks locally and also refuses jti values the AS has
	// revoked (RFC 7519 §4.1.7), fed to the API as revocations happen.
	ModeDenylist APIMode = "denylist"
	// ModePushed checks locally and also refuses tokens the AS has pushed
	// a revocation event for (RFC 8417 SET over RFC 8935 push delivery,
	// OpenID CAEP 1.0 session-revoked): one push per revoked token, which
	// arrives push_delay after the revocation (api_pushed.go).
	ModePushed APIMode = "pushed"
)

// APIModes lists the API modes, in the order help text names them.
func APIModes() []APIMode {
	return []APIMode{ModeStateless, ModeIntrospect, ModeDenylist, ModePushed}
}

// maxLeeway is the largest leeway a policy may set: RFC 7519 §4.1.4 says
// "usually no more than a few minutes". The DPoP replay cache remembers
// proofs for as long as this leeway would let them pass (dpopReplay).
const maxLeeway = 5 * time.Minute

// Policy is every knob of the world that a scenario, a preset or a what-if
// replay can turn. The zero value of a duration means "none" where the doc
// says so.
type Policy struct {
	AccessTTL           time.Duration // access-token lifetime (exp − iat)
	RefreshAbsolute     time.Duration // refresh family's absolute lifetime from login; 0 = none
	RefreshIdle         time.Duration // refresh token dies after this long unused; 0 = none
	Rotation            bool          // each refresh returns a new refresh token and retires the old (RFC 9700 §4.14.2)
	ReuseDetection      bool          // a retired refresh token presented again revokes its family
	ReuseGrace          time.Duration // the immediately previous token may be reused within this window; 0 = never
	RevokeAccessOnReuse bool          // family revocation also revokes the family's access tokens (checklist item 26)
	Leeway              time.Duration // clock-skew allowance for exp/nbf/iat (RFC 7519 §4.1.4)
	CodeTTL             time.Duration // authorization-code lifetime (RFC 6749 §4.1.2: ≤10 min)
	APIMode             APIMode       // how the API checks tokens
	Alg                 jose.Alg      // the AS's signing algorithm
	RefreshSkew         time.Duration // the app refreshes proactively this long before exp; 0 = only reactively
	SingleFlight        bool          // concurrent calls in the app share one refresh
	APIClockSkew        time.Duration // the API's clock runs this far ahead (negative: behind) of the AS's
	PublicRefresh       bool          // issue refresh tokens to public clients too (RFC 9700 §2.2.2 allows it with rotation or sender-constraint)
	BrowserRefresh      bool          // with PublicRefresh: issue them to public clients that run in a browser (single-page apps) too; Google does not
	// RefreshWithoutOffline issues a refresh token to a login that did not
	// ask for offline_access. OIDC Core §11 reserves offline_access for
	// access while the user is away; many ASs (Keycloak, Cognito, Spring
	// Authorization Server) issue a refresh token for the code grant anyway.
	RefreshWithoutOffline bool
	// OfflineTokens makes a refresh token issued because offline_access was
	// asked for an "offline" token with its own lifetimes (OfflineIdle,
	// OfflineAbsolute) instead of RefreshIdle and RefreshAbsolute, which
	// then bound only the other, session-bound refresh tokens (Keycloak:
	// Server Administration Guide, "Offline access").
	OfflineTokens   bool
	OfflineIdle     time.Duration // an offline token dies after this long unused; 0 = none (with OfflineTokens)
	OfflineAbsolute time.Duration // an offline token's family lifetime from login; 0 = none (with OfflineTokens)
	// RotationKeepsOld: with Rotation, each refresh returns a new refresh
	// token but leaves the one presented valid until its own expiry, so
	// nothing is ever retired and reuse cannot be detected (Microsoft Entra
	// ID: "doesn't revoke old refresh tokens when used to fetch new access
	// tokens", learn.microsoft.com/entra/identity-platform/refresh-tokens).
	RotationKeepsOld bool
	Validation       Flaws // the API's validation profile: hardened (none) or the flaws of a vulnerable one
	DPoP             bool  // the app proves possession of a key pair; the AS binds tokens to it, the API checks proofs (RFC 9449)
	DPoPNonce        bool  // AS and API require their DPoP nonce in every proof (RFC 9449 §8, §9)
	// The AS's own sign-in session (as_session.go): the cookie that makes the
	// next login silent (OIDC Core §3.1.2.3 lets the AS skip the form).
	SessionIdle          time.Duration // the AS session ends after this long without activity at /authorize; 0 = none
	SessionMax           time.Duration // the AS session ends this long after sign-in, whatever the activity; 0 = none
	LogoutRevokesRefresh bool          // RP-initiated logout also revokes the refresh tokens granted under the ended session
	PushDelay            time.Duration // with api_mode=pushed: how long after a revocation its event reaches the API (api_pushed.go)
}

// knob describes one settable policy field.
type knob struct {
	doc string
	get func(*Policy) string
	set func(*Policy, string) error
}

func durationKnob(doc string, f func(*Policy) *time.Duration) knob {
	return knob{doc,
		func(p *Policy) string { return text.FormatDuration(*f(p)) },
		func(p *Policy, v string) error {
			d, err := text.ParseDuration(v)
			if err != nil {
				return err
			}
			*f(p) = d
			return nil
		}}
}

func boolKnob(doc string, f func(*Policy) *bool) knob {
	return knob{doc,
		func(p *Policy) string { return strconv.FormatBool(*f(p)) },
		func(p *Policy, v string) error {
			b, err := text.ParseBool(v) // true/false, yes/no, on/off, 1/0: the one rule
			if err != nil {
				return err
			}
			*f(p) = b
			return nil
		}}
}

// knobs are the names accepted by Policy.Set (and by `--set key=value`).
var knobs = map[string]knob{
	"access_ttl":              durationKnob("access-token lifetime", func(p *Policy) *time.Duration { return &p.AccessTTL }),
	"refresh_absolute":        durationKnob("refresh absolute lifetime from login (0 = none)", func(p *Policy) *time.Duration { return &p.RefreshAbsolute }),
	"refresh_idle":            durationKnob("refresh idle lifetime (0 = none)", func(p *Policy) *time.Duration { return &p.RefreshIdle }),
	"rotation":                boolKnob("rotate refresh tokens on every refresh", func(p *Policy) *bool { return &p.Rotation }),
	"reuse_detection":         boolKnob("revoke the family when a retired refresh token is reused", func(p *Policy) *bool { return &p.ReuseDetection }),
	"reuse_grace":             durationKnob("window in which the previous refresh token may be reused (0 = never)", func(p *Policy) *time.Duration { return &p.ReuseGrace }),
	"revoke_access_on_reuse":  boolKnob("family revocation also revokes its access tokens", func(p *Policy) *bool { return &p.RevokeAccessOnReuse }),
	"leeway":                  durationKnob("clock-skew leeway for exp/nbf/iat", func(p *Policy) *time.Duration { return &p.Leeway }),
	"code_ttl":                durationKnob("authorization-code lifetime", func(p *Policy) *time.Duration { return &p.CodeTTL }),
	"refresh_skew":            durationKnob("the app refreshes this long before exp (0 = only after a 401)", func(p *Policy) *time.Duration { return &p.RefreshSkew }),
	"single_flight":           boolKnob("concurrent calls share one refresh", func(p *Policy) *bool { return &p.SingleFlight }),
	"public_refresh":          boolKnob("issue refresh tokens to public clients", func(p *Policy) *bool { return &p.PublicRefresh }),
	"browser_refresh":         boolKnob("with public_refresh, issue them to single-page apps too (false: only to installed apps)", func(p *Policy) *bool { return &p.BrowserRefresh }),
	"refresh_without_offline": boolKnob("issue a refresh token to a login that did not ask for offline_access", func(p *Policy) *bool { return &p.RefreshWithoutOffline }),
	"offline_tokens":          boolKnob("offline_access yields an offline token with the offline_* lifetimes; refresh_* then bound session-bound tokens", func(p *Policy) *bool { return &p.OfflineTokens }),
	"offline_idle":            durationKnob("with offline_tokens, an offline token's idle lifetime (0 = none)", func(p *Policy) *time.Duration { return &p.OfflineIdle }),
	"offline_absolute":        durationKnob("with offline_tokens, an offline token's absolute lifetime from login (0 = none)", func(p *Policy) *time.Duration { return &p.OfflineAbsolute }),
	"rotation_keeps_old":      boolKnob("with rotation, the refresh token presented stays valid beside the new one (no reuse can be detected)", func(p *Policy) *bool { return &p.RotationKeepsOld }),
	"dpop":                    boolKnob("DPoP (RFC 9449): the app signs a proof per request and tokens are bound to its key", func(p *Policy) *bool { return &p.DPoP }),
	"dpop_nonce":              boolKnob("AS and API require a server-issued nonce in DPoP proofs (RFC 9449 section 8)", func(p *Policy) *bool { return &p.DPoPNonce }),
	"session_idle":            durationKnob("the AS's sign-in session ends after this long without a visit to /authorize (0 = none)", func(p *Policy) *time.Duration { return &p.SessionIdle }),
	"session_max":             durationKnob("the AS's sign-in session ends this long after sign-in (0 = none)", func(p *Policy) *time.Duration { return &p.SessionMax }),
	"logout_revokes_refresh":  boolKnob("RP-initiated logout (end_session) also revokes the refresh tokens of the ended session", func(p *Policy) *bool { return &p.LogoutRevokesRefresh }),
	"api_clock_skew":          durationKnob("the API's clock offset from the AS's (may be negative)", func(p *Policy) *time.Duration { return &p.APIClockSkew }),
	"push_delay":              durationKnob("with api_mode=pushed, how long a revocation event takes to reach the API", func(p *Policy) *time.Duration { return &p.PushDelay }),
	"api_mode": {"how the API checks tokens: stateless, introspect, denylist or pushed",
		func(p *Policy) string { return string(p.APIMode) },
		func(p *Policy, v string) error {
			m, err := text.Choose(v, text.Names(APIModes()))
			if err != nil {
				return err
			}
			p.APIMode = APIMode(m)
			return nil
		}},
	"api_validation": {"the API's token validation: hardened, vulnerable, or flaws joined by commas (" + strings.Join(flawNameList(), ", ") + ")",
		func(p *Policy) string { return p.Validation.String() },
		func(p *Policy, v string) error {
			fs, err := parseFlaws(v)
			if err != nil {
				return err
			}
			p.Validation = fs
			return nil
		}},
	"alg": {"signing algorithm: RS256, ES256 or EdDSA",
		func(p *Policy) string { return string(p.Alg) },
		func(p *Policy, v string) error {
			a, err := text.Choose(v, text.Names(jose.Algs()))
			if err != nil {
				// No "did you mean": HS256 is not a typo for RS256 but
				// another kind of algorithm (a MAC), which the AS refuses.
				return fmt.Errorf("want %s, got %q", text.OneOf(text.Names(jose.Algs())), v)
			}
			p.Alg = jose.Alg(a)
			return nil
		}},
}

// Knobs lists the names Set accepts, sorted, for help and suggestions.
func Knobs() []string {
	names := make([]string, 0, len(knobs))
	for k := range knobs {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// knobDoc describes a knob in a few words.
func knobDoc(name string) string { return knobs[name].doc }

// Set changes the knob called name. Durations accept Go syntax ("15m",
// "1h30m") plus days ("30d").
func (p *Policy) Set(name, value string) error {
	k, ok := knobs[name]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownKnob, name)
	}
	if err := k.set(p, strings.TrimSpace(value)); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return p.Validate()
}

// Get returns the knob's value as Set would accept it.
func (p *Policy) Get(name string) (string, error) {
	k, ok := knobs[name]
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownKnob, name)
	}
	return k.get(p), nil
}

// Validate reports a policy that cannot run.
func (p *Policy) Validate() error {
	var errs []error
	if p.AccessTTL <= 0 {
		errs = append(errs, errors.New("access_ttl must be positive"))
	}
	for name, d := range map[string]time.Duration{"refresh_absolute": p.RefreshAbsolute, "refresh_idle": p.RefreshIdle,
		"reuse_grace": p.ReuseGrace, "leeway": p.Leeway, "refresh_skew": p.RefreshSkew,
		"offline_idle": p.OfflineIdle, "offline_absolute": p.OfflineAbsolute,
		"session_idle": p.SessionIdle, "session_max": p.SessionMax, "push_delay": p.PushDelay} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s must not be negative", name))
		}
	}
	if p.CodeTTL <= 0 {
		errs = append(errs, errors.New("code_ttl must be positive"))
	}
	if p.Leeway > maxLeeway {
		// RFC 7519 §4.1.4: "usually no more than a few minutes".
		errs = append(errs, errors.New("leeway above 5m defeats expiry (RFC 7519 §4.1.4: usually no more than a few minutes)"))
	}
	switch p.APIMode {
	case ModeStateless, ModeIntrospect, ModeDenylist, ModePushed:
	default:
		errs = append(errs, fmt.Errorf("api_mode %q is not stateless, introspect, denylist or pushed", p.APIMode))
	}
	// Checking the name, not parsing the key: the catalogue's validator
	// asks this for every lesson before the picker's first frame, and the
	// keys are parsed when a world is made (env.go).
	if !slices.Contains(jose.Algs(), p.Alg) {
		errs = append(errs, fmt.Errorf("alg: no demo key for algorithm %q", p.Alg))
	}
	return errors.Join(errs...)
}
