package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"
	"github.com/tokensim/tokensim/sim"
)

// Paths serve mode adds to the AS's and API's own.
const (
	// CallbackPath shows the authorization response to a person, for
	// curl walk-throughs: the web client's registered redirect URI.
	CallbackPath = "/callback"
	// ClockPath advances the virtual clock (POST, loopback callers
	// only), so that a demo can expire tokens without waiting.
	ClockPath = "/sim/clock/advance"
	// ClockNowPath reads the virtual clock (GET, loopback callers
	// only), so that a script can tell how far a demo has jumped.
	ClockNowPath = "/sim/clock"
)

// Endpoint is one endpoint a server answers at: what the banner and the
// index page at / list.
type Endpoint struct {
	Method, Path, What string
}

// Endpoints lists the server's endpoints, in the order a walk-through
// meets them.
func Endpoints() []Endpoint {
	return []Endpoint{
		{"GET", "/.well-known/openid-configuration", "discovery (OpenID Connect Discovery 1.0)"},
		{"GET", "/.well-known/oauth-authorization-server", "metadata (RFC 8414)"},
		{"GET", "/jwks.json", "the AS's public keys (RFC 7517)"},
		{"GET", "/authorize", "login page; then a redirect with the code (RFC 6749 4.1)"},
		{"POST", "/token", "authorization_code, refresh_token, client_credentials (RFC 6749 4.1.3, 6, 4.4)"},
		{"POST", "/revoke", "token revocation (RFC 7009)"},
		{"GET", "/userinfo", "the user's claims by scope, with the access token (OpenID Connect Core 5.3; GET or POST)"},
		{"GET", "/end_session", "RP-initiated logout: ends the AS session (OpenID Connect RP-Initiated Logout 1.0)"},
		{"POST", "/introspect", "token introspection (RFC 7662), as client api / " + sim.DemoAPISecret},
		{"GET", "/api/profile", "the API; scope profile"},
		{"GET", "/api/orders", "the API; scope orders:read"},
		{"POST", "/api/orders", "the API; scope orders:write"},
		{"GET", CallbackPath, "shows the authorization response (web's redirect URI)"},
		{"GET", ClockNowPath, "the virtual time, as JSON (loopback callers only)"},
		{"POST", ClockPath, "by=<duration>: advance the clock (loopback callers only)"},
		{"POST", KeysRotatePath, "a new signing key signs from now on (loopback callers only)"},
		{"POST", KeysRetirePath, "drop rotated-out keys from the JWKS (loopback callers only)"},
		{"POST", FaultExpirePath, "fault: every access token ends now (loopback callers only)"},
		{"POST", FaultRevokeUserPath, "user=<name>: fault: an admin revokes the user's grants (loopback callers only)"},
		{"POST", FaultTokenPath, "error=<e>|delay=<d>, n=<n>: fault: fail next token requests (loopback callers only)"},
		{"POST", FaultReplayPath, "user=<name>: fault: the attacker refreshes first (loopback callers only)"},
	}
}

// EndpointList is Endpoints as aligned lines, each with the issuer's full
// URL and indent in front: the banner's and the index's list.
func EndpointList(issuer, indent string) string {
	eps := Endpoints()
	width := 0
	for _, ep := range eps {
		width = max(width, len(issuer+ep.Path))
	}
	var b strings.Builder
	for _, ep := range eps {
		fmt.Fprintf(&b, "%s%-5s %-*s  %s\n", indent, ep.Method, width, issuer+ep.Path, ep.What)
	}
	return b.String()
}

// Server serves a hosted world (sim.Hosting) over real HTTP: the AS at the
// origin's root, the API under /api/, and the demo pages. Every request is
// recorded in the world's log as the same exchange event the in-memory
// wire records (sim.World.Record), so the live view, `--format json` and
// the player read real traffic exactly as they read a lesson.
type Server struct {
	w       *sim.World
	opts    Options
	as, api http.Handler  // the world's AS and API, recorded
	browser http.Handler  // the AS, reached by a person's browser
	page    http.Handler  // the callback page, recorded
	misdir  http.Handler  // the refusal of a request for another host, recorded (host.go)
	changed chan struct{} // signalled when the log may have grown
	cors    *cors.Cors    // for a browser app's fetch calls (cors.go)
	allowed issuerHost    // the Host allow-list's reference (host.go)
}

// ClientCLI is the public native client a server registers: it may
// redirect to any loopback IP literal on any port (RFC 8252 §7.3), which is
// what command-line tools and OAuth libraries listening on an ephemeral
// port need.
const ClientCLI = "cli"

// DefaultLogLimit keeps the last 10,000 events (tens of MB at most): far
// more than a live view scrolls back through.
const DefaultLogLimit = 10_000

// User is one account that can log in; its name becomes the sub claim.
type User struct{ Name, Password string }

// Options configure a Server.
type Options struct {
	// Origin is "http://host:port", no trailing slash: the issuer, byte for
	// byte (OIDC Discovery §4.3). The API lives on the same origin under
	// /api/.
	Origin string
	// Preset is the policy preset; "" means sim.DefaultPreset.
	Preset string
	// Users can log in, listed in this order; empty means the demo user
	// alice/wonderland.
	Users []User
	// Now is the clock's time source; nil means time.Now. Tests inject one.
	Now func() time.Time
	// Speed runs the clock this many times as fast as Now (0 means 1).
	Speed int
	// LogLimit bounds the event log to about the last LogLimit events
	// (0 means DefaultLogLimit): a server runs for hours.
	LogLimit int
	// VerifyEveryRequest turns off the API's signature cache, so that every
	// request pays for its RS256 verification, as in a lesson world: what
	// the benchmarks compare against.
	VerifyEveryRequest bool
	// Clients are the attendee's own clients (tokensim serve --client),
	// registered beside the built-in ones (clients.go).
	Clients []Client
}

