package serve

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// The operator's fault endpoints: POST, loopback callers only, no
// cross-site requests, like the clock. Each is an event in the log with
// its reason (sim/fault*.go), which the answer repeats.
const (
	// FaultExpirePath ends every live access token now.
	FaultExpirePath = "/sim/faults/expire-access"
	// FaultRevokeUserPath revokes a user's grants, as an administrator.
	FaultRevokeUserPath = "/sim/faults/revoke-user"
	// FaultTokenPath arms failures of the next token requests.
	FaultTokenPath = "/sim/faults/token"
	// FaultReplayPath lets the attacker replay a user's newest refresh token.
	FaultReplayPath = "/sim/faults/replay-refresh"
)

// operatorOnly admits an operator's POST: from this machine (loopback),
// and not from a web page on another origin (cross-site request forgery),
// by the same rules as the clock (clock.go).
func (s *Server) operatorOnly(rw http.ResponseWriter, r *http.Request, what string) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": what + " answers loopback callers only: it changes what every client of this server sees"})
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != s.w.Issuer() {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "cross-origin request from " + o + ": " + what + " answers this server's own pages and command-line clients only"})
		return false
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		writeJSON(rw, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "Sec-Fetch-Site " + site + ": " + what + " answers this server's own pages and command-line clients only"})
		return false
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		writeJSON(rw, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed", "error_description": "use POST"})
		return false
	}
	return true
}

// lastReason is the reason of the newest event of kind since seq: what
// the world said about the change an endpoint just made.
func (s *Server) lastReason(seq int, kind sim.EventKind) string {
	evs := s.w.Log().Since(seq)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == kind {
			return evs[i].Reason
		}
	}
	return ""
}

// faultError answers a refused fault: 404 for an unknown user, 400 else.
func faultError(rw http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, sim.ErrUnknownUser) {
		status = http.StatusNotFound
	}
	writeJSON(rw, status, map[string]string{"error": "invalid_request", "error_description": err.Error()})
}

// serveFault answers the fault endpoints.
func (s *Server) serveFault(rw http.ResponseWriter, r *http.Request) {
	if !s.operatorOnly(rw, r, "the fault endpoint") {
		return
	}
	// SingleValue reads the body: keep it, and give each read its own copy.
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, sim.MaxBodyBytes))
	if err != nil {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "reading the body: " + err.Error()})
		return
	}
	param := func(name string) (string, bool) {
		r.Body = io.NopCloser(bytes.NewReader(body))
		v, err := s.w.SingleValue(rw, r, name)
		if err != nil {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": err.Error()})
			return "", false
		}
		return v, true
	}
	seq := s.w.Log().Len()
	switch r.URL.Path {
	case FaultExpirePath:
		n := s.w.ExpireAccessTokens()
		writeJSON(rw, http.StatusOK, map[string]any{"expired": n, "reason": s.lastReason(seq, sim.KindFault)})
	case FaultRevokeUserPath:
		user, ok := param("user")
		if !ok {
			return
		}
		n, err := s.w.RevokeUserGrants(user)
		if err != nil {
			faultError(rw, err)
			return
		}
		writeJSON(rw, http.StatusOK, map[string]any{"families_revoked": n, "reason": s.lastReason(seq, sim.KindFault)})
	case FaultReplayPath:
		user, ok := param("user")
		if !ok {
			return
		}
		o, next, err := s.w.ReplayRefresh(user)
		if err != nil {
			faultError(rw, err)
			return
		}
		writeJSON(rw, http.StatusOK, map[string]any{"attacker": o, "next": next, "reason": s.lastReason(seq, sim.KindFault)})
	case FaultTokenPath:
		s.serveTokenFault(rw, r, param, seq)
	}
}

// serveTokenFault arms error=<invalid_grant|temporarily_unavailable|500|503>
// or delay=<duration>, for the next n=<1..100> token requests (default 1).
func (s *Server) serveTokenFault(rw http.ResponseWriter, r *http.Request, param func(string) (string, bool), seq int) {
	mode, ok := param("error")
	if !ok {
		return
	}
	ds, ok := param("delay")
	if !ok {
		return
	}
	ns, ok := param("n")
	if !ok {
		return
	}
	n := 1
	if ns != "" {
		var err error
		if n, err = strconv.Atoi(ns); err != nil {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "n=<count>: " + err.Error()})
			return
		}
	}
	var d time.Duration
	if ds != "" {
		var err error
		if d, err = text.ParseDuration(ds); err != nil {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "delay=<duration> (500ms, 5s): " + err.Error()})
			return
		}
		if mode == "" {
			mode = "delay"
		}
	}
	if err := s.w.FailTokenRequests(n, mode, d); err != nil {
		faultError(rw, err)
		return
	}
	writeJSON(rw, http.StatusOK, map[string]any{"armed": mode, "n": n, "reason": s.lastReason(seq, sim.KindFault)})
}
