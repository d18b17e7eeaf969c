package sim

import (
	"bytes"
	"context"
	"fmt"
	"github.com/tokensim/tokensim/internal/text"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Exchange is one HTTP request and its response, as they crossed the wire.
type Exchange struct {
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

// Request is the recorded request. Target is the request-target (path and
// query) as it appears on the request line.
type Request struct {
	Method string      `json:"method"`
	Host   string      `json:"host"`
	Target string      `json:"target"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// Response is the recorded response.
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// Text renders the request as it would appear on an HTTP/1.1 connection,
// headers sorted so that the rendering is deterministic.
func (r Request) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\nHost: %s\n", r.Method, r.Target, r.Host)
	writeHeaders(&b, r.Header)
	if r.Body != "" {
		b.WriteString("\n" + r.Body + "\n")
	}
	return b.String()
}

// Text renders the response as it would appear on an HTTP/1.1 connection.
func (r Response) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\n", r.Status, http.StatusText(r.Status))
	writeHeaders(&b, r.Header)
	if r.Body != "" {
		b.WriteString("\n" + r.Body + "\n")
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", text.HeaderName(k), v)
		}
	}
}

// maxRecordedBody caps what the wire keeps of a body. Servers cap what they
// read at 1 MiB themselves (see limitBody); this only bounds the event log.
const maxRecordedBody = 64 << 10

// wire connects actors to the servers without sockets: an http.RoundTripper
// that calls the destination's http.Handler directly and records the
// exchange as an Event. Nested exchanges (the app's callback handler calling
// the token endpoint) work: the wire holds no lock while a handler runs.
type wire struct {
	log      *Log
	counters *counterSet
	mu       sync.Mutex
	routes   map[string][]route // by host
}

type route struct {
	prefix  string
	actor   Actor
	handler http.Handler
}

func newWire(log *Log, counters *counterSet) *wire {
	return &wire{log: log, counters: counters, routes: map[string][]route{}}
}

// Handle routes requests for host to h, drawn in the diagram as actor.
func (w *wire) Handle(host string, actor Actor, h http.Handler) { w.HandlePrefix(host, "/", actor, h) }

// HandlePrefix routes requests for host whose path starts with prefix to
// h; the longest matching prefix wins. One host can so play two roles, as a
// first-party backend does (its /auth/ is the token issuer, its /api/ the
// resource server).
func (w *wire) HandlePrefix(host, prefix string, actor Actor, h http.Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.routes[host] = append(w.routes[host], route{prefix, actor, h})
}

func (w *wire) lookup(host, path string) (route, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var best route
	found := false
	routes := w.routes[host]
	for _, r := range routes {
		if strings.HasPrefix(path, r.prefix) && (!found || len(r.prefix) > len(best.prefix)) {
			best, found = r, true
		}
	}
	if !found && len(routes) > 0 {
		// The host exists but none of its prefixes covers path (a
		// first-party backend serves only /auth/, /api/ and /jwks.json):
		// like any real server it answers 404, rather than vanishing
		// from the network.
		return route{actor: routes[0].actor, handler: http.HandlerFunc(notFound)}, true
	}
	return best, found
}

// notFound answers a path no handler of the host serves.
func notFound(w http.ResponseWriter, r *http.Request) {
	noteOf(r).reason = "the server at " + r.Host + " has no endpoint at " + quoteID(r.URL.Path)
	http.NotFound(w, r)
}

// Client returns an http.Client whose requests leave from actor. It never
// follows redirects (the browser model follows them explicitly, so that
// each hop is its own recorded exchange) and keeps no cookies.
func (w *wire) Client(from Actor) *http.Client {
	return &http.Client{
		Transport:     transport{w, from},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// remoteAddrs gives each actor a fixed documentation address (RFC 5737) so
// that a server can tell callers apart the way a real one would: by address.
var remoteAddrs = map[Actor]string{
	ActorUser:     "192.0.2.10:50000",
	ActorApp:      "192.0.2.20:50000",
	ActorAS:       "192.0.2.30:50000",
	ActorAPI:      "192.0.2.40:50000",
	ActorBilling:  "192.0.2.50:50000",
	ActorAttacker: "203.0.113.66:50000",
	ActorService:  "192.0.2.60:50000",
}

type transport struct {
	w    *wire
	from Actor
}

// RoundTrip implements http.RoundTripper.
func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt, ok := t.w.lookup(req.URL.Host, req.URL.Path)
	if !ok {
		return nil, fmt.Errorf("wire: no server at %q (the simulation has no network)", req.URL.Host)
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("wire: reading request body: %w", err)
		}
	}
	// The server's view of the request: a shallow copy carrying the
	// annotation, with its own headers (a server never shares the client's
	// header map). Nothing else of req is written to, so a deep Clone
	// would only copy the URL for nothing.
	note := &annotation{}
	in := req.WithContext(context.WithValue(req.Context(), annotationKey{}, note))
	in.Header = req.Header.Clone()
	if in.Header == nil {
		in.Header = http.Header{}
	}
	target := req.URL.RequestURI()
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.RequestURI = target
	in.RemoteAddr = remoteAddrs[t.from]
	in.Host = req.URL.Host
	if len(body) > 0 || in.Method == http.MethodPost {
		in.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}

	seq := t.w.begin(t.from, rt.actor, req.Method, req.URL.Host, req.URL.Path, target, in.Header, body)
	if r, ok := req.Context().Value(receiptKey{}).(*int); ok {
		*r = seq // the caller learns which event its request became
	}

	rec := newRecorder()
	rec.head = in.Method == http.MethodHead
	rt.handler.ServeHTTP(rec, in)
	rec.finish()

	t.w.finish(seq, note, rec.status, rec.header, rec.body.Bytes())
	return &http.Response{
		Status:        strconv.Itoa(rec.status) + " " + http.StatusText(rec.status),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		ContentLength: int64(rec.body.Len()),
		Request:       req,
	}, nil
}

// begin records a request as it reaches its server: the exchange event is
// emitted now, so that it sorts before the state changes the request
// causes, and completed by finish. The wire and the socket recorder
// (World.Record, hosting_record.go) share it, so both record exchanges identically.
func (w *wire) begin(from, to Actor, method, host, path, target string, header http.Header, body []byte) int {
	seq := w.log.emit(Event{
		Kind: KindExchange, From: from, To: to,
		Method: method, Path: path,
		Exchange: &Exchange{Request: Request{
			Method: method, Host: host, Target: target,
			Header: header.Clone(), Body: clip(string(body)),
		}},
	})
	w.counters.add(&w.counters.c.Exchanges)
	return seq
}

// finish completes the exchange event seq with the response and the
// handler's annotation.
func (w *wire) finish(seq int, note *annotation, status int, header http.Header, body []byte) {
	end := w.log.Len() // events up to here happened while the request was handled
	w.log.update(seq, func(e *Event) {
		e.End = end
		e.Status = status
		e.Error, e.Reason, e.Token, e.Family, e.Summary = note.err, note.reason, note.token, note.family, note.summary
		if e.Error == "" {
			e.Error = errorCodeOf(header, body)
		}
		e.Exchange.Response = Response{Status: status, Header: header.Clone(), Body: clip(string(body))}
	})
}

func clip(s string) string {
	if len(s) <= maxRecordedBody {
		return s
	}
	// Cut at a character boundary, so that clipping never turns a valid
	// UTF-8 body into an invalid one (the JSON export would replace the
	// split bytes with U+FFFD).
	n := maxRecordedBody
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			n = i
			break
		}
	}
	return s[:n] + "…(truncated)"
}

// recorder is the ResponseWriter handed to handlers on the wire.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	head        bool // a HEAD response carries no body (RFC 9110 §9.3.2)
	body        bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.wroteHeader {
		return
	}
	r.wroteHeader, r.status = true, code
}

func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if r.head {
		return len(p), nil
	}
	return r.body.Write(p)
}

func (r *recorder) finish() {
	r.WriteHeader(http.StatusOK)
	if r.header.Get("Content-Type") == "" && r.body.Len() > 0 {
		r.header.Set("Content-Type", http.DetectContentType(r.body.Bytes()))
	}
}

// annotation is how a handler tells the recorder why it answered as it did.
// It rides in the request context, so handlers stay plain http.Handlers that
// also run over TCP (where World.Record installs its own annotation).
type annotation struct {
	err, reason, token, family, summary string
}

type annotationKey struct{}

func noteOf(r *http.Request) *annotation {
	if a, ok := r.Context().Value(annotationKey{}).(*annotation); ok {
		return a
	}
	return &annotation{} // not recorded; the writes go nowhere
}

// receiptKey marks a request whose sender wants to know the sequence number
// of the exchange event it became (see send).
type receiptKey struct{}

// errorCodeOf extracts the OAuth error code from a JSON error body (RFC 6749
// §5.2), a WWW-Authenticate challenge (RFC 6750 §3) or an error redirect
// (RFC 6749 §4.1.2.1), for exchanges whose handler did not annotate one.
func errorCodeOf(h http.Header, body []byte) string {
	if c := h.Get("WWW-Authenticate"); c != "" {
		if i := strings.Index(c, `error="`); i >= 0 {
			rest := c[i+len(`error="`):]
			if j := strings.IndexByte(rest, '"'); j >= 0 {
				return rest[:j]
			}
		}
	}
	if loc := h.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			if e := u.Query().Get("error"); e != "" {
				return e
			}
		}
	}
	if i := bytes.Index(body, []byte(`"error":"`)); i >= 0 {
		rest := body[i+len(`"error":"`):]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			return string(rest[:j])
		}
	}
	return ""
}
