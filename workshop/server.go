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
	"github.com/tokensim/tokensim/tui"
	gossh "golang.org/x/crypto/ssh"
)

// Config configures a Server.
type Config struct {
	HostKey   gossh.Signer          // the server's identity (HostKey loads or makes one)
	Catalogue []*scenarios.Scenario // the lessons every session can open
	Run       scenarios.Options     // preset, settings and seed of every run
	Auth      Auth
	// IdleTimeout ends a session whose client has sent no key for this
	// long (an attendee who follows a led room, and an instructor while
	// the room is led, are not idle), and closes a logged-in connection
	// that runs no session this long; 0: never.
	IdleTimeout time.Duration
	MaxTimeout  time.Duration // end any connection this old; 0: never
	// KeepAlive is how often each connection's client is asked whether it
	// is there (keepalive.go); after three unanswered it is closed. 0:
	// never (tokensim ssh uses DefaultKeepAlive).
	KeepAlive time.Duration
	// MaxSessions is the players running at once, instructors included;
	// 0: no limit. InstructorSlots of them are kept for instructors:
	// attendees may hold MaxSessions−InstructorSlots. With no instructor
	// credential (no InstructorKeys, no InstructorPassword) none is kept.
	MaxSessions     int
	InstructorSlots int
	MaxPerAddr      int         // logged-in attendee connections from one address at once; 0: no limit
	Login           LoginLimits // what a connection may do before it logs in
	// KeptWorlds is how many departed sessions' worlds are kept for their
	// reconnect; 0: twice MaxSessions (400 with no limit on sessions).
	// The users whose progress and display names are kept for the
	// server's life are bounded by it too, the oldest dropped first.
	KeptWorlds int
	// MemoryBudget keeps the Go runtime's soft memory limit at what the
	// room's sessions need (memory.go). The limit is the process's: set
	// it for one server in a process (tokensim ssh does), never in tests
	// that run several.
	MemoryBudget bool
	// Logf reports sessions joined and left (who, how long, why), failed
	// logins (never a password), connections and sessions refused;
	// nil is silent.
	Logf func(format string, args ...any)

	// now, afterFunc and pause are the wall clock, its timers and the
	// wait after a wrong password; tests replace them (nil: time.Now,
	// time.AfterFunc, and a timer that the connection's end cuts short).
	now       func() time.Time
	afterFunc func(d time.Duration, f func()) (stop func() bool)
	pause     func(ctx context.Context, d time.Duration)
	// keepAliveAnswered, if set, hears each keepalive answered (tests).
	keepAliveAnswered func()
	// setMemoryLimit is debug.SetMemoryLimit; tests replace it.
	setMemoryLimit func(int64) int64
}

// ErrInstructorSlots is returned by New when the slots kept for
// instructors leave attendees none.
var ErrInstructorSlots = errors.New("the instructor slots must be fewer than the sessions")

// maxGrace is how long after Config.MaxTimeout a connection is closed from
// below (gliderlabs' socket deadline), should its session not have ended
// properly by then; a connection with no session is closed then too.
const maxGrace = 30 * time.Second

