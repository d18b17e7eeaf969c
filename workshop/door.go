package workshop

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// Door lets another transport than SSH (package web: a browser) into a
// room, under the room's rules: the same places (Config.MaxSessions,
// InstructorSlots, MaxPerAddr), the same password rule and lockout, the
// same kept worlds and progress, timeouts, memory budget and shutdown,
// and the same log lines. A Server's Door shares the server's room, limits
// and counters with its SSH sessions; NewDoor makes a room with no SSH
// listener.
type Door struct{ s *Server }

// Door is the server's room as another door enters it.
func (s *Server) Door() *Door { return &Door{s: s} }

// NewDoor makes a room with no SSH listener (no host key needed), for a
// door of its own. Config's SSH-only fields (HostKey, KeepAlive,
// AuthorizedKeys, InstructorKeys) are not used.
func NewDoor(cfg Config) (*Door, error) {
	s, err := newRoomServer(cfg)
	if err != nil {
		return nil, err
	}
	return &Door{s: s}, nil
}

// Room is the door's room.
func (d *Door) Room() *Room { return d.s.room }

// Sessions is the number of players running, through every door.
func (d *Door) Sessions() int { return d.s.sessions.count() }

// NeedsPassword reports whether attendees must log in: the room has a
// password or authorized keys. (A room of keys only has no password an
// attendee could give at another door: Login refuses them all.)
func (d *Door) NeedsPassword() bool { return !d.s.cfg.Auth.open() }

// HasInstructorPassword reports whether an instructor can log in by
// password (as InstructorUser): the only way in as instructor at a door
// without keys.
func (d *Door) HasInstructorPassword() bool { return d.s.cfg.Auth.InstructorPassword != "" }

// Errors of Login. A *LockedOutError is also ErrLockedOut.
var (
	ErrWrongPassword = errors.New("wrong name or password")
	ErrLockedOut     = errors.New("too many failed passwords")
	ErrNoUser        = errors.New("a name is needed")
	ErrLongUser      = fmt.Errorf("names are at most %d bytes", MaxUserLen)
	// ErrTooManyPending is a connection refused by Pending.
	ErrTooManyPending = errors.New("too many connections waiting to start")
)

// Pending counts a connection from addr (host:port) that has not started
// a player yet against the room's pending limits (LoginLimits.MaxPending,
// MaxPendingPerAddr): the counters of the SSH door's connections not yet
// logged in, so that both doors together hold at most the room's limits.
// release gives the place back, once however often it is called: when
// the player starts, or the connection goes. A refusal wraps
// ErrTooManyPending with the line to show, and is logged as SSH's are
// (at most once a minute an address).
func (d *Door) Pending(addr string) (release func(), err error) {
	s := d.s
	host := hostOfString(addr)
	refuse := func(msg string) (func(), error) {
		s.quiet.log("pending "+host, "refused a connection from %s: %s", host, msg)
		return nil, fmt.Errorf("%w: %s", ErrTooManyPending, msg)
	}
	if !s.pending.acquire() {
		return refuse(fmt.Sprintf(msgPending, s.cfg.Login.MaxPending))
	}
	releaseAt, ok := s.pendingAt.acquire(host)
	if !ok {
		s.pending.release()
		return refuse(fmt.Sprintf(msgPendingAddr, s.cfg.Login.MaxPendingPerAddr))
	}
	var once sync.Once
	return func() { once.Do(func() { s.pending.release(); releaseAt() }) }, nil
}

// LoginTimeout is how long a connection may take to start a player
// (LoginLimits.Timeout, tokensim ssh --login-timeout's; 0: no limit).
func (d *Door) LoginTimeout() time.Duration { return d.s.cfg.Login.Timeout }

// LockedOutError says how long an address's passwords are still refused.
type LockedOutError struct{ Wait time.Duration }

// Error says the address is locked out and for how long.
func (e *LockedOutError) Error() string {
	return fmt.Sprintf("%v: refused for %s", ErrLockedOut, text.FormatDuration(e.Wait))
}

// Unwrap makes errors.Is(err, ErrLockedOut) hold.
func (e *LockedOutError) Unwrap() error { return ErrLockedOut }

// Login checks a password from addr (host:port) for user, by the rule an
// SSH password login follows (Auth.checkPassword: the instructor's
// password only for InstructorUser, compared in constant time), and
// returns who the session is: Credential "password", as for SSH, so the
// same name and password finds its world from either door. An address
// locked out for guessing is refused before the password is compared; a
// wrong password counts against its address (LoginLimits.MaxFailures)
// and is answered after LoginLimits.FailDelay, or when ctx ends.
func (d *Door) Login(ctx context.Context, addr, user, password string) (Who, error) {
	s := d.s
	host := hostOfString(addr)
	switch {
	case user == "":
		return Who{}, ErrNoUser
	case len(user) > MaxUserLen:
		s.quiet.log("long user "+host, "refused a login from %s: a user name of %d bytes (at most %d)", host, len(user), MaxUserLen)
		return Who{}, ErrLongUser
	}
	if left := s.guesses.lockedFor(host); left > 0 {
		return Who{}, &LockedOutError{Wait: roundUp(left)}
	}
	ok, instructor := s.cfg.Auth.checkPassword(user, password)
	if !ok {
		// The SSH door's line, at most once a minute an address: a
		// guesser's flood is one line (the lockout has its own).
		s.quiet.log("failed login "+host, "failed login from %s as %q (password refused)", addr, user)
		if s.guesses.fail(host) {
			lim := s.cfg.Login
			s.cfg.Logf("locked out %s: %d failed passwords within a minute; its passwords are refused for %s", host, lim.MaxFailures, text.FormatDuration(lim.Lockout))
		}
		s.cfg.pause(ctx, s.cfg.Login.FailDelay)
		return Who{}, ErrWrongPassword
	}
	return Who{User: user, Credential: "password", Instructor: instructor}, nil
}

// Play runs one session on t until it ends, and returns the line that
// tells the person why ("" when there is none: they quit, or their
// connection went). ctx is the connection's: its end is the session lost,
// and its world is kept for a reconnect of the same Who. An attendee's
// session counts against Config.MaxPerAddr while it runs (an SSH
// connection counts from its login to its close); an instructor's does
// not, as for SSH.
func (d *Door) Play(ctx context.Context, t Terminal) string {
	s := d.s
	if !t.Who.Instructor {
		host := hostOfString(t.Addr)
		release, ok := s.conns.acquire(host)
		if !ok {
			s.quiet.log("per-addr "+host, "refused a session from %s: %d connections from that address already", host, s.cfg.MaxPerAddr)
			return "tokensim: " + fmt.Sprintf(msgPerAddr, s.cfg.MaxPerAddr)
		}
		defer release()
	}
	line, _ := s.play(ctx, t)
	return line
}

// Shutdown ends every session that came through this door's room (each
// is told the server is shutting down) and waits for them until ctx ends.
// For a Server's Door, the Server's own Shutdown also closes its SSH
// connections and listener: call that instead.
func (d *Door) Shutdown(ctx context.Context) error { return d.s.endSessions(ctx) }

// hostOfString is an address without its port, as hostOf.
func hostOfString(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
