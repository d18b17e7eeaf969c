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
// this machine can POST a form here (cross-site request forgery), so a
// request from another site's page is refused (crossSite, crosssite.go).
func (s *Server) serveClock(rw http.ResponseWriter, r *http.Request) {
	if !s.loopbackOnly(rw, r) {
		return
	}
	if why := s.crossSite(r); why != "" {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": why + ": the clock answers this server's own pages and command-line clients only"})
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
