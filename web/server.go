package web

import (
	"context"
	"embed"
	"github.com/coder/websocket"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tokensim/tokensim/internal/hostcheck"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/workshop"
)

//go:embed page
var pageFiles embed.FS

// ReadLimit is the largest message a page may send, in bytes: a key, a
// size or a paste. A larger one closes the socket (coder/websocket
// answers it with status 1009, message too big: RFC 6455 §7.4.1).
const ReadLimit = 64 << 10

// Config configures a Server.
type Config struct {
	// Door is the room web visitors enter, with its rules: an SSH
	// server's (workshop.Server.Door) for one room with both doors, or
	// workshop.NewDoor's for a room of its own. Its owner shuts it down
	// before Close. nil: New makes an open room with no limits from
	// Catalogue and Run, and Close shuts it down.
	Door      *workshop.Door
	Catalogue []*scenarios.Scenario // the lessons, when Door is nil
	Run       scenarios.Options     // preset, settings and seed, when Door is nil
	// Addr is the address the server listens on, host:port as listened
	// (net.Listener.Addr). On a loopback address, a request whose Host
	// header is not that address, localhost, 127.0.0.1 or [::1] on its
	// port is answered 421 (internal/hostcheck: a page of another site
	// using DNS rebinding would otherwise pass the same-origin checks,
	// which compare Origin with Host). On any other address (tokensim web
	// --allow-remote) every Host is accepted: a remote room is reached by
	// whatever name its attendees use (an IP, a DNS name, a proxy's),
	// which the server cannot know, and a rebinding page reaches it only
	// as any machine on the network can, behind the room password.
	// "": no Host check (a handler served by a caller that checks).
	Addr string
	// Logf reports logins refused and sockets refused (the door reports
	// sessions); nil is silent.
	Logf func(format string, args ...any)
}

// Server serves the page, the login form and one player per WebSocket:
// an http.Handler.
type Server struct {
	cfg      Config
	door     *workshop.Door
	ownDoor  bool // made by New: Close shuts it down
	mux      *http.ServeMux
	sessions *cookieSessions
	// crossOrigin refuses a login posted by another site's page (login
	// CSRF: a visitor logged in as the attacker's name without knowing
	// it). It checks Sec-Fetch-Site, else Origin against Host; a request
	// with neither is not from a browser, which sends Origin with every
	// cross-origin POST (net/http CrossOriginProtection; OWASP Cross-Site
	// Request Forgery Prevention Cheat Sheet, "Verifying Origin With
	// Standard Headers").
	crossOrigin *http.CrossOriginProtection
	// keepAlive is how often each page is asked whether it is there
	// (session.go); tests shorten it.
	keepAlive time.Duration
	// firstWait is how long a socket may take to send its first message
	// (its size) before it is closed: the room's login timeout
	// (Door.LoginTimeout; 0: no limit); tests shorten it.
	firstWait time.Duration

	// loginReadWait is how long a login's form may take to arrive;
	// tests shorten it.
	loginReadWait time.Duration
	// hostName, hostPort: the loopback address whose Host names are
	// accepted (Config.Addr); hostName "": any Host.
	hostName, hostPort string

	ctx    context.Context // ends every session at Close
	cancel context.CancelFunc
	mu     sync.Mutex // orders a session's start before Close's wait
	// left, if set, hears each session end, after it left the room
	// (tests).
	left func(who workshop.Who, why string)
	wg   sync.WaitGroup // the sessions running
}

