package web

import (
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/workshop"
)

// loginPage is the form (page/login.html): a plain form that needs no
// script, as the login contract asks.
var loginPage = template.Must(template.ParseFS(pageFiles, "page/login.html"))

type loginData struct {
	Alert, Name string
	MaxName     int
	// Instructor: the room has an instructor password, so the form says
	// how the instructor joins (a sentence that holds only then).
	Instructor bool
	// Signed is who this browser's session is, if it has one: the page
	// then offers to log out (a shared machine, an instructor's
	// projector), which otherwise only clearing the cookies would do.
	Signed string
}

// What a refused login is told, in the form's alert.
const (
	alertWrong   = "Wrong name or password."
	alertNoName  = "Give a name to join."
	alertWebName = "Names like web-1 are the room's own for visitors who give none: choose another."
	alertLong    = "Names are at most %d bytes: give a shorter one."
	alertLocked  = "Too many wrong passwords from your address: try again in %s."
	alertBadForm = "The form could not be read: send it again."
	alertFull    = "The server has too many sessions open: try again later, or ask the instructor."
)

// loginForm serves the form.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	d := loginData{}
	if c, err := r.Cookie(CookieName); err == nil {
		if who, ok := s.sessions.who(c.Value); ok {
			d.Signed = who.User
		}
	}
	s.form(w, http.StatusOK, d)
}

func (s *Server) form(w http.ResponseWriter, status int, d loginData) {
	d.MaxName = workshop.MaxUserLen
	d.Instructor = s.door.HasInstructorPassword()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, d)
}

// login checks the form by the room's password rule (workshop.Door.Login)
// and, once the password matched, opens a session: a new cookie (a login
// never keeps a cookie it did not make: no session fixation, OWASP
// Session Management Cheat Sheet) and 303 to the page.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := s.crossOrigin.Check(r); err != nil {
		s.cfg.Logf("refused a login from %s: %v", r.RemoteAddr, err)
		http.Error(w, "a login must come from this site's own form", http.StatusForbidden)
		return
	}
	// A body that trickles in must not hold the handler: the form is
	// small (8 KB at most) and has loginReadWait to arrive.
	// (http.Server.ReadHeaderTimeout bounds only the headers.)
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.loginReadWait))
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.form(w, http.StatusBadRequest, loginData{Alert: alertBadForm})
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if anonymousName(name) {
		// web-N is an open room's name for a browser that gave none: a
		// login under it would share that visitor's quiz counts.
		s.form(w, http.StatusUnauthorized, loginData{Alert: alertWebName})
		return
	}
	who, err := s.door.Login(r.Context(), r.RemoteAddr, name, r.PostForm.Get("password"))
	var locked *workshop.LockedOutError
	switch {
	case errors.As(err, &locked):
		w.Header().Set("Retry-After", fmt.Sprint(int(locked.Wait/time.Second)))
		s.form(w, http.StatusTooManyRequests, loginData{Name: name, Alert: fmt.Sprintf(alertLocked, text.FormatDuration(locked.Wait))})
		return
	case errors.Is(err, workshop.ErrNoUser):
		s.form(w, http.StatusUnauthorized, loginData{Alert: alertNoName})
		return
	case errors.Is(err, workshop.ErrLongUser):
		s.form(w, http.StatusUnauthorized, loginData{Alert: fmt.Sprintf(alertLong, workshop.MaxUserLen)})
		return
	case err != nil:
		s.form(w, http.StatusUnauthorized, loginData{Name: name, Alert: alertWrong})
		return
	}
	if old, err := r.Cookie(CookieName); err == nil {
		s.sessions.close(old.Value)
	}
	value, err := s.sessions.open(who, hostOf(r.RemoteAddr))
	if err != nil {
		// Refused rather than log out someone else (cookies.go).
		s.cfg.Logf("refused a login from %s: %v", r.RemoteAddr, err)
		w.Header().Set("Retry-After", "60")
		s.form(w, http.StatusServiceUnavailable, loginData{Name: name, Alert: alertFull})
		return
	}
	http.SetCookie(w, cookie(value, r.TLS != nil))
	s.cfg.Logf("%s %q logged in from %s", who.Role(), who.User, r.RemoteAddr)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout forgets the request's session and clears its cookie, then sends
