package serve

import (
	"io"
	"net/http"
)

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
	_, _ = io.WriteString(rw, "tokensim serve: the simulator's authorization server and API, over real HTTP.\n\nIssuer   "+iss+
		"\nAudience "+s.w.Audience()+"\n\nEndpoints\n"+EndpointList(iss, "  "))
}
