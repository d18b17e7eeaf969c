package serve

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// hostAllowed reports whether a request's Host header names this server:
// the issuer's own host:port, or a loopback name or IP literal (localhost,
// 127.0.0.1, [::1]) with the issuer's port.
//
// Why: a loopback server is reachable from any web page the user opens,
// through DNS rebinding. The attacker's name (evil.example) first resolves
// to the attacker's server, which serves a script, then to 127.0.0.1, so
// that the script's same-origin requests reach this server while the
// browser still believes it talks to evil.example; the Host header is the
// one thing that still says evil.example. Refusing unknown Hosts closes
// the attack: otherwise the same-origin policy itself would hand the
// attacker's script every response, with no CORS check involved.
// The loopback names are safe to accept: an attacker's page cannot be
// served from them, since no DNS answer the attacker controls is involved.
func (s *Server) hostAllowed(host string) bool {
	want, err := url.Parse(s.w.Issuer()) // checked when the world was made
	if err != nil {
		return false
	}
	port := want.Port()
	if port == "" {
		port = defaultPort(want.Scheme)
	}
	h, p, err := net.SplitHostPort(host)
	if err != nil { // no port: the scheme's default (RFC 9110 §7.2)
		h, p = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), defaultPort(want.Scheme)
	}
	if p != port {
		return false
	}
	h = strings.ToLower(h)
	switch h {
	case strings.ToLower(want.Hostname()), "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
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
	want, _ := url.Parse(s.w.Issuer())
	port := want.Port()
	if port == "" {
		port = defaultPort(want.Scheme)
	}
	accepted := []string{want.Host}
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		if hp := net.JoinHostPort(h, port); hp != want.Host {
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
