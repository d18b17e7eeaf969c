// Package workshop serves tokensim's player to a room over SSH
// (tokensim ssh): every attendee who connects gets their own world and
// player, and an instructor can lead the room through a lesson. It imports
// tui and scenarios; tui knows nothing of SSH.
package workshop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/gliderlabs/ssh"
	"github.com/tokensim/tokensim/scenarios"
	gossh "golang.org/x/crypto/ssh"
)

// Config configures a Server.
type Config struct {
	HostKey     gossh.Signer          // the server's identity (HostKey loads or makes one)
	Catalogue   []*scenarios.Scenario // the lessons every session can open
	Run         scenarios.Options     // preset, settings and seed of every run
	Auth        Auth
	IdleTimeout time.Duration // close a connection silent this long; 0: never
	MaxTimeout  time.Duration // close any connection this old; 0: never
	MaxSessions int           // players running at once; 0: no limit
	MaxPerAddr  int           // connections from one address at once; 0: no limit
	// Logf reports sessions joined, failed logins (never a password),
	// connections refused and sessions ended by an error; nil is silent.
	Logf func(format string, args ...any)
}

// Server is the SSH server of one room.
type Server struct {
	cfg      Config
	srv      *ssh.Server
	room     *Room
	sessions slots
	conns    perAddr

	ctx    context.Context // ends every session at shutdown
	cancel context.CancelFunc
}

// ErrNoHostKey is returned by New without a host key.
var ErrNoHostKey = errors.New("no host key")

// New makes a server. Nothing listens until Serve.
func New(cfg Config) (*Server, error) {
	if cfg.HostKey == nil {
		return nil, fmt.Errorf("workshop: %w", ErrNoHostKey)
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	s := &Server{cfg: cfg, room: NewRoom(), sessions: slots{max: cfg.MaxSessions}, conns: perAddr{max: cfg.MaxPerAddr}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.srv = &ssh.Server{
		Handler:     s.handle,
		HostSigners: []ssh.Signer{cfg.HostKey},
		IdleTimeout: cfg.IdleTimeout,
		MaxTimeout:  cfg.MaxTimeout,
		Version:     "tokensim",
		// Only sessions: no direct-tcpip (local forwarding), no
		// tcpip-forward global requests (remote forwarding, RFC 4254 §7),
		// no subsystems such as sftp. The maps are set, not left nil, so
		// that gliderlabs' package-level defaults never apply. X11 requests
		// fall to gliderlabs' default refusal. An agent-forwarding request
		// is acknowledged by gliderlabs v0.3.8 (it has no option to refuse
		// it) but nothing is forwarded: the server never opens an agent
		// channel back to the client (that takes ssh.ForwardAgentConnections,
		// which nothing here calls).
		ChannelHandlers:               map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler},
		RequestHandlers:               map[string]ssh.RequestHandler{},
		SubsystemHandlers:             map[string]ssh.SubsystemHandler{},
		LocalPortForwardingCallback:   func(ssh.Context, string, uint32) bool { return false },
		ReversePortForwardingCallback: func(ssh.Context, string, uint32) bool { return false },
		// A session asks for "shell" (the player) or "exec" (a command,
		// refused by the handler with a message); never a subsystem.
		SessionRequestCallback: func(_ ssh.Session, kind string) bool { return kind == "shell" || kind == "exec" },
		ConnCallback:           s.admit,
	}
	cfg.Auth.install(s.srv)
	recordLogins(s.srv)
	return s, nil
}

// admit applies the per-address connection limit. It runs before the SSH
// handshake, so a refused connection is simply closed. An admitted one
// records its login attempts, and a failed login is logged when it closes.
func (s *Server) admit(ctx ssh.Context, c net.Conn) net.Conn {
	release, ok := s.conns.acquire(c.RemoteAddr())
	if !ok {
		s.cfg.Logf("refused %s: %d connections from that address already", c.RemoteAddr(), s.cfg.MaxPerAddr)
		return nil
	}
	l := &logins{}
	ctx.SetValue(ctxLogins, l)
	addr := c.RemoteAddr().String()
	return &countedConn{Conn: c, release: func() {
		release()
		l.report(s.cfg.Logf, addr)
	}}
}

// Serve accepts connections on ln until Shutdown. It returns
// ssh.ErrServerClosed after Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return ErrServerClosed
	}
	return err
}

// ErrServerClosed is what Serve returns after Shutdown.
var ErrServerClosed = ssh.ErrServerClosed

// Shutdown ends every session's player (each attendee's ssh returns to
// their shell), waits for them to end until ctx does, then closes the
// listener and every connection. A session that starts meanwhile is told
// the server is closing.
func (s *Server) Shutdown(ctx context.Context) error {
	s.cancel()
	err := s.sessions.drained(ctx)
	return errors.Join(err, s.srv.Close())
}

// Room is the server's room.
func (s *Server) Room() *Room { return s.room }

// Sessions is the number of players running.
func (s *Server) Sessions() int { return s.sessions.count() }
