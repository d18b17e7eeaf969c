package workshop

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gliderlabs/ssh"
	"github.com/tokensim/tokensim/internal/text"
	gossh "golang.org/x/crypto/ssh"
)

// InstructorUser is the user name the instructor logs in with when the
// instructor is known by a password (--instructor-password): for that name
// only the instructor's password (or key) is accepted, so that an ssh
// client that offers a key first is not let in as an attendee.
const InstructorUser = "instructor"

// Auth says who may join and who leads. With no Password and no
// AuthorizedKeys the room is open: any user name, any key, no password.
type Auth struct {
	Password           string            // every attendee's shared password
	AuthorizedKeys     []gossh.PublicKey // attendees' keys
	InstructorKeys     []gossh.PublicKey // the instructors' keys
	InstructorPassword string            // the instructors' password, as user InstructorUser
}

func (a *Auth) open() bool { return a.Password == "" && len(a.AuthorizedKeys) == 0 }

func (a *Auth) configured() bool { return !a.open() || a.hasInstructor() }

// hasInstructor reports whether any credential makes its holder an
// instructor.
func (a *Auth) hasInstructor() bool { return len(a.InstructorKeys) > 0 || a.InstructorPassword != "" }

// instructorOnly reports whether user is reserved for the instructor's
// password.
func (a *Auth) instructorOnly(user string) bool {
	return a.InstructorPassword != "" && user == InstructorUser
}

// acceptsKey answers a client that offers key for user, before any
// signature (RFC 4252 §7 lets a client ask first). It decides whether the
// key may be used, never who the client is: that waits for the signature.
func (a *Auth) acceptsKey(user string, key ssh.PublicKey) bool {
	switch {
	case hasKey(a.InstructorKeys, key):
		return true
	case a.instructorOnly(user):
		return false
	case len(a.AuthorizedKeys) > 0:
		return hasKey(a.AuthorizedKeys, key)
	}
	return a.open()
}

// checkPassword compares pw with the password user may log in with. The
// instructor's password is tried only for user InstructorUser, so that a
// guess under any other name is a guess at the room's password alone.
func (a *Auth) checkPassword(user, pw string) (ok, instructor bool) {
	switch {
	case a.instructorOnly(user):
		return equal(pw, a.InstructorPassword), true
	case a.Password != "":
		return equal(pw, a.Password), false
	}
	return a.open(), false
}

// install sets the server's authentication (RFC 4252). The handlers
// gliderlabs/ssh calls decide whether a method may go on; the role is
// decided in login, reached only with a verified proof: a password that
// matched, or a public key whose signature x/crypto has verified
// (VerifiedPublicKeyCallback). gliderlabs records an offered key in the
// session's context as soon as it answers a query, before any signature,
// so nothing here reads ssh.Session.PublicKey (the CVE-2024-45337 pattern).
// With nothing configured gliderlabs accepts the "none" method, which
// still goes through login for the limits.
func (s *Server) installAuth() {
	a := &s.cfg.Auth
	s.srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
		v := visitorOf(ctx)
		perms := ctx.Permissions().Permissions
		return &gossh.ServerConfig{
			PreAuthConnCallback: v.setPreAuth,
			VerifiedPublicKeyCallback: func(c gossh.ConnMetadata, key gossh.PublicKey, _ *gossh.Permissions, _ string) (*gossh.Permissions, error) {
				// The credential names the key that signed, never one
				// merely offered (RFC 4252 §7).
				if !s.login(v, c.User(), hasKey(a.InstructorKeys, key), "key "+gossh.FingerprintSHA256(key)) {
					return nil, errRefused
				}
				return perms, nil
			},
			NoClientAuthCallback: func(c gossh.ConnMetadata) (*gossh.Permissions, error) {
				if !s.login(v, c.User(), false, "") {
					return nil, errRefused
				}
				return perms, nil
			},
			AuthLogCallback: func(c gossh.ConnMetadata, method string, err error) {
				v.logins.attempt(c.User(), method, err == nil)
				if err == nil {
					v.authenticated()
				}
			},
		}
	}
	if !a.configured() {
		return
	}
	s.srv.PublicKeyHandler = func(ctx ssh.Context, key ssh.PublicKey) bool {
		return a.acceptsKey(ctx.User(), key)
	}
	s.srv.PasswordHandler = s.password
	if a.open() {
		// An open room with an instructor: attendees without a key get in
		// by keyboard-interactive (RFC 4256) with no question asked: the
		// server answers success without an information request.
		s.srv.KeyboardInteractiveHandler = func(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
			return !a.instructorOnly(ctx.User()) && s.login(visitorOf(ctx), ctx.User(), false, "")
		}
	}
}