// Server is the SSH server of one room.
type Server struct {
	cfg       Config
	srv       *ssh.Server
	room      *Room
	sessions  slots
	conns     perAddr // logged-in connections per address
	pending   slots   // connections not yet logged in
	pendingAt perAddr // the same, per address
	guesses   *guesses
	quiet     quietLog
	// worlds are the departed sessions' worlds, for their reconnect.
	worlds *worlds[tui.Model]
	budget *memoryBudget // nil unless Config.MemoryBudget
	live   liveSessions  // running sessions by Who, for a takeover by key
	// progress is each session's progress by Who (kept.go).
	progress *progressKept

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
	s, err := newRoomServer(cfg)
	if err != nil {
		return nil, err
	}
	cfg = s.cfg
	s.srv = &ssh.Server{
		Handler:     s.handle,
		HostSigners: []ssh.Signer{cfg.HostKey},
		// No IdleTimeout here: gliderlabs' socket deadline would close a
		// follower's connection during a break, from below, with no
		// chance to restore the terminal. Sessions time themselves
		// (session.check) and the visitor closes a connection with none.
		// MaxTimeout only backs up the session's own end.
		Version: "tokensim",
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
	if cfg.MaxTimeout > 0 {
		s.srv.MaxTimeout = cfg.MaxTimeout + maxGrace
	}
	s.installAuth()
	return s, nil
}

// newRoomServer makes the room's side of a server: everything but the
// SSH listener, which New adds and NewDoor leaves out.
func newRoomServer(cfg Config) (*Server, error) {
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	if !cfg.Auth.hasInstructor() && cfg.InstructorSlots > 0 {
		// No credential makes anyone an instructor: a place kept for one
		// is a place nobody can take.
		cfg.InstructorSlots = 0
	}
	if cfg.InstructorSlots < 0 || cfg.MaxSessions > 0 && cfg.InstructorSlots >= cfg.MaxSessions {
		return nil, fmt.Errorf("workshop: %w (%d kept of %d)", ErrInstructorSlots, cfg.InstructorSlots, cfg.MaxSessions)
	}
	if cfg.MaxSessions == 0 {
		cfg.InstructorSlots = 0 // no limit: nothing to keep
	}
	if cfg.KeptWorlds == 0 {
		cfg.KeptWorlds = 2 * cfg.MaxSessions
		if cfg.MaxSessions == 0 {
			cfg.KeptWorlds = 400
		}
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.afterFunc == nil {
		cfg.afterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	cfg.Run.Runs = scenarios.NewRunCache() // a lesson's run computed and held once for every session that opens it
	if cfg.pause == nil {
		cfg.pause = func(ctx context.Context, d time.Duration) {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
		}
	}
	s := &Server{
		cfg: cfg, room: NewRoom(), sessions: slots{max: cfg.MaxSessions, reserved: cfg.InstructorSlots}, conns: perAddr{max: cfg.MaxPerAddr},
		pending: slots{max: cfg.Login.MaxPending}, pendingAt: perAddr{max: cfg.Login.MaxPendingPerAddr},
		guesses: newGuesses(cfg.Login.MaxFailures, cfg.Login.Lockout, cfg.now),
		quiet:   quietLog{logf: cfg.Logf, now: cfg.now},
		worlds:  newWorlds[tui.Model](cfg.KeptWorlds),
	}
	s.progress = newProgressKept(cfg.KeptWorlds)
	s.room.keepNames(cfg.KeptWorlds)
	if cfg.MemoryBudget {
		s.budget = newMemoryBudget(cfg.setMemoryLimit)
		s.worlds.counted = func(d int) { s.budget.add(int64(d) * budgetWorld) }
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// admit runs for every accepted connection, before the SSH handshake. A
// connection beyond the limits on connections not yet logged in gets one
// line and is closed: RFC 4253 §4.2 lets a server send lines before its
// version, though OpenSSH shows them only with -v and reports "Connection
// closed by remote host". An admitted connection is closed if it has not
// logged in within LoginLimits.Timeout, and its failed logins are logged
// when it closes.
func (s *Server) admit(ctx ssh.Context, c net.Conn) net.Conn {
	host := hostOf(c.RemoteAddr())
	refuse := func(msg string) net.Conn {
		s.quiet.log("pending "+host, "refused a connection from %s: %s", host, msg)
		_ = c.SetWriteDeadline(s.cfg.now().Add(time.Second))
		fmt.Fprint(c, "tokensim: "+msg+"\r\n")
		return nil // gliderlabs closes it
	}
	if !s.pending.acquire() {
		return refuse(fmt.Sprintf(msgPending, s.cfg.Login.MaxPending))
	}
	releaseAt, ok := s.pendingAt.acquire(host)
	if !ok {
		s.pending.release()
		return refuse(fmt.Sprintf(msgPendingAddr, s.cfg.Login.MaxPendingPerAddr))
	}
	v := &visitor{host: host, addr: c.RemoteAddr().String(), since: s.cfg.now(),
		idle: s.cfg.IdleTimeout, afterFunc: s.cfg.afterFunc, closeConn: func() { c.Close() }}
	v.pending = func() { s.pending.release(); releaseAt() }
	if d := s.cfg.Login.Timeout; d > 0 {
		v.deadline = time.AfterFunc(d, func() {
			if !v.isLoggedIn() {
				c.Close()
			}
		})
	}
	ctx.SetValue(ctxVisitor, v)
	return &visitorConn{Conn: c, onClose: func() {
		v.close()
		v.logins.report(s.cfg.Logf, v.addr)
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
	err := s.endSessions(ctx)
	// A client whose session has ended closes its connection itself; one
	// the server closes first has OpenSSH print "Connection to … closed
	// by remote host" below the goodbye line. So wait a moment for them,
	// then close what is left.
	gctx, cancel := context.WithTimeout(ctx, goodbyeWait)
	defer cancel()
	_ = s.srv.Shutdown(gctx)
	return errors.Join(err, s.srv.Close())
}

// goodbyeWait is how long Shutdown waits for clients to close their
// connections once their sessions have ended.
const goodbyeWait = time.Second

// Room is the server's room.
func (s *Server) Room() *Room { return s.room }

// Sessions is the number of players running.
func (s *Server) Sessions() int { return s.sessions.count() }

// endSessions ends every session's player, through whichever door it
// came, and waits for them until ctx ends.
func (s *Server) endSessions(ctx context.Context) error {
	s.cancel()
	err := s.sessions.drained(ctx)
	s.budget.restore()
	return err
}
