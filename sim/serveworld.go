package sim

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ClientCLI is serve mode's public native client: it may redirect to any
// loopback IP literal on any port (RFC 8252 §7.3), which is what command-
// line tools and OAuth libraries listening on an ephemeral port need.
const ClientCLI = "cli"

// DemoWebSecret is the secret of the confidential demo client "web". It is
// printed on purpose (serve mode's banner, the README): nothing here is real.
const DemoWebSecret = webSecret

// DemoAPISecret is the resource server's own secret, for the introspection
// endpoint (RFC 7662 §2.1), printed for the same reason.
const DemoAPISecret = apiSecret

// ServeOptions makes a world that faces real clients over HTTP
// (`tokensim serve`). Such a world differs from a lesson's in four ways, each
// deliberate: its issuer is the real origin it listens on, its clock runs,
// its entropy is crypto/rand and its signing keys are freshly generated,
// because the committed demo keys' private halves are public. It is
// therefore not a deterministic replay, and Config.Seed is ignored.
type ServeOptions struct {
	// Origin is "http://host:port", no trailing slash: the issuer, byte for
	// byte (OIDC Discovery §4.3). The API lives on the same origin under
	// /api/, and its audience is Origin+"/api".
	Origin string
	// Users maps username to password; empty means the demo user
	// alice/wonderland.
	Users map[string]string
	// Now is the clock's time source; nil means time.Now. Tests inject one.
	Now func() time.Time
	// Speed runs the clock this many times as fast as Now (0 means 1).
	Speed int
	// LogLimit bounds the event log to about the last LogLimit events
	// (0 means DefaultServeLogLimit): a server runs for hours, and a
	// lesson's unbounded log would grow with every request.
	LogLimit int
	// VerifyEveryRequest turns off the API's signature cache (sigcache.go),
	// so that every request pays for its RS256 verification, as in a
	// lesson world: what the benchmarks compare against.
	VerifyEveryRequest bool
}

// CheckUserName accepts a serve-mode user name: it becomes the sub claim
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

// DefaultServeLogLimit keeps the last 10,000 events (tens of MB at most):
// far more than a live view scrolls back through.
const DefaultServeLogLimit = 10_000

// ServeAudience is the API's resource identifier in a serve world.
func ServeAudience(origin string) string { return origin + "/api" }

// serveEnv is what a serve world replaces in a lesson world's env.
type serveEnv struct {
	clock            *Clock
	rand             *entropy
	keys             map[Alg]SigningKey
	issuer, audience string
}

func (o *ServeOptions) prepare() (serveEnv, error) {
	u, err := url.Parse(o.Origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
		return serveEnv{}, fmt.Errorf("serve origin %q is not scheme://host:port with no path", o.Origin)
	}
	for name, pw := range o.Users {
		if err := CheckUserName(name); err != nil {
			return serveEnv{}, err
		}
		if pw == "" {
			return serveEnv{}, fmt.Errorf("user %q: a user needs a non-empty password", name)
		}
	}
	speed := o.Speed
	if speed == 0 {
		speed = 1
	}
	clock, err := NewRunningClock(o.Now, speed)
	if err != nil {
		return serveEnv{}, err
	}
	keys, err := freshKeys()
	if err != nil {
		return serveEnv{}, err
	}
	return serveEnv{clock: clock, rand: newCryptoEntropy(), keys: keys, issuer: o.Origin, audience: ServeAudience(o.Origin)}, nil
}

// freshKeys generates one key per algorithm from crypto/rand: an explicit
// exception to the seeded-entropy rule, since tokens signed with the
// committed demo keys could be forged by anyone who has read the source.
// The kid carries a random suffix so that a client caching an earlier
// run's JWKS looks the new keys up instead of using stale ones.
func freshKeys() (map[Alg]SigningKey, error) {
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
	kid := func(a Alg) string { return "serve-" + strings.ToLower(string(a)) + "-" + hex.EncodeToString(suffix[:]) }
	return map[Alg]SigningKey{
		RS256: {Alg: RS256, KID: kid(RS256), Private: rsaKey},
		ES256: {Alg: ES256, KID: kid(ES256), Private: ecKey},
		EdDSA: {Alg: EdDSA, KID: kid(EdDSA), Private: edKey},
	}, nil
}

// serveSetup registers serve mode's clients and users, and routes the
// origin's host on the wire so that the API's own calls to the AS (JWKS,
// introspection) stay in-process and are recorded like any exchange.
func (w *World) serveSetup(o *ServeOptions) {
	as := w.as
	grants := []string{"authorization_code", "refresh_token"}
	as.clients[ClientCLI] = &clientReg{id: ClientCLI, public: true, anyLoopback: true, grants: grants, scopes: ScopesSupported()}
	web := *as.clients[ClientWeb]
	web.redirectURIs = []string{as.issuer + ServeCallbackPath}
	web.postLogoutURIs = []string{as.issuer + "/"} // the index page (RP-Initiated Logout 1.0 §3: registered, exact)
	as.clients[ClientWeb] = &web
	delete(as.clients, ClientSPA) // its redirect URI is a simulated host no browser can reach
	if len(o.Users) > 0 {
		as.users = map[string]user{}
		for name, pw := range o.Users {
			h := sha256.Sum256([]byte(pw))
			as.users[name] = user{sub: name, name: name, passwordHash: string(h[:])}
		}
	}
	limit := o.LogLimit
	if limit <= 0 {
		limit = DefaultServeLogLimit
	}
	w.env.log.keepLast(limit)
	if !o.VerifyEveryRequest {
		w.api.sigs = newSigCache() // real clients repeat their token with every call
	}
	// One origin, one nonce: a client keeps the last DPoP-Nonce per origin
	// (RFC 9449 §8, §9), so an AS and an API with nonces of their own on the
	// same origin would each invalidate the other's on every response.
	w.api.dpopNonce = as.dpopNonce
	u, _ := url.Parse(as.issuer) // checked by prepare
	w.wire.Handle(u.Host, ActorAS, as)
	w.serveUsers = slices.Sorted(func(yield func(string) bool) {
		for name := range as.users {
			if !yield(name) {
				return
			}
		}
	})
}

// ServeUsers lists the usernames that can log in, sorted (serve worlds).
func (w *World) ServeUsers() []string { return slices.Clone(w.serveUsers) }

// Issuer is the world's issuer identifier.
func (w *World) Issuer() string { return w.as.issuer }

// ErrNotLoopback is why a client allowed any loopback redirect refuses one.
var ErrNotLoopback = errors.New("not a loopback redirect URI")

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
// to: a registered URI by exact string match (RFC 9700 §2.1), or, for a
// client registered for it, any loopback URI on any port (RFC 8252 §7.3).
func (c *clientReg) allowsRedirect(uri string) bool {
	if slices.Contains(c.redirectURIs, uri) {
		return true
	}
	return c.anyLoopback && checkLoopbackRedirect(uri) == nil
}