// ErrPrivateKey is returned by ReadKeys for a file that holds a private
// key where public keys were expected.
var ErrPrivateKey = errors.New("this is a private key")

// errRefused is what a callback returns to x/crypto for a login the limits
// refused; the client has been sent a banner saying why.
var errRefused = errors.New("refused by the room's limits")

// password checks a password attempt. An address locked out for guessing
// is refused without the password being compared, so that a guesser
// learns nothing; a wrong password is counted against its address and
// answered only after LoginLimits.FailDelay.
func (s *Server) password(ctx ssh.Context, pw string) bool {
	v := visitorOf(ctx)
	if left := s.guesses.lockedFor(v.host); left > 0 {
		v.banner(fmt.Sprintf(msgLockedOut, text.FormatDuration(roundUp(left))))
		return false
	}
	ok, instructor := s.cfg.Auth.checkPassword(ctx.User(), pw)
	if !ok {
		if s.guesses.fail(v.host) {
			lim := s.cfg.Login
			s.cfg.Logf("locked out %s: %d failed passwords within a minute; its passwords are refused for %s", v.host, lim.MaxFailures, text.FormatDuration(lim.Lockout))
			v.banner(fmt.Sprintf(msgLockedOut, text.FormatDuration(lim.Lockout)))
		}
		s.cfg.pause(ctx, s.cfg.Login.FailDelay)
		return false
	}
	return s.login(v, ctx.User(), instructor, "password")
}

// MaxUserLen is the longest user name a session may log in with, in
// bytes. x/crypto accepts any that fits its packet (256 KiB), and the
// name is kept (the room's names, progress and worlds are keyed by it) and
// printed in the log and on the instructor's screen.
const MaxUserLen = 64

// login admits a visitor whose proof has been verified, as instructor or
// attendee, with the credential that proved it (Who.Credential), if its
// user name is at most MaxUserLen bytes and its address has a place left (Config.MaxPerAddr counts logged-in attendee
// connections only). A refused visitor is told why in a banner. An
// instructor is not counted against the address: the instructor of a room
// behind one NAT still gets in when the attendees hold every place.
func (s *Server) login(v *visitor, user string, instructor bool, credential string) bool {
	if len(user) > MaxUserLen {
		v.banner(fmt.Sprintf(msgLongUser, MaxUserLen))
		s.quiet.log("long user "+v.host, "refused a login from %s: a user name of %d bytes (at most %d)", v.host, len(user), MaxUserLen)
		return false
	}
	if instructor {
		v.admitted(true, credential, func() {})
		return true
	}
	release, ok := s.conns.acquire(v.host)
	if !ok {
		v.banner(fmt.Sprintf(msgPerAddr, s.cfg.MaxPerAddr))
		s.quiet.log("per-addr "+v.host, "refused a login from %s: %d connections from that address already", v.host, s.cfg.MaxPerAddr)
		return false
	}
	v.admitted(false, credential, release)
	return true
}

// roundUp is d in whole seconds, at least one: "refused for 1s", never "0s".
func roundUp(d time.Duration) time.Duration {
	return max(time.Second, (d + time.Second - 1).Truncate(time.Second))
}

func hasKey(keys []gossh.PublicKey, k ssh.PublicKey) bool {
	for _, want := range keys {
		if ssh.KeysEqual(want, k) {
			return true
		}
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// ReadKeys reads public keys from an authorized_keys file or a .pub file,
// one a line; blank lines and # comments are skipped. A bad line is an
// error naming the file, line and column; a private key is refused with
// ErrPrivateKey, saying to name its public half.
func ReadKeys(path string) ([]gossh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading keys: %w", err)
	}
	var keys []gossh.PublicKey
	for n, line := range bytes.Split(data, []byte("\n")) {
		col := len(line) - len(bytes.TrimLeft(line, " \t")) + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if bytes.HasPrefix(line, []byte("-----BEGIN")) && bytes.Contains(line, []byte("PRIVATE KEY")) {
			pub := path + ".pub"
			if strings.HasSuffix(path, ".pub") {
				pub = "the .pub file made with it"
			}
			return nil, fmt.Errorf("%s:%d:%d: %w: it stays with its owner; name its public half (%s)", path, n+1, col, ErrPrivateKey, pub)
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d:%d: not a public key: %w", path, n+1, col, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no public key in the file", path)
	}
	return keys, nil
}
