package sim

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// hostedClient is one of the host's own clients (Hosting.AddClient): an
// attendee's app, registered when the server starts.
type hostedClient struct {
	id, secret string
	exact      []string // redirect URIs matched byte for byte (RFC 9700 §2.1)
	anyPort    []string // loopback redirect URIs registered with port *: any port (RFC 8252 §7.3)
}

// minClientSecret is the shortest secret AddClient accepts: sim policy.
// RFC 6749 §10.10 asks that credentials an AS generates be unguessable; a
// secret the attendee picks is not, whatever its length, but refusing "x"
// keeps the habit of a real one.
const minClientSecret = 8

// anyPort is the port a loopback redirect URI is registered with to accept
// every port: http://127.0.0.1:*/callback.
const anyPort = "*"

// AddClient registers one of the host's own clients (tokensim serve
// --client), checked now so that a mistake is reported before the server
// starts. With a secret the client is confidential: it authenticates at
// the token, revocation and introspection endpoints with
// client_secret_basic or client_secret_post (RFC 6749 §2.3.1), like web.
// Without one it is public, a native app that must use PKCE (RFC 7636;
// RFC 9700 §2.1.1), like cli. Either may use the authorization code and
// refresh token grants, and every scope.
//
// Each redirect URI is matched exactly (RFC 9700 §2.1), except a loopback
// one registered with port * (http://127.0.0.1:*/cb, http://[::1]:*/cb),
// which matches that URI on any port, its path and query still exactly:
// RFC 8252 §7.3 asks this for native apps, whose port is ephemeral, and
// serve allows it for confidential clients too, so that an attendee's own
// server-side app on a random port can use a secret. Refused: a URI that
// is not absolute http or https, has a fragment (RFC 6749 §3.1.2), user
// information, the host localhost (RFC 8252 §8.3) or an impossible port;
// an id that is taken (the built-in clients' or LoopbackClient, so set
// that first) or contains a space, colon, equals sign or comma (the
// command line's separators); a secret shorter than 8 characters.
func (h *Hosting) AddClient(id, secret string, redirectURIs ...string) error {
	if err := checkClientID(id); err != nil {
		return err
	}
	taken := defaultClients()
	delete(taken, ClientSPA) // a hosted world does not register it (register)
	if _, builtIn := taken[id]; builtIn || id == h.LoopbackClient {
		names := []string{ClientWeb, ClientService, ClientAPI, ClientFirstParty}
		if h.LoopbackClient != "" {
			names = append([]string{h.LoopbackClient}, names...)
		}
		return fmt.Errorf("client id %q is taken: the built-in clients are %s", id, strings.Join(names, ", "))
	}
	if slices.ContainsFunc(h.clients, func(c hostedClient) bool { return c.id == id }) {
		return fmt.Errorf("client id %q is registered twice", id)
	}
	if secret != "" && len(secret) < minClientSecret {
		return fmt.Errorf("the secret is %d characters long; use at least %d (or none, for a public client with PKCE)", len(secret), minClientSecret)
	}
	if len(redirectURIs) == 0 {
		return errors.New("a client needs at least one redirect URI")
	}
	c := hostedClient{id: id, secret: secret}
	for _, uri := range redirectURIs {
		pattern, err := checkRedirectURI(uri)
		if err != nil {
			return fmt.Errorf("redirect URI %q: %w", uri, err)
		}
		if slices.Contains(c.exact, uri) || slices.Contains(c.anyPort, uri) {
			return fmt.Errorf("redirect URI %q is given twice", uri)
		}
		if pattern {
			c.anyPort = append(c.anyPort, uri)
		} else {
			c.exact = append(c.exact, uri)
		}
	}
	h.clients = append(h.clients, c)
	return nil
}

// checkClientID accepts an id of RFC 6749's VSCHAR (Appendix A.1) without
// a space or the command line's separators.
func checkClientID(id string) error {
	if id == "" || len(id) > 255 {
		return fmt.Errorf("client id %q must be 1 to 255 characters long", id)
	}
	for _, c := range []byte(id) {
		if c <= ' ' || c > '~' || strings.IndexByte(":=,", c) >= 0 {
			return fmt.Errorf("client id %q must be printable ASCII without spaces, colons, equals signs or commas", id)
		}
	}
	return nil
}

// checkRedirectURI checks a redirect URI to register, and reports whether
// it is a loopback pattern with port * (see AddClient).
func checkRedirectURI(uri string) (pattern bool, err error) {
	parse := uri
	scheme, rest, ok := strings.Cut(uri, "://")
	if ok {
		authority := rest
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			authority = rest[:i]
		}
		if host, ok := strings.CutSuffix(authority, ":"+anyPort); ok {
			if scheme != "http" || (host != "127.0.0.1" && host != "[::1]") {
				return false, errors.New("port * is for loopback redirect URIs only: http://127.0.0.1:*/path or http://[::1]:*/path (RFC 8252 section 7.3)")
			}
			pattern, parse = true, scheme+"://"+host+rest[len(authority):]
		}
	}
	u, err := url.Parse(parse)
	switch {
	case err != nil:
		return false, fmt.Errorf("not a URI: %w", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return false, errors.New("not an absolute http or https URI")
	case u.Fragment != "" || strings.Contains(uri, "#"):
		return false, errors.New("a redirect URI has no fragment (RFC 6749 section 3.1.2)")
	case u.User != nil:
		return false, errors.New("a redirect URI has no user information")
	case u.Hostname() == "":
		return false, errors.New("no host")
	case strings.EqualFold(u.Hostname(), "localhost"):
		return false, errors.New("use the IP literal 127.0.0.1 or [::1], not localhost (RFC 8252 section 8.3)")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return false, fmt.Errorf("port %s is not 1 to 65535", p)
		}
	}
	return pattern, nil
}

// matchesAnyPort reports whether uri is one of patterns (loopback redirect
// URIs registered with port *) on some port: the same string once its port
// is replaced by *, so that the host, path and query still match exactly
// (RFC 8252 §7.3; RFC 9700 §2.1).
func matchesAnyPort(patterns []string, uri string) bool {
	if len(patterns) == 0 {
		return false
	}
	rest, ok := strings.CutPrefix(uri, "http://")
	if !ok {
		return false
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	host := authority // no port: 80, which any port includes
	if _, p, err := net.SplitHostPort(authority); err == nil {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != p {
			return false
		}
		host = authority[:len(authority)-len(p)-1]
	}
	return slices.Contains(patterns, "http://"+host+":"+anyPort+rest[len(authority):])
}

// registerHosted turns the host's clients into registrations.
func registerHosted(clients map[string]*clientReg, hosted []hostedClient) {
	for _, c := range hosted {
		reg := &clientReg{id: c.id, public: c.secret == "", redirectURIs: c.exact, anyPortURIs: c.anyPort,
			grants: []string{"authorization_code", "refresh_token"}, scopes: scopesSupported()}
		if c.secret != "" {
			reg.secretHash = sha256.Sum256([]byte(c.secret))
		}
		clients[c.id] = reg
	}
}
