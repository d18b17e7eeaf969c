package sim

import (
	"bytes"
	"context"
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
)

// Paths serve mode adds to the AS's and API's own.
const (
	// ServeCallbackPath shows the authorization response to a person, for
	// curl walk-throughs: the web client's registered redirect URI.
	ServeCallbackPath = "/callback"
	// ServeClockPath advances the virtual clock (POST, loopback callers
	// only), so that a demo can expire tokens without waiting.
	ServeClockPath = "/sim/clock/advance"
	// ServeClockNowPath reads the virtual clock (GET, loopback callers
	// only), so that a script can tell how far a demo has jumped.
	ServeClockNowPath = "/sim/clock"
)

// ServeEndpoint is one endpoint a serve world answers at: what the banner
// and the index page at / list.
type ServeEndpoint struct {
	Method, Path, What string
}

// ServeEndpoints lists serve mode's endpoints, in the order a walk-through
// meets them.
func ServeEndpoints() []ServeEndpoint {
	return []ServeEndpoint{
		{"GET", "/.well-known/openid-configuration", "discovery (OpenID Connect Discovery 1.0)"},
		{"GET", "/.well-known/oauth-authorization-server", "metadata (RFC 8414)"},
		{"GET", "/jwks.json", "the AS's public keys (RFC 7517)"},
		{"GET", "/authorize", "login page; then a redirect with the code (RFC 6749 4.1)"},
		{"POST", "/token", "authorization_code, refresh_token (RFC 6749 4.1.3, 6)"},
		{"POST", "/revoke", "token revocation (RFC 7009)"},
		{"GET", "/end_session", "RP-initiated logout: ends the AS session (OpenID Connect RP-Initiated Logout 1.0)"},
		{"POST", "/introspect", "token introspection (RFC 7662), as client api / " + DemoAPISecret},
		{"GET", "/api/profile", "the API; scope profile"},
		{"GET", "/api/orders", "the API; scope orders:read"},
		{"POST", "/api/orders", "the API; scope orders:write"},
		{"GET", ServeCallbackPath, "shows the authorization response (web's redirect URI)"},
		{"GET", ServeClockNowPath, "the virtual time, as JSON (loopback callers only)"},
		{"POST", ServeClockPath, "by=<duration>: advance the clock (loopback callers only)"},
	}
}

