package sim

import (
	"crypto/sha256"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// TokenState is where a token stands, in words the learner reads.
type TokenState string

// The states a token can be in.
const (
	StateActive  TokenState = "active"
	StateExpired TokenState = "expired"
	StateRotated TokenState = "rotated" // retired by rotation: presenting it again is reuse
	StateRevoked TokenState = "revoked"
	StateUsed    TokenState = "used" // an authorization code after its one redemption
)

// family is one login's grant: every refresh token rotated from the first,
// and every access token minted under it (RFC 9700 §4.14.2 calls it the
// token family; fosite calls it the request id). Revoking a family is how
// reuse detection punishes a stolen refresh token.
type family struct {
	label     string // f-1
	clientID  string
	sub       string
	scope     string     // the scope granted at login; refresh never widens it
	authTime  time.Time  // when the user signed in: auth_time, which a silent login carries over from the AS session
	start     time.Time  // when this grant began (the login that made the code): its absolute lifetime counts from here
	absExpiry time.Time  // zero: no absolute lifetime. Stamped at login: rotation does not extend it.
	session   *asSession // the AS session the grant was made under; nil in the first-party topology
	code      *codeRecord
	jkt       string // the DPoP key its refresh tokens are bound to (RFC 9449 §5); "" = unbound
	offline   bool   // its refresh tokens are offline tokens (Policy.OfflineTokens): the offline_* lifetimes bound them
	// resource is the resource its authorization request named (RFC 8707
	// §2.1), to which its access tokens are confined; "" when it named
	// none, and then any resource the AS serves (as_resource.go).
	resource string

	refresh []*refreshRecord // in issue order
	access  []*accessRecord
	// prev is the token most recently retired by an ordinary rotation: the
	// only one the grace interval may forgive (checklist item 27).
	prev *refreshRecord

	revokedAt  time.Time
	revokedWhy string
}

func (f *family) revoked() bool { return !f.revokedAt.IsZero() }

// idle is the idle lifetime of the family's refresh tokens under pol, read
// at use (like every knob but the absolute lifetime, which login stamps), and
// its name in reasons.
func (f *family) idle(pol Policy) (time.Duration, string) {
	if f.offline {
		return pol.OfflineIdle, "offline idle lifetime"
	}
	return pol.RefreshIdle, "idle lifetime"
}

// current returns the family's active refresh token, or nil.
func (f *family) current() *refreshRecord {
	for i := len(f.refresh) - 1; i >= 0; i-- {
		if f.refresh[i].state == StateActive {
			return f.refresh[i]
		}
	}
	return nil
}

// refreshRecord is what the AS keeps of a refresh token: its hash (the
// value itself is never stored, RFC 6749 §10.10 / RFC 9700 §4.14), its
// lineage and its state.
type refreshRecord struct {
	label     string // rt-3
	hash      [32]byte
	fam       *family
	issuedAt  time.Time
	lastUsed  time.Time // idle lifetime counts from here
	state     TokenState
	changedAt time.Time // when it stopped being active
	why       string    // why it stopped being active
	parent    *refreshRecord
	successor *refreshRecord
}

// accessRecord is what the AS remembers of an access token it signed, so
// that revocation and introspection can find it by jti.
type accessRecord struct {
	label      string // at-2
	jti        string
	fam        *family
	clientID   string
	sub        string
	scope      string
	aud        string
	jkt        string // cnf.jkt: the DPoP key it is bound to; "" for a bearer token
	iat, exp   time.Time
	revokedAt  time.Time
	revokedWhy string
}

func (a *accessRecord) revoked() bool { return !a.revokedAt.IsZero() }

// codeRecord is an authorization code and everything it is bound to
// (RFC 6749 §4.1.2, §10.5; RFC 7636 §4.4).
type codeRecord struct {
	label        string
	hash         [32]byte
	clientID     string
	redirectURI  string
	redirectSent bool // redirect_uri was in the authorization request (§4.1.3)
	challenge    string
	method       string
	scope        string
	resource     string // the resource parameter of its authorization request (RFC 8707 §2.1); "" for none
	jkt          string // dpop_jkt of its authorization request: the DPoP key it must be redeemed with (RFC 9449 §10); "" for none
	nonce        string
	sub          string
	authTime     time.Time  // the sign-in's time, from the AS session: the ID token's auth_time (OIDC Core §2)
	issued       time.Time  // when the code was issued
	session      *asSession // the sign-in session it was issued under
	exp          time.Time
	usedAt       time.Time
	fam          *family // the grant its redemption created, revoked on replay
}

func hashToken(v string) [32]byte { return sha256.Sum256([]byte(v)) }

// clock formats a time the way reasons quote it: the time of day in the
// world, which is what a learner watching the clock sees.
func clockTime(t time.Time) string { return t.UTC().Format("15:04:05") }

// when formats a time in reasons, with the date when it is not the day the
// world started (FormatTime from Epoch).
func when(t time.Time) string { return text.FormatTime(t, Epoch()) }

// whenDay formats a time with its date, for reasons that span days (idle
// and absolute lifetimes), where a bare time of day would be ambiguous.
func whenDay(t time.Time) string { return text.FormatDate(t, Epoch()) }
