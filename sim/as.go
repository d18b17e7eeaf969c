package sim

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// AuthServer is the authorization server: an http.Handler serving
// /authorize, /token, /revoke, /introspect, /userinfo, /jwks.json and the discovery
// documents. One mutex serialises its state, so it is safe to serve over
// TCP as well as on the wire.
type AuthServer struct {
	env      *env
	issuer   string // iss of every token; no trailing slash
	audience string // aud of its access tokens: the API's identifier
	// resources are the resource servers it issues access tokens for, its
	// own API first (RFC 8707; as_resource.go).
	resources []string
	clients   map[string]*clientReg
	users     map[string]user // by username

	mu      sync.Mutex
	labels  map[string]int
	codes   map[[32]byte]*codeRecord
	refresh map[[32]byte]*refreshRecord
	access  map[string]*accessRecord // by jti
	// issued maps every JWT the AS signed to its record (an ID token maps
	// to nil), so that the narrator names a presented token with one lookup
	// instead of decoding it on every API call.
	issued   map[string]*accessRecord
	families []*family
	sessions map[[32]byte]*asSession // sign-in sessions, by the cookie's hash (as_session.go)
	accounts map[string]*account     // users' standing by sub: disabled, password changed, consent withdrawn (as_account.go)

	// onAccessRevoked is told of every access token the AS revokes, so that
	// a denylisting API can refuse it before it expires. It models the push
	// channel (a shared cache, a message bus) real deployments use.
	onAccessRevoked func(jti, aud string, exp time.Time, reason string)

	dpopSeen  dpopReplay // jti of accepted DPoP proofs (RFC 9449 §11.1)
	dpopNonce *dpopNonce // its DPoP nonce, when the policy requires one (§8)
	// userinfoBearer reads and checks the credentials sent to userinfo
	// (as_userinfo.go).
	userinfoBearer *API

	mux *http.ServeMux
}

func newAuthServer(e *env, issuer, audience string) *AuthServer {
	as := &AuthServer{
		env: e, issuer: issuer, audience: audience, resources: []string{audience}, clients: defaultClients(), users: defaultUsers(),
		labels: map[string]int{}, codes: map[[32]byte]*codeRecord{},
		refresh: map[[32]byte]*refreshRecord{}, access: map[string]*accessRecord{}, issued: map[string]*accessRecord{},
		sessions:  map[[32]byte]*asSession{},
		dpopNonce: &dpopNonce{},
	}
	as.userinfoBearer = newUserinfoBearer(e, issuer, audience, as.dpopNonce)
	m := http.NewServeMux()
	m.HandleFunc("/authorize", as.locked(as.serveAuthorize))
	m.HandleFunc("/token", as.tokenFaults(as.locked(as.serveToken))) // fault.go: armed failures, outside the lock
	m.HandleFunc("/revoke", as.locked(as.serveRevoke))
	m.HandleFunc("/introspect", as.locked(as.serveIntrospect))
	m.HandleFunc("/jwks.json", as.locked(as.serveJWKS))
	m.HandleFunc("/end_session", as.locked(as.serveEndSession))
	m.HandleFunc(userinfoPath, as.locked(as.serveUserinfo))
	m.HandleFunc("/.well-known/openid-configuration", as.serveDiscovery)
	m.HandleFunc("/.well-known/oauth-authorization-server", as.serveDiscovery)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		noteOf(r).reason = "the AS has no endpoint at " + quoteID(r.URL.Path)
		http.NotFound(w, r)
	})
	as.mux = m
	return as
}

// ServeHTTP implements http.Handler.
func (as *AuthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { as.mux.ServeHTTP(w, r) }

func (as *AuthServer) locked(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		as.mu.Lock()
		defer as.mu.Unlock()
		h(w, r)
	}
}

// nextLabel returns the next human label of a kind: at-1, rt-1, f-1 …
// Labels are what reasons and the inspector call tokens; the values
// themselves are too long to read.
func (as *AuthServer) nextLabel(kind string) string {
	as.labels[kind]++
	return fmt.Sprintf("%s-%d", kind, as.labels[kind])
}

func (as *AuthServer) userBySub(sub string) user {
	for _, u := range as.users {
		if u.sub == sub {
			return u
		}
	}
	return user{sub: sub}
}
