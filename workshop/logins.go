package workshop

import (
	"slices"
	"strings"
	"sync"

	"github.com/gliderlabs/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// logins is one connection's authentication attempts (RFC 4252 §5: a
// client may try several methods, and several keys, before one succeeds).
// A connection that never gets in is logged once, when it closes: one
// line per failed login, not one per key an ssh client offers on its way
// to the password prompt. Passwords are never kept.
type logins struct {
	mu      sync.Mutex
	user    string
	refused []string // the methods refused, each once, in order
	in      bool     // a method succeeded
	once    sync.Once
}

const ctxLogins ctxKey = "tokensim-logins"

func (l *logins) attempt(ctx ssh.Context, method string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.user = ctx.User()
	if ok {
		l.in = true
	} else if !slices.Contains(l.refused, method) {
		l.refused = append(l.refused, method)
	}
}

// report logs a failed login, once, if the connection tried and never got
// in. A connection that tried nothing (a port scan, a client that gave up
// at the host key) is not a login.
func (l *logins) report(logf func(string, ...any), addr string) {
	l.once.Do(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if !l.in && len(l.refused) > 0 {
			logf("failed login from %s as %q (%s refused)", addr, l.user, strings.Join(l.refused, ", "))
		}
	})
}

// recordLogins wraps the authentication callbacks that install set so
// that each attempt is recorded on its connection's logins.
func recordLogins(srv *ssh.Server) {
	rec := func(ctx ssh.Context, method string, ok bool) bool {
		if l, _ := ctx.Value(ctxLogins).(*logins); l != nil {
			l.attempt(ctx, method, ok)
		}
		return ok
	}
	if h := srv.PasswordHandler; h != nil {
		srv.PasswordHandler = func(ctx ssh.Context, pw string) bool { return rec(ctx, "password", h(ctx, pw)) }
	}
	if h := srv.PublicKeyHandler; h != nil {
		srv.PublicKeyHandler = func(ctx ssh.Context, k ssh.PublicKey) bool { return rec(ctx, "publickey", h(ctx, k)) }
	}
	if h := srv.KeyboardInteractiveHandler; h != nil {
		srv.KeyboardInteractiveHandler = func(ctx ssh.Context, c gossh.KeyboardInteractiveChallenge) bool {
			return rec(ctx, "keyboard-interactive", h(ctx, c))
		}
	}
}
