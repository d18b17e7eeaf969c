package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Record returns h wrapped so that every request it serves over a socket
// is recorded in the world's log as the same exchange event the in-memory
// wire records (from → to, with the reasons h's handlers give), so that a
// host's live view and exports read real traffic exactly as they read a
// lesson. Bodies are capped at MaxBodyBytes (413); a handler that panics
// is answered 500, recorded, and the host keeps serving.
func (w *World) Record(from, to Actor, h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
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
		seq := w.wire.begin(from, to, r.Method, r.Host, r.URL.Path, r.URL.RequestURI(), r.Header, body)
		cw := &captureWriter{rw: rw}
		defer func() {
			// A handler bug must not take the server down nor leave the
			// exchange open (a live view waits for it): answer 500,
			// record it, and keep serving.
			if p := recover(); p != nil {
				note.reason = fmt.Sprintf("internal error: %v", p)
				if !cw.wrote {
					http.Error(cw, "internal server error", http.StatusInternalServerError)
				}
			}
			w.wire.finish(seq, note, cw.statusCode(), cw.recorded(), cw.body.Bytes())
		}()
		if tooLarge {
			note.reason = "the request body is larger than 1 MiB"
			http.Error(cw, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.ServeHTTP(cw, r)
	})
}

// Note gives the exchange r is recorded as (see Record) a reason and a
// summary, where not empty: for pages a host serves beside the world's
// own handlers.
func (w *World) Note(r *http.Request, reason, summary string) {
	n := noteOf(r)
	if reason != "" {
		n.reason = reason
	}
	if summary != "" {
		n.summary = summary
	}
}

// SingleValue reads r's query and form body as the AS reads a request (at
// most MaxBodyBytes, an empty value treated as omitted, a repeated
// parameter refused: RFC 6749 §3.1) and returns the value of name.
func (w *World) SingleValue(rw http.ResponseWriter, r *http.Request, name string) (string, error) {
	vals := r.URL.Query()
	body, err := readValues(rw, r)
	if err != nil {
		return "", err
	}
	for k, vs := range body {
		vals[k] = append(vals[k], vs...)
	}
	f, err := singleValued(vals)
	if err != nil {
		return "", err
	}
	return f.get(name), nil
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
