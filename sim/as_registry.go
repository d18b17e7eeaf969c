package sim

import (
	"crypto/sha256"
	"crypto/subtle"
	"slices"
	"strings"
)

// Hosts of the simulated world. The .test TLD is reserved (RFC 6761), so
// none of these can ever resolve to a real server.
const (
	HostAS   = "auth.tokensim.test"
	HostAPI  = "api.tokensim.test"
	HostAPIB = "billing.tokensim.test" // a second resource server, for audience lessons
	HostApp  = "app.tokensim.test"

	Issuer       = "https://" + HostAS // no trailing slash: OIDC Discovery §4.3 compares byte for byte
	APIAudience  = "https://" + HostAPI
	APIBAudience = "https://" + HostAPIB
	AppOrigin    = "https://" + HostApp
	RedirectURI  = AppOrigin + "/callback"
	// PostLogoutRedirectURI is where the AS sends the browser after
	// RP-initiated logout: registered for the app's clients, compared by
	// exact match (OpenID Connect RP-Initiated Logout 1.0 §3).
	PostLogoutRedirectURI = AppOrigin + "/logged-out"

	// HostAttacker is the attacker's own web server, where forged tokens'
	// jku and x5u headers point (attacker_host.go).
	HostAttacker   = "attacker.tokensim.test"
	AttackerOrigin = "https://" + HostAttacker
)

// Client IDs registered at the AS.
const (
	ClientSPA = "spa" // public client: a single-page app; no secret, PKCE required
	ClientWeb = "web" // confidential client: a server-side web app with a secret
	// ClientAPI is the resource server's own registration, used to
	// authenticate at the introspection endpoint (RFC 7662 §2.1).
	ClientAPI = "api"
	// ClientFirstParty is the first-party backend's own single-page app.
	ClientFirstParty = "app"
	// ClientService is a confidential machine client: a backend service
	// that gets tokens for itself with the client credentials grant, no
	// user involved (RFC 6749 §4.4, as_clientcreds.go).
	ClientService = "service"
)

// Demo secrets. They are printed in transcripts on purpose: nothing here is
// real.
const (
	webSecret = "web-secret"
	apiSecret = "api-secret"
	// serviceSecret is the machine client's secret (client_secret_basic,
	// RFC 6749 §2.3.1).
	serviceSecret = "service-secret"
)

// scopesSupported lists every scope the AS knows (a fresh slice each call).
func scopesSupported() []string {
	return []string{"openid", "profile", "email", "orders:read", "orders:write", "offline_access"}
}

// clientReg is a client registration (RFC 6749 §2).
type clientReg struct {
	id           string
	public       bool
	secretHash   [32]byte // confidential clients only; compared in constant time
	redirectURIs []string
	anyLoopback  bool // a hosted world's native client: any loopback port (RFC 8252 §7.3, see allowsRedirect)
	browser      bool // a public client that runs in a browser (a single-page app), not an installed app
	// postLogoutURIs are its registered post_logout_redirect_uris
	// (RP-Initiated Logout 1.0 §3; see allowsPostLogout).
	postLogoutURIs []string
	grants         []string
	scopes         []string
	resource       bool // a resource server: may introspect, may not obtain tokens
	// defaultScope is what a client credentials request without scope
	// gets: RFC 6749 §3.3 lets the AS apply "a pre-defined default value".
	defaultScope string
	// anyPortURIs are a hosted client's loopback redirect URIs registered
	// with port *: any port (hosting_clients.go, see allowsRedirect).
	anyPortURIs []string
}

func (c *clientReg) checkSecret(secret string) bool {
	h := sha256.Sum256([]byte(secret))
	return !c.public && subtle.ConstantTimeCompare(h[:], c.secretHash[:]) == 1
}

func (c *clientReg) allowsGrant(g string) bool { return slices.Contains(c.grants, g) }

// allowsScope reports whether every scope in the space-delimited list s is
// one the client may ask for.
func (c *clientReg) allowsScope(s string) bool {
	for _, sc := range strings.Fields(s) {
		if !slices.Contains(c.scopes, sc) {
			return false
		}
	}
	return true
}

func defaultClients() map[string]*clientReg {
	grants := []string{"authorization_code", "refresh_token"}
	return map[string]*clientReg{
		ClientSPA: {id: ClientSPA, public: true, browser: true, redirectURIs: []string{RedirectURI}, postLogoutURIs: []string{PostLogoutRedirectURI},
			grants: grants, scopes: scopesSupported()},
		ClientWeb: {id: ClientWeb, secretHash: sha256.Sum256([]byte(webSecret)), redirectURIs: []string{RedirectURI},
			postLogoutURIs: []string{PostLogoutRedirectURI}, grants: grants, scopes: scopesSupported()},
		ClientAPI:        {id: ClientAPI, secretHash: sha256.Sum256([]byte(apiSecret)), resource: true},
		ClientFirstParty: {id: ClientFirstParty, public: true, grants: []string{"refresh_token"}, scopes: scopesSupported()},
		// The machine client acts for itself: only the API's scopes, none
		// that speak of a user (openid, profile, email, offline_access),
		// and only the client credentials grant (RFC 6749 §4.4).
		ClientService: {id: ClientService, secretHash: sha256.Sum256([]byte(serviceSecret)),
			grants: []string{grantClientCredentials}, scopes: []string{"orders:read", "orders:write"}, defaultScope: "orders:read"},
	}
}

// user is a simulated person who can log in at the AS.
type user struct {
	sub, name, passwordHash string
}

// Demo credentials: documented, printed on purpose (a host's banner, the
// README), nothing real.
const (
	DemoUser     = "alice"
	DemoPassword = "wonderland"
	// DemoWebSecret is the secret of the confidential demo client "web".
	DemoWebSecret = webSecret
	// DemoAPISecret is the resource server's own secret, for the
	// introspection endpoint (RFC 7662 §2.1).
	DemoAPISecret = apiSecret
	// DemoServiceSecret is the secret of the machine client "service",
	// which uses the client credentials grant (RFC 6749 §4.4).
	DemoServiceSecret = serviceSecret
)

func defaultUsers() map[string]user {
	h := sha256.Sum256([]byte(DemoPassword))
	return map[string]user{DemoUser: {sub: "alice", name: "Alice Liddell", passwordHash: string(h[:])}}
}

func (u user) checkPassword(p string) bool {
	return subtle.ConstantTimeCompare([]byte(user{}.hashOf(p)), []byte(u.passwordHash)) == 1
}

// hashOf is the stored form of password p (never p itself).
func (user) hashOf(p string) string {
	h := sha256.Sum256([]byte(p))
	return string(h[:])
}

// scopeSubset reports whether every scope in want is in have.
func scopeSubset(want, have string) bool {
	hs := strings.Fields(have)
	for _, w := range strings.Fields(want) {
		if !slices.Contains(hs, w) {
			return false
		}
	}
	return true
}

// isHTTPS reports whether origin is reached over TLS: the AS then marks its
// session cookie Secure (checklist item 103).
func isHTTPS(origin string) bool { return strings.HasPrefix(origin, "https://") }

func hasScope(list, s string) bool { return slices.Contains(strings.Fields(list), s) }