// New makes a server.
func New(cfg Config) *Server {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{cfg: cfg, door: cfg.Door, mux: http.NewServeMux(), crossOrigin: http.NewCrossOriginProtection(), keepAlive: workshop.DefaultKeepAlive,
		loginReadWait: 10 * time.Second}
	if s.door == nil {
		d, err := workshop.NewDoor(workshop.Config{Catalogue: cfg.Catalogue, Run: cfg.Run, Logf: cfg.Logf})
		if err != nil {
			panic(err) // no instructor slots asked: NewDoor cannot fail
		}
		s.door, s.ownDoor = d, true
	}
	s.firstWait = s.door.LoginTimeout()
	if h, p, err := net.SplitHostPort(cfg.Addr); err == nil && isLoopback(h) {
		s.hostName, s.hostPort = strings.ToLower(h), p
	}
	s.sessions = newCookieSessions(maxCookieSessions, maxSessionsPerAddr, cookieLife, time.Now)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	page, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	files := http.FileServerFS(page)
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { s.servePage(w, r, files) })
	s.mux.HandleFunc("GET /index.html", func(w http.ResponseWriter, r *http.Request) { s.servePage(w, r, files) })
	s.mux.Handle("GET /", files)
	s.mux.HandleFunc("GET /login.html", http.NotFound) // the form's template, served by /login
	s.mux.HandleFunc("GET /login", s.loginForm)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("POST /logout", s.logout)
	s.mux.HandleFunc("GET /session", s.sessionState)
	s.mux.HandleFunc("GET /ws", s.serveWS)
	return s
}

// ServeHTTP serves the page (GET /), the login form (/login), the logout
// (POST /logout) and the player (GET /ws).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	if s.hostName != "" {
		def := "80"
		if r.TLS != nil {
			def = "443"
		}
		if !hostcheck.Allowed(r.Host, s.hostName, s.hostPort, def) {
			s.cfg.Logf("refused a request from %s for Host %q: not this server (DNS rebinding?)", r.RemoteAddr, r.Host)
			w.Header().Set("Cache-Control", "no-store")
			// 421 Misdirected Request: RFC 9110 §15.5.20.
			http.Error(w, "this server answers for "+net.JoinHostPort(s.hostName, s.hostPort)+
				", localhost, 127.0.0.1 and [::1] on port "+s.hostPort+" only: a request naming another host may be a DNS rebinding attack from a web page",
				http.StatusMisdirectedRequest)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy lets the page load its own files only, and no
// other site frame it (clickjacking) or receive its form (CSP Level 3:
// default-src covers script, style and connect, whose 'self' matches the
// page's ws:/wss: socket; MDN "Content-Security-Policy"). The page has no
// inline script or style attribute; app.js sets styles through the CSSOM
// (element.style), which style-src does not govern.
const contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders go on every answer: the CSP; nosniff, so that a file is
// never run as another type than it is served as; and no Referer sent to
// any link's site (OWASP HTTP Headers Cheat Sheet).
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// isLoopback reports whether a listen host is this machine only.
func isLoopback(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Close ends the sockets still waiting to start, and every player when
// the door is the server's own (Config.Door nil; a given door's owner
// shuts it down first), and waits for them to end. The http.Server that
// serves s is the caller's to shut.
func (s *Server) Close() {
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
	if s.ownDoor {
		_ = s.door.Shutdown(context.Background())
	}
	s.wg.Wait()
}

// serveWS upgrades the request and runs a player on it.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	// Who before the upgrade: a socket the room would refuse is refused
	// with an HTTP status the page can act on (RFC 6455 §4.2.2: any
	// status but 101 refuses the handshake).
	// Only checked here: the web-N of an open room's token is stored
	// (whoOf) once the socket holds a pending place and is upgraded, so
	// a request that never becomes a socket stores nothing.
	if !s.validCookie(r) && s.door.NeedsPassword() {
		s.cfg.Logf("refused a WebSocket from %s: no session (log in at /login)", r.RemoteAddr)
		http.Error(w, "log in first: /login", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	// A socket counts against the room's pending limits from before its
	// upgrade until its player starts (run) or it goes, as an SSH
	// connection does until it logs in: sockets that never start a player
	// cannot pile up. Beyond them, 503 (the door logs it).
	started, err := s.door.Pending(r.RemoteAddr)
	if err != nil {
		w.Header().Set("Retry-After", "60")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer started()
	c, err := accept(w, r)
	if err != nil {
		s.cfg.Logf("refused a WebSocket from %s: %v", r.RemoteAddr, err)
		return
	}
	who, ok := s.whoOf(r)
	if !ok { // the session ended between the check and the upgrade
		_ = c.Close(websocket.StatusPolicyViolation, "log in first: /login")
		return
	}
	why := s.run(r.Context(), c, who, r.RemoteAddr, started)
	if s.left != nil {
		s.left(who, why)
	}
}
