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
)

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
	if r.URL.Path == ServeClockPath {
		s.serveClock(rw, r)
		s.notify()
		return
	}
	from, to, h := ActorApp, ActorAS, http.Handler(s.w.as)
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		to, h = ActorAPI, s.w.api
	case r.URL.Path == "/authorize":
		from = ActorUser // a browser: the user logs in at the AS
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
func (s *Server) serveClock(rw http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "the clock answers loopback callers only"})
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
