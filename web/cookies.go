package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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

// maxCookieSessions bounds the sessions the server remembers, and
// maxSessionsPerAddr those of one address (a class behind one NAT logs in
// from one address: 256 is a guess at a large class logging in a few
// times each over a day, unverified). A page load remembers nothing (an
// open room's visitor gets a signed token, bound to a web-N only when a
// socket comes with it); what is remembered is never dropped for another
// visitor's sake while it lives, except an open room's web-N, which
// anyone can have again by loading the page: a login beyond the bounds is
// refused (errSessionsFull) rather than log someone out.
const (
	maxCookieSessions  = 4096
	maxSessionsPerAddr = 256
)

// errSessionsFull is a login refused because the server remembers as
// many sessions as it may.
var errSessionsFull = errors.New("too many sessions open")

// cookieSessions maps a session cookie to who the browser is, in memory
// for the server's life. The cookie is 32 bytes from crypto/rand
// (256 bits: OWASP Session Management Cheat Sheet asks for at least 64
// bits of entropy); the map holds its SHA-256, not the cookie, so that
// what the server holds cannot be replayed.
type cookieSessions struct {
	max, perAddr int
	life         time.Duration
	now          func() time.Time
	// key signs the anonymous tokens of an open room (HMAC-SHA-256), so
	// that a token is known to be this server's without being stored.
	key [32]byte

	mu     sync.Mutex
	byID   map[[sha256.Size]byte]cookieSession
	byAddr map[string]int
	count  int // web-N handed out
}

type cookieSession struct {
	who     workshop.Who
	host    string // the address it was opened from, without port
	made    time.Time
	expires time.Time
}

func newCookieSessions(max, perAddr int, life time.Duration, now func() time.Time) *cookieSessions {
	cs := &cookieSessions{max: max, perAddr: perAddr, life: life, now: now,
		byID: map[[sha256.Size]byte]cookieSession{}, byAddr: map[string]int{}}
	_, _ = rand.Read(cs.key[:]) // crypto/rand.Read never fails (Go 1.24+)
	return cs
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
		cs.deleteLocked(id)
		return workshop.Who{}, false
	}
	return e.who, true
}

// open makes a session for who, opened from host, and returns its cookie
// value; errSessionsFull when the server or host has as many as it may
// and none can be dropped: only expired sessions and web-N ones are,
// oldest first; an instructor's login may also drop the oldest attendee
// login of the server (not of its own address: an instructor gets in to
// a full room, as a full room keeps the instructor a slot).
func (cs *cookieSessions) open(who workshop.Who, host string) (string, error) {
	value := randomValue()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if err := cs.makeRoomLocked(who, host); err != nil {
		return "", err
	}
	cs.putLocked(value, who, host)
	return value, nil
}

func (cs *cookieSessions) putLocked(value string, who workshop.Who, host string) {
	now := cs.now()
	id := sha256.Sum256([]byte(value))
	if _, ok := cs.byID[id]; ok {
		cs.deleteLocked(id) // replaced: its address's count goes with it
	}
	cs.byID[id] = cookieSession{who: who, host: host, made: now, expires: now.Add(cs.life)}
	cs.byAddr[host]++
}

// makeRoomLocked drops what may be dropped until who from host fits.
func (cs *cookieSessions) makeRoomLocked(who workshop.Who, host string) error {
	now := cs.now()
	if len(cs.byID) >= cs.max || cs.byAddr[host] >= cs.perAddr {
		for id, e := range cs.byID {
			if !now.Before(e.expires) {
				cs.deleteLocked(id)
			}
		}
	}
	anon := func(e cookieSession) bool { return e.who.Credential == webCredential }
	// An instructor is not held to the address's bound: a room behind
	// one address (a classroom's NAT) must not keep its instructor out,
	// as an instructor's SSH connection is not counted per address.
	for !who.Instructor && cs.byAddr[host] >= cs.perAddr {
		if !cs.dropOldestLocked(func(e cookieSession) bool { return anon(e) && e.host == host }) {
			return fmt.Errorf("%w from your address (%d)", errSessionsFull, cs.perAddr)
		}
	}
	for len(cs.byID) >= cs.max {
		if cs.dropOldestLocked(anon) {
			continue
		}
		if who.Instructor && cs.dropOldestLocked(func(e cookieSession) bool { return !e.who.Instructor }) {
			continue
		}
		return fmt.Errorf("%w (%d)", errSessionsFull, cs.max)
	}
	return nil
}

// dropOldestLocked drops the oldest session that may go; false if none
// may.
func (cs *cookieSessions) dropOldestLocked(may func(cookieSession) bool) bool {
	var oldest [sha256.Size]byte
	var oldestAt time.Time
	found := false
	for id, e := range cs.byID {
		if may(e) && (!found || e.made.Before(oldestAt)) {
			oldest, oldestAt, found = id, e.made, true
		}
	}
	if found {
		cs.deleteLocked(oldest)
	}
	return found
}

func (cs *cookieSessions) deleteLocked(id [sha256.Size]byte) {
	e, ok := cs.byID[id]
	if !ok {
		return
	}
	delete(cs.byID, id)
	if cs.byAddr[e.host]--; cs.byAddr[e.host] <= 0 {
		delete(cs.byAddr, e.host)
	}
}

// token is a new anonymous token for an open room's page load: random,
// stamped with its expiry (the session's life, as a stored session's),
// and signed so that it need not be stored until a socket brings it.
func (cs *cookieSessions) token() string {
	r := randomValue() + "~" + strconv.FormatInt(cs.now().Add(cs.life).Unix(), 10)
	return r + "." + cs.sign(r)
}

func (cs *cookieSessions) sign(r string) string {
	m := hmac.New(sha256.New, cs.key[:])
	m.Write([]byte(r))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signed reports whether value is a token this server made that has not
// expired.
func (cs *cookieSessions) signed(value string) bool {
	r, mac, ok := strings.Cut(value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(cs.sign(r))) {
		return false
	}
	_, exp, _ := strings.Cut(r, "~")
	until, err := strconv.ParseInt(exp, 10, 64)
	return err == nil && cs.now().Before(time.Unix(until, 0))
}

// anonymous is the web-N of a signed token, from host: the one it was
// bound to, or a new one bound now (evicting the oldest web-N when the
// server or host is full: web-N sessions never refuse).
func (cs *cookieSessions) anonymous(value, host string) workshop.Who {
	// Looked up and bound under one lock: two sockets bringing the same
	// fresh token must get one web-N, counted once for its address.
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if e, ok := cs.byID[sha256.Sum256([]byte(value))]; ok && cs.now().Before(e.expires) {
		return e.who
	}
	cs.count++
	who := workshop.Who{User: fmt.Sprintf("web-%d", cs.count), Credential: webCredential}
	if cs.makeRoomLocked(who, host) == nil {
		cs.putLocked(value, who, host)
	}
	return who
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
	cs.deleteLocked(sha256.Sum256([]byte(value)))
}

func randomValue() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// cookie is the Set-Cookie for a session value: HttpOnly (no script reads
// it), SameSite=Strict (no other site's request carries it), Path=/,
// Max-Age of the session's life, and Secure when the page came over TLS
// (RFC 6265bis §4.1.2, §5.6.7; MDN "Set-Cookie").
func cookie(value string, tls bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: value, Path: "/", MaxAge: int(cookieLife / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: tls}
}
