package serve

import (
	"net"
	"net/http"
)

// The operator's endpoints (/sim/clock, /sim/keys/*, /sim/faults/*) change
// or reveal what every client of this server shares: the time, the signing
// keys, the faults its token endpoint answers with. They answer the
// machine the server runs on only, and, since any page open in a browser
// on that machine can POST a form to loopback (cross-site request
// forgery), no other site's page either (crossSite, crosssite.go). One
// rule for all of them, here.

// loopbackOnly refuses, with 403, a caller that is not on this machine,
// even when the server listens on another interface with --allow-remote: no
// remote attendee may move what the others see. what names the endpoint
// in the answer ("the clock").
func (s *Server) loopbackOnly(rw http.ResponseWriter, r *http.Request, what string) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": what + " answers loopback callers only: it changes what every client of this server sees"})
		return false
	}
	return true
}

// operatorOnly admits an operator's POST: loopbackOnly, not from another
// site's page, and POST. It answers the refusal itself.
func (s *Server) operatorOnly(rw http.ResponseWriter, r *http.Request, what string) bool {
	if !s.loopbackOnly(rw, r, what) {
		return false
	}
	if why := s.crossSite(r); why != "" {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": why + ": " + what + " answers this server's own pages and command-line clients only"})
		return false
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		writeJSON(rw, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed", "error_description": "use POST"})
		return false
	}
	return true
}
