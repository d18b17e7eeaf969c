// Package hostcheck is the one Host header rule of tokensim's loopback
// servers (tokensim serve, tokensim web), against DNS rebinding.
//
// Why: a loopback server is reachable from any web page the user opens,
// through DNS rebinding. The attacker's name (evil.example) first resolves
// to the attacker's server, which serves a script, then to 127.0.0.1, so
// that the script's same-origin requests reach the loopback server while
// the browser still believes it talks to evil.example; the Host header is
// the one thing that still says evil.example. Refusing unknown Hosts
// closes the attack: otherwise the same-origin policy itself would hand
// the attacker's script every response, and an Origin check comparing
// Origin with Host would pass. The loopback names are safe to accept: an
// attacker's page cannot be served from them, since no DNS answer the
// attacker controls is involved.
package hostcheck

import (
	"net"
	"strings"
)

// Loopback is the names every loopback server accepts besides its own.
func Loopback() []string { return []string{"localhost", "127.0.0.1", "::1"} }

// Allowed reports whether a request's Host header names a server whose
// own name is name (lower case, no brackets) on port: name, or a Loopback
// name, with that port. A Host without a port has defaultPort, the
// scheme's (RFC 9110 §7.2).
func Allowed(host, name, port, defaultPort string) bool {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		h, p = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), defaultPort
	}
	if p != port {
		return false
	}
	h = strings.ToLower(h)
	if h == name {
		return true
	}
	for _, l := range Loopback() {
		if h == l {
			return true
		}
	}
	return false
}
