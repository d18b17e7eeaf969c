package web

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"sync"
	"time"

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
	// (its size) before it is closed; tests shorten it.
	firstWait time.Duration

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
		firstWait: workshop.DefaultLoginLimits().Timeout}
	if s.door == nil {
		d, err := workshop.NewDoor(workshop.Config{Catalogue: cfg.Catalogue, Run: cfg.Run, Logf: cfg.Logf})
		if err != nil {
			panic(err) // no instructor slots asked: NewDoor cannot fail
		}
		s.door, s.ownDoor = d, true
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
	s.mux.HandleFunc("GET /session", s.sessionState)
	s.mux.HandleFunc("GET /ws", s.serveWS)
	return s
}

// ServeHTTP serves the page (GET /), the login form (/login) and the
// player (GET /ws).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
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
	who, ok := s.whoOf(r)
	if !ok {
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
	c, err := accept(w, r)
	if err != nil {
		s.cfg.Logf("refused a WebSocket from %s: %v", r.RemoteAddr, err)
		return
	}
	why := s.run(r.Context(), c, who, r.RemoteAddr)
	if s.left != nil {
		s.left(who, why)
	}
}
