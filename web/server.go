package web

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/coder/websocket"
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
	Catalogue []*scenarios.Scenario // the lessons every visitor can open
	Run       scenarios.Options     // preset, settings and seed of every run
	// Room is the room web visitors join: an SSH server's
	// (workshop.Server.Room) for one room with both doors; nil makes
	// one for this server alone.
	Room *workshop.Room
	// Logf reports visitors joined and left; nil is silent.
	Logf func(format string, args ...any)
}

// Server serves the page and one player per WebSocket: an http.Handler.
type Server struct {
	cfg      Config
	mux      *http.ServeMux
	visitors atomic.Int64 // numbers the visitors: User "web-N"

	ctx    context.Context // ends every session at Close
	cancel context.CancelFunc
	mu     sync.Mutex     // orders a session's start before Close's wait
	wg     sync.WaitGroup // the sessions running
}

// New makes a server.
func New(cfg Config) *Server {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if cfg.Room == nil {
		cfg.Room = workshop.NewRoom()
	}
	if cfg.Run.Runs == nil {
		// A lesson's run computed once for every visitor who opens it,
		// as workshop.New does.
		cfg.Run.Runs = scenarios.NewRunCache()
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux()}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	page, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // the embedded directory is part of the build
	}
	s.mux.Handle("GET /", http.FileServerFS(page))
	s.mux.HandleFunc("GET /ws", s.serveWS)
	return s
}

// ServeHTTP serves the page (GET /) and the player (GET /ws).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Close ends every visitor's player (each gets a "bye") and waits for
// them to end. The http.Server that serves s is the caller's to shut.
func (s *Server) Close() {
	s.mu.Lock()
	s.cancel()
	s.mu.Unlock()
	s.wg.Wait()
}

// serveWS upgrades the request and runs a player on it.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.ctx.Err() != nil {
		s.mu.Unlock()
		http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	// No OriginPatterns: coder/websocket accepts only a request whose
	// Origin host is the request's Host, and answers any other 403, so
	// another site's page cannot open a player in the visitor's name
	// (cross-site WebSocket hijacking; RFC 6455 §10.2).
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.cfg.Logf("refused a WebSocket from %s: %v", r.RemoteAddr, err)
		return
	}
	c.SetReadLimit(ReadLimit)
	who := workshop.Who{User: fmt.Sprintf("web-%d", s.visitors.Add(1))}
	s.cfg.Logf("attendee %q joined from %s", who.User, r.RemoteAddr)
	why := s.run(r.Context(), c, who)
	s.cfg.Logf("attendee %q from %s left: %s", who.User, r.RemoteAddr, why)
}