// New makes a hosted world for o and its server. The world differs from a
// lesson's as sim.Hosting says: real origin, running clock, crypto/rand
// entropy, fresh keys.
func New(o Options) (*Server, error) {
	if o.Speed == 0 {
		o.Speed = 1
	}
	if o.LogLimit <= 0 {
		o.LogLimit = DefaultLogLimit
	}
	var users map[string]string
	if len(o.Users) > 0 {
		users = map[string]string{}
		for _, u := range o.Users {
			users[u.Name] = u.Password
		}
	}
	h := &sim.Hosting{
		Origin: o.Origin, Now: o.Now, Speed: o.Speed, Users: users,
		LoopbackClient: ClientCLI,
		WebRedirectURI: o.Origin + CallbackPath,
		// The index page (RP-Initiated Logout 1.0 §3: registered, exact).
		WebPostLogoutURI: o.Origin + "/",
		LogLimit:         o.LogLimit,
		CacheSignatures:  !o.VerifyEveryRequest, // real clients repeat their token with every call
	}
	if err := addClients(h, o.Clients); err != nil {
		return nil, err
	}
	w, err := sim.New(sim.Config{Preset: o.Preset, Hosting: h})
	if err != nil {
		return nil, err
	}
	s := &Server{w: w, opts: o, changed: make(chan struct{}, 1), cors: newCORS(), allowed: newIssuerHost(w.Issuer())}
	s.as = w.Record(sim.ActorApp, sim.ActorAS, w.AuthServer())
	s.api = w.Record(sim.ActorApp, sim.ActorAPI, w.API())
	s.browser = w.Record(sim.ActorUser, sim.ActorAS, s.signInGuard(w.AuthServer()))
	s.page = w.Record(sim.ActorUser, sim.ActorApp, http.HandlerFunc(s.serveCallback))
	s.misdir = w.Record(sim.ActorUser, sim.ActorAS, http.HandlerFunc(s.refuseHost))
	return s, nil
}

// World is the world the server serves.
func (s *Server) World() *sim.World { return s.w }

// HTTPServer wraps s in an http.Server with serve mode's limits: every
// timeout set (a slow or idle client cannot hold a connection forever:
// Slowloris) and request headers capped. Bodies are capped at sim.MaxBodyBytes
// by ServeHTTP.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          errorLog,
	}
	// Shutdown cancels every request's context, which ends a token
	// fault's delay (sim/fault.go) at once: a delay must not hold it up.
	base, cancel := context.WithCancel(context.Background())
	hs.BaseContext = func(net.Listener) context.Context { return base }
	hs.RegisterOnShutdown(cancel)
	return hs
}

// ServeHTTP implements http.Handler: it records the exchange around the AS,
// the API or a demo page.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	// No response is to be sniffed into another type: an error page that
	// echoes input as text/plain must not run as HTML (the Fetch
	// standard's X-Content-Type-Options header).
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	if !s.hostAllowed(r.Host) {
		s.misdir.ServeHTTP(rw, r) // DNS rebinding (host.go)
		s.notify()
		return
	}
	switch r.URL.Path {
	case ClockPath:
		s.serveClock(rw, r)
		s.notify()
		return
	case ClockNowPath:
		s.serveClockNow(rw, r)
		return
	case KeysRotatePath, KeysRetirePath:
		s.serveKeys(rw, r)
		s.notify()
		return
	case FaultExpirePath, FaultRevokeUserPath, FaultTokenPath, FaultReplayPath:
		s.serveFault(rw, r)
		s.notify()
		return
	case "/":
		s.serveIndex(rw, r)
		return
	}
	h := s.as
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		h = s.api
	case r.URL.Path == "/authorize" || r.URL.Path == "/end_session":
		h = s.browser // a browser: the user logs in, or out, at the AS
	case r.URL.Path == CallbackPath:
		h = s.page
	}
	if corsPath(r.URL.Path) {
		s.cors.ServeHTTP(rw, r, h.ServeHTTP) // answers a preflight itself (cors.go)
	} else {
		h.ServeHTTP(rw, r)
	}
	s.notify()
}

func (s *Server) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// Follow calls fn with the world's events, in order, as they complete,
// until ctx ends; then it delivers what remains and returns. Each call gets
// a batch: the events completed since the last call. An exchange is
// delivered once its response is recorded, and the events its handler
// caused (token.issued, reuse.detected…) come in the same batch, right
// after it, unless a concurrent request still in flight holds them back.
func (s *Server) Follow(ctx context.Context, fn func([]sim.Event)) {
	next := 0
	deliver := func(final bool) {
		evs := s.w.Log().Since(next)
		n := len(evs)
		if !final {
			for i, e := range evs {
				if e.Kind == sim.KindExchange && e.Status == 0 {
					n = i // still in flight: later events wait for it
					break
				}
			}
		}
		if n > 0 {
			fn(evs[:n])
			next = evs[n-1].Seq
		}
	}
	deliver(false)
	for {
		select {
		case <-ctx.Done():
			deliver(true)
			return
		case <-s.changed:
			deliver(false)
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(v)
	_, _ = w.Write(b)
}
