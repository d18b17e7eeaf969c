package workshop

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"os"

	"github.com/gliderlabs/ssh"
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

func (a *Auth) configured() bool {
	return !a.open() || len(a.InstructorKeys) > 0 || a.InstructorPassword != ""
}

// instructorOnly reports whether the connecting user name is reserved for
// the instructor's password.
func (a *Auth) instructorOnly(ctx ssh.Context) bool {
	return a.InstructorPassword != "" && ctx.User() == InstructorUser
}

type ctxKey string

const ctxInstructor ctxKey = "tokensim-instructor"

// install sets the server's authentication callbacks (RFC 4252). With
// nothing configured it sets none, and gliderlabs/ssh accepts the "none"
// method: anyone gets in.
func (a *Auth) install(srv *ssh.Server) {
	if !a.configured() {
		return
	}
	srv.PublicKeyHandler = func(ctx ssh.Context, key ssh.PublicKey) bool {
		switch {
		case hasKey(a.InstructorKeys, key):
			return true
		case a.instructorOnly(ctx):
			return false
		case len(a.AuthorizedKeys) > 0:
			return hasKey(a.AuthorizedKeys, key)
		}
		return a.open()
	}
	srv.PasswordHandler = func(ctx ssh.Context, pw string) bool {
		if a.InstructorPassword != "" && equal(pw, a.InstructorPassword) {
			ctx.SetValue(ctxInstructor, true)
			return true
		}
		switch {
		case a.instructorOnly(ctx):
			return false
		case a.Password != "":
			return equal(pw, a.Password)
		}
		return a.open()
	}
	if a.open() {
		// An open room with an instructor: attendees without a key get in
		// by keyboard-interactive (RFC 4256) with no question asked: the
		// server answers success without an information request.
		srv.KeyboardInteractiveHandler = func(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
			return !a.instructorOnly(ctx)
		}
	}
}

// instructor reports whether a session was authenticated as an instructor.
func (a *Auth) instructor(s ssh.Session) bool {
	if v, _ := s.Context().Value(ctxInstructor).(bool); v {
		return true
	}
	return s.PublicKey() != nil && hasKey(a.InstructorKeys, s.PublicKey())
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
// error naming the file and line.
func ReadKeys(path string) ([]gossh.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading keys: %w", err)
	}
	var keys []gossh.PublicKey
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d:1: not a public key: %w", path, n+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no public key in the file", path)
	}
	return keys, nil
}
