package sim

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// Hosting publishes a world at one real origin, for real HTTP clients
// (`tokensim serve` is built on it). Such a world differs from
// a lesson's in four ways, each deliberate: its issuer is the real origin
// it is reached at, its clock is the host's (a running clock), its entropy
// is crypto/rand and its signing keys are freshly generated, because the
// committed demo keys' private halves are public. It is therefore not a
// deterministic replay, and Config.Seed is ignored. Only the OAuth
// topology can be hosted.
type Hosting struct {
	// Origin is "http://host:port", no trailing slash: the issuer, byte for
	// byte (OIDC Discovery §4.3). The API lives on the same origin under
	// /api/, and its audience is Origin+"/api". DPoP proofs' htu is
	// compared with it (RFC 9449 §4.3), and the AS and the API share one
	// DPoP nonce, as a client keeps one per origin (§8, §9).
	Origin string
	// Now is the wall clock the world's clock runs from (newRunningClock);
	// nil means time.Now. DPoP proofs' iat is checked against it (RFC 9449
	// §4.3 step 11): it is the clients' own clock, while the world's
	// virtual time may run faster and jump.
	Now func() time.Time
	// Speed runs the world's clock this many times as fast as Now (0 means
	// 1), so that lifetimes of minutes pass in seconds; at most
	// MaxClockFactor.
	Speed int
	// Users maps username to password; empty means the demo user
	// alice/wonderland. Each name must pass CheckUserName.
	Users map[string]string
	// LoopbackClient, when set, registers a public native client with this
	// client_id that may redirect to any loopback IP literal on any port
	// (RFC 8252 §7.3): what command-line tools and OAuth libraries
	// listening on an ephemeral port need.
	LoopbackClient string
	// WebRedirectURI and WebPostLogoutURI, when set, replace the
	// confidential client web's registered redirect and post-logout
	// redirect URIs (matched exactly: RFC 9700 §2.1, RP-Initiated Logout
	// 1.0 §3) with pages the host serves. The single-page app client is
	// not registered: its redirect URI is a simulated host no browser can
	// reach.
	WebRedirectURI, WebPostLogoutURI string
	// LogLimit, when positive, bounds the event log to about the last
	// LogLimit events: a server runs for hours, and a lesson's unbounded
	// log would grow with every request.
	LogLimit int
	// CacheSignatures makes the APIs remember the signatures they have
	// verified (api_sigcache.go): real clients repeat their token with every
	// call. A lesson world verifies every request.
	CacheSignatures bool
	// clients are the host's own (AddClient, hosting_clients.go).
	clients []hostedClient
}

// CheckUserName accepts a name for Hosting.Users: it becomes the sub claim
// of the user's tokens, which OpenID Connect Core 1.0 §2 limits to 255
// ASCII characters. Printable ones only, with no space (a name is typed on
// a login form and printed in reasons) and no colon (--user name:password).
func CheckUserName(name string) error {
	if name == "" || len(name) > 255 {
		return fmt.Errorf("user name %q must be 1 to 255 characters long: it becomes the sub claim (OpenID Connect Core 1.0 section 2)", name)
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c > '~' || c == ':' {
			return fmt.Errorf("user name %q must be printable ASCII without spaces or colons: it becomes the sub claim (OpenID Connect Core 1.0 section 2)", name)
		}
	}
	return nil
}

// hostedEnv is what a hosted world replaces in a lesson world's env.
type hostedEnv struct {
	clock            *Clock
	rand             *entropy
	keys             map[jose.Alg]jose.SigningKey
	issuer, audience string
}

func (h *Hosting) prepare() (hostedEnv, error) {
	u, err := url.Parse(h.Origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		return hostedEnv{}, fmt.Errorf("origin %q is not scheme://host:port with no path", h.Origin)
	}
	for name, pw := range h.Users {
		if err := CheckUserName(name); err != nil {
			return hostedEnv{}, err
		}
		if pw == "" {
			return hostedEnv{}, fmt.Errorf("user %q: a user needs a non-empty password", name)
		}
	}
	clock, err := newRunningClock(h.Now, cmp.Or(h.Speed, 1))
	if err != nil {
		return hostedEnv{}, err
	}
	keys, err := freshKeys()
	if err != nil {
		return hostedEnv{}, err
	}
	return hostedEnv{clock: clock, rand: newCryptoEntropy(), keys: keys, issuer: h.Origin, audience: h.Origin + "/api"}, nil
}