// ServeEndpointList is ServeEndpoints as aligned lines, each with the
// issuer's full URL and indent in front: the banner's and the index's list.
func ServeEndpointList(issuer, indent string) string {
	eps := ServeEndpoints()
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

// Server serves a serve world (Config.Serve) over real HTTP: the AS at the
// origin's root, the API under /api/, and the demo pages. Every request is
// recorded in the world's log as the same exchange event the in-memory
// wire records, so the live view, `--format json` and the player read real
// traffic exactly as they read a lesson.
type Server struct {
	w       *World
	changed chan struct{} // signalled when the log may have grown
}

// NewServer returns the world's HTTP handler. The world must have been made
// with Config.Serve.
func (w *World) NewServer() (*Server, error) {
	if w.serveUsers == nil {
		return nil, errors.New("serve: this world was not made for serving (Config.Serve is nil)")
	}
	return &Server{w: w, changed: make(chan struct{}, 1)}, nil
}

// HTTPServer wraps s in an http.Server with serve mode's limits: every
// timeout set (a slow or idle client cannot hold a connection forever:
// Slowloris) and request headers capped. Bodies are capped at MaxBodyBytes
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
	case ServeClockPath:
		s.serveClock(rw, r)
		s.notify()
		return
	case ServeClockNowPath:
		s.serveClockNow(rw, r)
		return
	case "/":
		s.serveIndex(rw, r)
		return
	}
	from, to, h := ActorApp, ActorAS, http.Handler(s.w.as)
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		to, h = ActorAPI, s.w.api
	case r.URL.Path == "/authorize" || r.URL.Path == "/end_session":
		from = ActorUser // a browser: the user logs in, or out, at the AS
	case r.URL.Path == ServeCallbackPath:
		from, to, h = ActorUser, ActorApp, http.HandlerFunc(s.serveCallback)
	}
	var body []byte
	tooLarge := false
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(rw, r.Body, MaxBodyBytes))
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			tooLarge = true
		case err != nil:
			// The client went away mid-body: nothing to answer.
			return
		}
	}
	note := &annotation{}
	r = r.WithContext(context.WithValue(r.Context(), annotationKey{}, note))
	r.Body = io.NopCloser(bytes.NewReader(body))
	seq := s.w.wire.begin(from, to, r.Method, r.Host, r.URL.Path, r.URL.RequestURI(), r.Header, body)
	cw := &captureWriter{rw: rw}
	defer func() {
		// A handler bug must not take the server down nor leave the
		// exchange open (the live view waits for it): answer 500, record
		// it, and keep serving.
		if p := recover(); p != nil {
			note.reason = fmt.Sprintf("internal error: %v", p)
			if !cw.wrote {
				http.Error(cw, "internal server error", http.StatusInternalServerError)
			}
		}
		s.w.wire.finish(seq, note, cw.statusCode(), cw.recorded(), cw.body.Bytes())
		s.notify()
	}()
	if tooLarge {
		note.reason = "the request body is larger than 1 MiB"
		http.Error(cw, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	h.ServeHTTP(cw, r)
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
func (s *Server) Follow(ctx context.Context, fn func([]Event)) {
	next := 0
	deliver := func(final bool) {
		evs := s.w.Log().Since(next)
		n := len(evs)
		if !final {
			for i, e := range evs {
				if e.Kind == KindExchange && e.Status == 0 {
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

// captureWriter passes the response through and keeps a copy for the log.
type captureWriter struct {
	rw     http.ResponseWriter
	status int
	header http.Header // a copy taken when the header was written
	wrote  bool
	body   bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.rw.Header() }

func (c *captureWriter) WriteHeader(code int) {
	if c.wrote {
		return
	}
	c.wrote, c.status, c.header = true, code, c.rw.Header().Clone()
	c.rw.WriteHeader(code)
}

func (c *captureWriter) Write(p []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	if c.body.Len() < maxRecordedBody+1 {
		c.body.Write(p[:min(len(p), maxRecordedBody+1-c.body.Len())])
	}
	return c.rw.Write(p)
}

func (c *captureWriter) statusCode() int {
	if !c.wrote {
		return http.StatusOK
	}
	return c.status
}

func (c *captureWriter) recorded() http.Header {
	if !c.wrote {
		return c.rw.Header().Clone()
	}
	return c.header
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
	if o := r.Header.Get("Origin"); o != "" && o != s.w.as.issuer {
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
	vals := r.URL.Query()
	if body, err := readValues(rw, r); err == nil {
		for k, vs := range body {
			vals[k] = append(vals[k], vs...)
		}
	} else {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	f, err := singleValued(vals)
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
		return
	}
	d, err := ParseDuration(f.get("by"))
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
	writeJSON(rw, http.StatusOK, map[string]string{"advanced": FormatDuration(d), "now": s.w.Clock().Now().Format(time.RFC3339)})
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
	iss := s.w.as.issuer
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.WriteString(rw, "tokensim serve: the simulator's authorization server and API, over real HTTP.\n\nIssuer   "+iss+
		"\nAudience "+ServeAudience(iss)+"\n\nEndpoints\n"+ServeEndpointList(iss, "  "))
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
	if !getOnly(rw, r) {
		return
	}
	q := r.URL.Query()
	noteOf(r).summary = "the browser brings the authorization response back to the client's redirect URI"
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Referrer-Policy", "no-referrer") // the code must not leak in a Referer (RFC 9700 §4.2.4)
	_ = callbackTemplate.Execute(rw, map[string]any{
		"Code": q.Get("code"), "State": q.Get("state"), "Iss": q.Get("iss"),
		"Error": q.Get("error"), "Description": q.Get("error_description"),
		"Secret": DemoWebSecret, "Issuer": s.w.as.issuer, "Redirect": url.QueryEscape(s.w.as.issuer + ServeCallbackPath),
	})
}
