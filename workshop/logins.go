package workshop

import (
	"slices"
	"strings"
	"sync"
	"time"
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

// attempt records what x/crypto decided of one request. A public key the
// server only said it would accept (a query, RFC 4252 §7) is not an
// attempt: x/crypto reports only the requests it decided.
func (l *logins) attempt(user, method string, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.user = user
	switch {
	case ok:
		l.in = true
	case method != "none" && !slices.Contains(l.refused, method):
		// "none" is how clients ask which methods there are.
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

// quietLog logs a line about an address at most once a minute, so that a
// flood of connections from one address is one line, not one per
// connection.
type quietLog struct {
	logf func(string, ...any)
	now  func() time.Time

	mu   sync.Mutex
	last map[string]time.Time // key → when it was last logged
}

func (q *quietLog) log(key, format string, args ...any) {
	q.mu.Lock()
	now := q.now()
	if t, ok := q.last[key]; ok && now.Sub(t) < time.Minute {
		q.mu.Unlock()
		return
	}
	if q.last == nil || len(q.last) > maxRemembered {
		q.last = map[string]time.Time{}
	}
	q.last[key] = now
	q.mu.Unlock()
	q.logf(format, args...)
}
