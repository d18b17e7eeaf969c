package serve

import (
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

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
