package serve

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/cors"
)

// corsPath says where a browser single-page app calls the server with
// fetch: the token, revocation and userinfo endpoints and the API (issue
// 17), and the public documents an SPA library reads first (discovery and
// the JWKS: oidc-client-ts, for one, fetches the discovery document before
// anything else). Not /authorize and /end_session (a navigation, never a fetch), not
// /introspect (a resource server's call, server to server: RFC 7662 §2.1),
// not /sim/* (the clock must not be reachable from any page: clock.go).
func corsPath(path string) bool {
	switch path {
	case "/token", "/revoke", "/userinfo", "/jwks.json",
		"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server":
		return true
	}
	return strings.HasPrefix(path, "/api/")
}

// newCORS is the CORS policy (the Fetch standard's CORS protocol),
// implemented by github.com/rs/cors, which answers preflights and adds the
// response headers; corsPath decides where it applies.
//
// Allowed origins: a page on a loopback origin, http or https, any port:
// 127.0.0.1, [::1] and localhost. Those are the attendee's own dev servers
// (a Vite or React app on http://localhost:5173). localhost is allowed
// here although serve refuses it as a redirect URI (RFC 8252 §8.3): a
// redirect URI is a name the AS resolves trust through, while an Origin is
// what the browser reports about the page it is running, and a page on
// localhost is on this machine whatever the name resolved to. Any other
// origin gets no Access-Control-Allow-Origin, so the browser keeps the
// response from the page; never "*".
//
// No credentials (Access-Control-Allow-Credentials is never sent): a
// public client authenticates with PKCE and its tokens, which it sends in
// the Authorization or DPoP header, not with cookies, and the AS session
// cookie must never ride along to /token. Preflights are answered with
// the method and headers asked for when they are among GET, POST and
// Authorization, DPoP (RFC 9449 §4.1) and Content-Type; WWW-Authenticate
// (RFC 6750 §3) and DPoP-Nonce (RFC 9449 §8) are exposed, so that the page
// can read a challenge and a nonce to retry with.
func newCORS() *cors.Cors {
	return cors.New(cors.Options{
		AllowOriginFunc:  loopbackOrigin,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Authorization", "DPoP", "Content-Type"},
		ExposedHeaders:   []string{"WWW-Authenticate", "DPoP-Nonce"},
		AllowCredentials: false,
		MaxAge:           600, // seconds a browser may cache a preflight's answer
	})
}

// loopbackOrigin reports whether origin (scheme://host[:port], as the
// browser serializes it: RFC 6454 §6.2) is a page on this machine.
func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	switch u.Hostname() {
	case "127.0.0.1", "::1", "localhost":
		return u.Port() == "" || strings.Trim(u.Port(), "0123456789") == ""
	}
	return false
}
