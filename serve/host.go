package serve

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/tokensim/tokensim/internal/hostcheck"
)

// hostAllowed reports whether a request's Host header names this server:
// the issuer's own host:port, or a loopback name or IP literal (localhost,
// 127.0.0.1, [::1]) with the issuer's port (internal/hostcheck says why:
// DNS rebinding).
func (s *Server) hostAllowed(host string) bool {
	return hostcheck.Allowed(host, s.allowed.issuerName, s.allowed.issuerPort, defaultPort(s.allowed.issuer.Scheme))
}

// issuerHost is what hostAllowed compares with, parsed once per server.
type issuerHost struct {
	issuer     *url.URL
	issuerName string // lower case, no brackets
	issuerPort string // explicit, or the scheme's default
}

func newIssuerHost(issuer string) issuerHost {
	u, _ := url.Parse(issuer) // checked when the world was made
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	return issuerHost{issuer: u, issuerName: strings.ToLower(u.Hostname()), issuerPort: port}
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// refuseHost answers a request for another host with 421 Misdirected
// Request (RFC 9110 §15.5.20: "the request was directed at a server that
// is unable or unwilling to produce an authoritative response for the
// target URI"), in plain words saying which hosts are accepted.
func (s *Server) refuseHost(rw http.ResponseWriter, r *http.Request) {
	accepted := []string{s.allowed.issuer.Host}
	for _, h := range hostcheck.Loopback() {
		if hp := net.JoinHostPort(h, s.allowed.issuerPort); hp != s.allowed.issuer.Host {
			accepted = append(accepted, hp)
		}
	}
	s.w.Note(r, "Host "+quoteHost(r.Host)+" is not this server: refused, as a page using DNS rebinding would be", "")
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(http.StatusMisdirectedRequest)
	_, _ = rw.Write([]byte("tokensim serve answers requests for " + strings.Join(accepted, ", ") +
		" only, not for Host " + quoteHost(r.Host) + ": a request naming another host may be a DNS rebinding attack from a web page.\n"))
}

// quoteHost shows a Host header safely in a plain-text answer.
func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100] + "…"
	}
	return `"` + strings.Map(func(c rune) rune {
		if c < ' ' || c == 0x7f {
			return '?'
		}
		return c
	}, h) + `"`
}