// freshKeys generates one key per algorithm from crypto/rand: an explicit
// exception to the seeded-entropy rule, since tokens signed with the
// committed demo keys could be forged by anyone who has read the source.
// The kid carries a random suffix so that a client caching an earlier
// run's JWKS looks the new keys up instead of using stale ones.
func freshKeys() (map[jose.Alg]jose.SigningKey, error) {
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return nil, fmt.Errorf("generating key ids: %w", err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the RS256 key: %w", err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the ES256 key: %w", err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating the EdDSA key: %w", err)
	}
	kid := func(a jose.Alg) string {
		return "serve-" + strings.ToLower(string(a)) + "-" + hex.EncodeToString(suffix[:])
	}
	return map[jose.Alg]jose.SigningKey{
		jose.RS256: {Alg: jose.RS256, KID: kid(jose.RS256), Private: rsaKey},
		jose.ES256: {Alg: jose.ES256, KID: kid(jose.ES256), Private: ecKey},
		jose.EdDSA: {Alg: jose.EdDSA, KID: kid(jose.EdDSA), Private: edKey},
	}, nil
}

// host registers the host's clients and users, and routes the origin's
// host on the wire so that the API's own calls to the AS (JWKS,
// introspection) stay in-process and are recorded like any exchange.
func (w *World) host(h *Hosting) {
	as := w.as
	as.register(h)
	if h.LogLimit > 0 {
		w.env.log.keepLast(h.LogLimit)
	}
	if h.CacheSignatures {
		w.api.sigs = newSigCache()
	}
	// One origin, one nonce: a client keeps the last DPoP-Nonce per origin
	// (RFC 9449 §8, §9), so an AS and an API with nonces of their own on the
	// same origin would each invalidate the other's on every response.
	w.api.dpopNonce = as.dpopNonce
	u, _ := url.Parse(as.issuer) // checked by prepare
	w.wire.Handle(u.Host, ActorAS, as)
}

// register makes the AS's registrations a hosted world needs: its
// clients, and its users. It runs before the world serves any request.
func (as *AuthServer) register(h *Hosting) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if h.LoopbackClient != "" {
		grants := []string{"authorization_code", "refresh_token"}
		as.clients[h.LoopbackClient] = &clientReg{id: h.LoopbackClient, public: true, anyLoopback: true, grants: grants, scopes: scopesSupported()}
	}
	web := *as.clients[ClientWeb]
	if h.WebRedirectURI != "" {
		web.redirectURIs = []string{h.WebRedirectURI}
	}
	if h.WebPostLogoutURI != "" {
		web.postLogoutURIs = []string{h.WebPostLogoutURI}
	}
	as.clients[ClientWeb] = &web
	delete(as.clients, ClientSPA) // its redirect URI is a simulated host no browser can reach
	registerHosted(as.clients, h.clients)
	if len(h.Users) > 0 {
		as.users = map[string]user{}
		for name, pw := range h.Users {
			sum := sha256.Sum256([]byte(pw))
			as.users[name] = user{sub: name, name: name, passwordHash: string(sum[:])}
		}
	}
}

// Issuer is the world's issuer identifier.
func (w *World) Issuer() string { return w.as.issuer }

// Audience is the API's resource identifier: the aud its tokens carry.
func (w *World) Audience() string { return w.api.audience }

// checkLoopbackRedirect applies RFC 8252 §7.3 and §8.3: http, a loopback IP
// literal (127.0.0.1 or [::1]), any port, any path, no fragment (RFC 6749
// §3.1.2). "localhost" is refused: §8.3 makes it NOT RECOMMENDED, because
// the name may resolve elsewhere or be captured by a firewall, and a clear
// refusal teaches more than tolerating it.
func checkLoopbackRedirect(uri string) error {
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotLoopback, err)
	}
	switch {
	case u.Scheme != "http":
		return fmt.Errorf("%w: the scheme must be http (RFC 8252 section 7.3)", ErrNotLoopback)
	case u.Fragment != "" || strings.Contains(uri, "#"):
		return fmt.Errorf("%w: a redirect URI has no fragment (RFC 6749 section 3.1.2)", ErrNotLoopback)
	case u.User != nil:
		return fmt.Errorf("%w: a redirect URI has no user information", ErrNotLoopback)
	case u.Hostname() == "localhost":
		return fmt.Errorf("%w: use the IP literal 127.0.0.1 or [::1], not localhost (RFC 8252 section 8.3)", ErrNotLoopback)
	case u.Hostname() != "127.0.0.1" && u.Hostname() != "::1":
		return fmt.Errorf("%w: the host must be 127.0.0.1 or [::1] (RFC 8252 section 7.3)", ErrNotLoopback)
	}
	if p := u.Port(); p != "" {
		for _, c := range p {
			if c < '0' || c > '9' {
				return fmt.Errorf("%w: bad port %q", ErrNotLoopback, p)
			}
		}
	}
	return nil
}

// allowsRedirect reports whether uri is one the client may be sent back
// to: a registered URI by exact string match (RFC 9700 §2.1), a loopback
// one registered with port * on any port (hosting_clients.go), or, for a
// client registered for it, any loopback URI on any port (RFC 8252 §7.3).
func (c *clientReg) allowsRedirect(uri string) bool {
	if slices.Contains(c.redirectURIs, uri) || matchesAnyPort(c.anyPortURIs, uri) {
		return true
	}
	return c.anyLoopback && checkLoopbackRedirect(uri) == nil
}
