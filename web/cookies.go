package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/tokensim/tokensim/workshop"
)

// CookieName is the session cookie's name.
const CookieName = "tokensim_session"

// webCredential is the Credential of a visitor of an open room who has
// not logged in: "web", a name no SSH login produces (those are "", "key
// …" and "password"), so that a web-N never gets an SSH user's world.
const webCredential = "web"

// cookieLife is how long a session cookie is good for, on the server and
// in the browser (Max-Age): a workshop day. A session that runs is ended
// by the room's own limits (--max-duration, --idle-timeout), not by this.
const cookieLife = 12 * time.Hour

// maxCookieSessions bounds the sessions the server remembers: an open
// room gives a cookie to every page load, and what it keeps must not grow
// with every load. Beyond it, the oldest is forgotten (its browser logs
// in again, or in an open room becomes a new web-N).
const maxCookieSessions = 4096

// cookieSessions maps a session cookie to who the browser is, in memory
// for the server's life. The cookie is 32 bytes from crypto/rand
// (256 bits: OWASP Session Management Cheat Sheet asks for at least 64
// bits of entropy); the map holds its SHA-256, not the cookie, so that
// what the server holds cannot be replayed.
type cookieSessions struct {
	max  int
	life time.Duration
	now  func() time.Time

	mu    sync.Mutex
	byID  map[[sha256.Size]byte]cookieSession
	count int // web-N handed out
}

type cookieSession struct {
	who     workshop.Who
	made    time.Time
	expires time.Time
}

func newCookieSessions(max int, life time.Duration, now func() time.Time) *cookieSessions {
	return &cookieSessions{max: max, life: life, now: now, byID: map[[sha256.Size]byte]cookieSession{}}
}

// who is the session's Who for a cookie value, if it is known and has not
// expired.
func (cs *cookieSessions) who(value string) (workshop.Who, bool) {
	if value == "" {
		return workshop.Who{}, false
	}
	id := sha256.Sum256([]byte(value))
	cs.mu.Lock()
	defer cs.mu.Unlock()
	e, ok := cs.byID[id]
	if !ok {
		return workshop.Who{}, false
	}
	if !cs.now().Before(e.expires) {
		delete(cs.byID, id)
		return workshop.Who{}, false
	}
	return e.who, true
}

// open makes a session for who and returns its cookie value.
func (cs *cookieSessions) open(who workshop.Who) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	value := base64.RawURLEncoding.EncodeToString(b[:])
	now := cs.now()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if len(cs.byID) >= cs.max {
		cs.forgetLocked(now)
	}
	cs.byID[sha256.Sum256([]byte(value))] = cookieSession{who: who, made: now, expires: now.Add(cs.life)}
	return value
}

// anonymous makes a session for a new web-N in an open room.
func (cs *cookieSessions) anonymous() (workshop.Who, string) {
	who := workshop.Who{User: cs.nextName(), Credential: webCredential}
	return who, cs.open(who)
}

// nextName is "web-N", N counting from 1: the room counts quiz answers
// per User, so two browsers must not share one.
func (cs *cookieSessions) nextName() string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.count++
	return fmt.Sprintf("web-%d", cs.count)
}

// close forgets the session of a cookie value (a new login replaces it).
func (cs *cookieSessions) close(value string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	delete(cs.byID, sha256.Sum256([]byte(value)))
}

// forgetLocked drops the expired sessions and, if still at max, the
// oldest.
func (cs *cookieSessions) forgetLocked(now time.Time) {
	var oldest [sha256.Size]byte
	var oldestAt time.Time
	for id, e := range cs.byID {
		if !now.Before(e.expires) {
			delete(cs.byID, id)
			continue
		}
		if oldestAt.IsZero() || e.made.Before(oldestAt) {
			oldest, oldestAt = id, e.made
		}
	}
	if len(cs.byID) >= cs.max {
		delete(cs.byID, oldest)
	}
}

// cookie is the Set-Cookie for a session value: HttpOnly (no script reads
// it), SameSite=Strict (no other site's request carries it), Path=/,
// Max-Age of the session's life, and Secure when the page came over TLS
// (RFC 6265bis §4.1.2, §5.6.7; MDN "Set-Cookie").
func cookie(value string, tls bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: value, Path: "/", MaxAge: int(cookieLife / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: tls}
}
