package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
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
		{"POST", "/token", "authorization_code, refresh_token (RFC 6749 4.1.3, 6)"},
		{"POST", "/revoke", "token revocation (RFC 7009)"},
		{"GET", "/end_session", "RP-initiated logout: ends the AS session (OpenID Connect RP-Initiated Logout 1.0)"},
		{"POST", "/introspect", "token introspection (RFC 7662), as client api / " + sim.DemoAPISecret},
		{"GET", "/api/profile", "the API; scope profile"},
		{"GET", "/api/orders", "the API; scope orders:read"},
		{"POST", "/api/orders", "the API; scope orders:write"},
		{"GET", CallbackPath, "shows the authorization response (web's redirect URI)"},
		{"GET", ClockNowPath, "the virtual time, as JSON (loopback callers only)"},
		{"POST", ClockPath, "by=<duration>: advance the clock (loopback callers only)"},
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
	changed chan struct{} // signalled when the log may have grown
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
	w, err := sim.New(sim.Config{Preset: o.Preset, Hosting: &sim.Hosting{
		Origin: o.Origin, Now: o.Now, Speed: o.Speed, Users: users,
		LoopbackClient: ClientCLI,
		WebRedirectURI: o.Origin + CallbackPath,
		// The index page (RP-Initiated Logout 1.0 §3: registered, exact).
		WebPostLogoutURI: o.Origin + "/",
		LogLimit:         o.LogLimit,
		CacheSignatures:  !o.VerifyEveryRequest, // real clients repeat their token with every call
	}})
	if err != nil {
		return nil, err
	}
	s := &Server{w: w, opts: o, changed: make(chan struct{}, 1)}
	s.as = w.Record(sim.ActorApp, sim.ActorAS, w.AuthServer())
	s.api = w.Record(sim.ActorApp, sim.ActorAPI, w.API())
	s.browser = w.Record(sim.ActorUser, sim.ActorAS, w.AuthServer())
	s.page = w.Record(sim.ActorUser, sim.ActorApp, http.HandlerFunc(s.serveCallback))
	return s, nil
}

// World is the world the server serves.
func (s *Server) World() *sim.World { return s.w }

// HTTPServer wraps s in an http.Server with serve mode's limits: every
// timeout set (a slow or idle client cannot hold a connection forever:
// Slowloris) and request headers capped. Bodies are capped at sim.MaxBodyBytes
// by ServeHTTP.
func (s *Server) HTTPServer(errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          errorLog,
	}
}

// ServeHTTP implements http.Handler: it records the exchange around the AS,
// the API or a demo page.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case ClockPath:
		s.serveClock(rw, r)
		s.notify()
		return
	case ClockNowPath:
		s.serveClockNow(rw, r)
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
	h.ServeHTTP(rw, r)
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

// serveClock is the admin endpoint: POST by=<duration> (form body or query)
// jumps the virtual clock forward. It answers loopback callers only, even
// when the server listens on another interface: moving the clock ends every
// session, which no remote attendee should be able to do to the others.
//
// A loopback caller may still be a web page: any site open in a browser on
// this machine can POST a form here (cross-site request forgery). Browsers
// say where a request comes from, curl says nothing, so a request that
// carries an Origin other than the server's own, or a Sec-Fetch-Site other
// than same-origin or none (a typed URL), is refused. same-site is refused
// too: another port on 127.0.0.1 is the same site but not this server.
func (s *Server) serveClock(rw http.ResponseWriter, r *http.Request) {
	if !s.loopbackOnly(rw, r) {
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != s.w.Issuer() {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "cross-origin request from " + o + ": the clock answers this server's own pages and command-line clients only"})
		return
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "Sec-Fetch-Site " + site + ": the clock answers this server's own pages and command-line clients only"})
		return
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		writeJSON(rw, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed", "error_description": "use POST"})
		return
	}
	by, err := s.w.SingleValue(rw, r, "by")
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	d, err := text.ParseDuration(by)
	if err == nil && d <= 0 {
		err = errors.New("by must be a positive duration")
	}
	if err == nil {
		err = s.w.Advance(d)
	}
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "by=<duration> (90s, 15m, 1h, 2d): " + err.Error()})
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"advanced": text.FormatDuration(d), "now": s.w.Clock().Now().Format(time.RFC3339)})
}

// loopbackOnly refuses, with 403, a caller that is not on this machine:
// the clock endpoints move or reveal what every attendee shares.
func (s *Server) loopbackOnly(rw http.ResponseWriter, r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "the clock answers loopback callers only"})
		return false
	}
	return true
}

// serveClockNow answers GET with the virtual time, as JSON, to loopback
// callers: {"now": RFC 3339}.
func (s *Server) serveClockNow(rw http.ResponseWriter, r *http.Request) {
	if !s.loopbackOnly(rw, r) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		writeJSON(rw, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed", "error_description": "use GET"})
		return
	}
	writeJSON(rw, http.StatusOK, map[string]string{"now": s.w.Clock().Now().Format(time.RFC3339)})
}

// serveIndex answers GET / with a plain-text index: the issuer and the
// endpoints, as the banner lists them, for whoever opens the origin in a
// browser. Every other method or path under / stays the AS's 404.
func (s *Server) serveIndex(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		http.Error(rw, "use GET", http.StatusMethodNotAllowed)
		return
	}
	iss := s.w.Issuer()
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(rw, "tokensim serve: the simulator's authorization server and API, over real HTTP.\n\nIssuer   "+iss+
		"\nAudience "+s.w.Audience()+"\n\nEndpoints\n"+EndpointList(iss, "  "))
}

var callbackTemplate = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Callback - tokensim</title></head>
<body><h1>Authorization response</h1>
{{if .Error}}<p role="alert">The AS answered <b>{{.Error}}</b>: {{.Description}}</p>
{{else}}<p>The authorization code (single-use, short-lived):</p>
<pre id="code">{{.Code}}</pre>
<p>Exchange it at the token endpoint now, for example:</p>
<pre>curl -s -u web:{{.Secret}} {{.Issuer}}/token \
  -d grant_type=authorization_code -d code={{.Code}} \
  -d redirect_uri={{.Redirect}}</pre>
<p>(A public client such as cli sends <code>-d client_id=cli -d code_verifier=VERIFIER</code> instead of <code>-u</code>: PKCE, RFC 7636.)</p>
{{end}}{{if .State}}<p>state: <code>{{.State}}</code></p>{{end}}
{{if .Iss}}<p>iss: <code>{{.Iss}}</code> (RFC 9207: check it is the issuer you sent the user to)</p>{{end}}
</body></html>
`))

// serveCallback shows the authorization response to the person who logged
// in, so that a curl walk-through can copy the code. A real client's
// redirect URI is its own; this page stands in for the web client's.
func (s *Server) serveCallback(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		s.w.Note(r, r.Method+" is not allowed here", "")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	s.w.Note(r, "", "the browser brings the authorization response back to the client's redirect URI")
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Referrer-Policy", "no-referrer") // the code must not leak in a Referer (RFC 9700 §4.2.4)
	_ = callbackTemplate.Execute(rw, map[string]any{
		"Code": q.Get("code"), "State": q.Get("state"), "Iss": q.Get("iss"),
		"Error": q.Get("error"), "Description": q.Get("error_description"),
		"Secret": sim.DemoWebSecret, "Issuer": s.w.Issuer(), "Redirect": url.QueryEscape(s.w.Issuer() + CallbackPath),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(v)
	_, _ = w.Write(b)
}