// the browser to /login (or to / in an open room, where it gets a new
// web-N). Another site's page may not log a visitor out: the same check
// as the login's. A player already running goes on until its page goes:
// the cookie lets new sockets in, it does not hold the running one.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.crossOrigin.Check(r); err != nil {
		s.cfg.Logf("refused a logout from %s: %v", r.RemoteAddr, err)
		http.Error(w, "a logout must come from this site's own page", http.StatusForbidden)
		return
	}
	if c, err := r.Cookie(CookieName); err == nil {
		s.sessions.close(c.Value)
	}
	gone := cookie("", r.TLS != nil)
	gone.MaxAge = -1 // Max-Age=0: the browser drops it (RFC 6265bis §5.6.2)
	http.SetCookie(w, gone)
	w.Header().Set("Cache-Control", "no-store")
	to := "/"
	if s.door.NeedsPassword() {
		to = "/login"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// whoOf is who a request's session is: its cookie's; in an open room,
// the web-N of its page's signed token (bound now if it is the token's
// first socket), or without one a new web-N for this socket alone.
// false: the room needs a password and the request has no valid session.
func (s *Server) whoOf(r *http.Request) (workshop.Who, bool) {
	c, err := r.Cookie(CookieName)
	if err == nil {
		if who, ok := s.sessions.who(c.Value); ok {
			return who, true
		}
	}
	if s.door.NeedsPassword() {
		return workshop.Who{}, false
	}
	if err == nil && s.sessions.signed(c.Value) {
		return s.sessions.anonymous(c.Value, hostOf(r.RemoteAddr)), true
	}
	return workshop.Who{User: s.sessions.nextName(), Credential: webCredential}, true
}

// validCookie reports whether r carries a session the room lets in: a
// known one, or in an open room a signed token.
func (s *Server) validCookie(r *http.Request) bool {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return false
	}
	if _, ok := s.sessions.who(c.Value); ok {
		return true
	}
	return !s.door.NeedsPassword() && s.sessions.signed(c.Value)
}

// anonymousName reports whether name is of the form the room gives an
// open room's visitors (web-N).
func anonymousName(name string) bool {
	n, ok := strings.CutPrefix(strings.ToLower(name), "web-")
	if !ok || n == "" {
		return false
	}
	for _, c := range n {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// hostOf is a remote address without its port, and an IPv6 address
// as its /64: sessions are bounded per machine, and one machine commonly
// holds a whole /64 (RFC 4291 §2.5.4, SLAAC privacy addresses RFC 8981),
// so counting each IPv6 address apart would let one host fill the server.
func hostOf(addr string) string {
	h := addr
	if hh, _, err := net.SplitHostPort(addr); err == nil {
		h = hh
	}
	if ip := net.ParseIP(h); ip != nil && ip.To4() == nil {
		return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
	}
	return h
}

// servePage serves the page to a visitor with a session: without one, a
// room that needs a password sends them to /login (303), and an open room
// gives them a signed token, which the server stores only when a socket
// brings it (a web-N, the same on every reconnect of this browser): a
// page load costs the server nothing to remember.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, files http.Handler) {
	w.Header().Set("Cache-Control", "no-store") // what it answers depends on the session
	switch {
	case s.validCookie(r):
	case s.door.NeedsPassword():
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	default:
		http.SetCookie(w, cookie(s.sessions.token(), r.TLS != nil))
	}
	files.ServeHTTP(w, r)
}

// sessionState answers the page after a refused socket: 204 when a
// socket would be let in, 401 when the page must log in first (the
// browser's WebSocket API does not show the handshake's status: RFC 6455
// §4.1 leaves a failed handshake's details to the client, and browsers
// report only code 1006).
func (s *Server) sessionState(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if !s.validCookie(r) && s.door.NeedsPassword() {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
