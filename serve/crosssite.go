package serve

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// crossSite says why r, a request that changes state (the clock moves, a
// user signs in), comes from a page of another site, or "" when it does
// not. It is the one rule the clock endpoints and the sign-in form share.
//
// Browsers say where a request comes from; curl and other command-line
// clients say nothing, and are let through. A request is refused when it
// carries an Origin other than the issuer's (RFC 6454 §7; the Fetch
// standard sends it on every POST), or a Sec-Fetch-Site other than
// same-origin or none (none: the user typed the URL or used a bookmark;
// W3C Fetch Metadata Request Headers, Sec-Fetch-Site). same-site is refused too:
// another port on 127.0.0.1 is the same site but not this server. This
// is the Fetch Metadata defence of OWASP's Cross-Site Request Forgery
// Prevention Cheat Sheet, with the Origin check as its fallback for
// browsers that send no Sec-Fetch-Site.
func (s *Server) crossSite(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" && o != s.w.Issuer() && !s.ownOrigin(o, r) {
		return "cross-origin request from " + o + " (Origin)"
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "Sec-Fetch-Site " + site
	}
	return ""
}

// ownOrigin reports whether the origin o is this server as the browser
// reached it: the scheme and the request's own Host, which the Host
// allow-list has already accepted (http://localhost:PORT for an issuer of
// http://127.0.0.1:PORT, when the user opened it so). Any other loopback
// name is not enough: [::1]:PORT may be another program when this server
// binds 127.0.0.1, and under --allow-remote localhost is the user's own
// machine, not this server.
func (s *Server) ownOrigin(o string, r *http.Request) bool {
	return strings.EqualFold(o, s.allowed.issuer.Scheme+"://"+r.Host)
}

// signInGuard is the AS as a person's browser reaches it, refusing a sign-in
// form posted from another site: login CSRF, where the attacker's page signs
// the victim in as the attacker, so that what the victim then does (saves a
// card, links an account) lands in the attacker's account (OWASP Cross-Site
// Request Forgery Prevention Cheat Sheet, "Login CSRF"). RFC 9700 §4.7 is
// about CSRF against the client's redirect URI, not the AS's own form.
//
// Only a POST that signs in (username, password or consent in the body),
// or that confirms a logout (confirm at /end_session), is checked: an
// authorization request itself may arrive as a cross-site form POST from a
// relying party's page, which OIDC Core §3.1.2.1 requires an AS to accept.
func (s *Server) signInGuard(as http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var note string
		var page func(why, iss string) string
		switch {
		case r.Method != http.MethodPost:
		case r.URL.Path == "/authorize" && bodyHas(r, "username", "password", "consent"):
			note = "a sign-in form posted from another site is refused (login CSRF)"
			page = func(why, iss string) string {
				return "Sign-in refused: " + why + ".\n\nThis server accepts its sign-in form only from its own page, " + iss +
					"/authorize: a form posted from another site could sign you in as someone else (login CSRF).\nOpen the authorization URL on " + iss + " and sign in there.\n"
			}
		case r.URL.Path == "/end_session" && bodyHas(r, "confirm"):
			// The logout confirmation likewise: another site's page must
			// not sign the user out (logout CSRF; RP-Initiated Logout 1.0
			// §2 has the OP ask the user).
			note = "a logout confirmation posted from another site is refused (logout CSRF)"
			page = func(why, iss string) string {
				return "Sign-out refused: " + why + ".\n\nThis server accepts its sign-out confirmation only from its own page, " + iss +
					"/end_session: a form posted from another site could sign you out without asking you.\n"
			}
		}
		if why := s.crossSite(r); page != nil && why != "" {
			s.w.Note(r, why+": "+note, "")
			rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
			rw.Header().Set("Cache-Control", "no-store")
			rw.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(rw, page(why, s.w.Issuer()))
			return
		}
		as.ServeHTTP(rw, r)
	})
}

// bodyHas reports whether a POST's form body carries any of the fields. The
// body is read and put back for the AS (Record has already bounded it).
func bodyHas(r *http.Request, fields ...string) bool {
	if r.Body == nil {
		return false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	vals, _ := url.ParseQuery(string(body)) // what parses; the AS reports the rest
	for _, f := range fields {
		if vals.Has(f) {
			return true
		}
	}
	return false
}
