package sim

import (
	"fmt"
	"net/http"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// asSession is what the AS keeps of one sign-in: the cookie's value only as
// a hash, like every other credential it stores.
type asSession struct {
	label    string // s-1
	hash     [32]byte
	sub      string
	authTime time.Time // when the user proved who they are: auth_time (OIDC Core §2)
	lastSeen time.Time // the last visit to /authorize that used it: the idle timer's start
	endedAt  time.Time
	endedWhy string
}

// expiry returns when s ends under pol, and which limit ends it; zero when
// no limit applies. Both limits are read from the policy in force, so that
// a what-if on session_idle or session_max takes effect at once.
func (s *asSession) expiry(pol Policy) (time.Time, string) {
	var at time.Time
	var why string
	if pol.SessionIdle > 0 {
		at, why = s.lastSeen.Add(pol.SessionIdle), "its idle limit ("+text.FormatDuration(pol.SessionIdle)+" without a visit to /authorize since "+when(s.lastSeen)+")"
	}
	if pol.SessionMax > 0 {
		if m := s.authTime.Add(pol.SessionMax); at.IsZero() || m.Before(at) {
			at, why = m, "its maximum lifetime ("+text.FormatDuration(pol.SessionMax)+" after sign-in at "+when(s.authTime)+")"
		}
	}
	return at, why
}

// limits describes, for the learner, how long a session just started or
// used lasts under pol.
func (s *asSession) limits(pol Policy) string {
	switch {
	case pol.SessionIdle > 0 && pol.SessionMax > 0:
		return fmt.Sprintf("it lasts until %s without a visit to /authorize (session_idle %s), %s at the latest (session_max %s)",
			when(s.lastSeen.Add(pol.SessionIdle)), text.FormatDuration(pol.SessionIdle), when(s.authTime.Add(pol.SessionMax)), text.FormatDuration(pol.SessionMax))
	case pol.SessionIdle > 0:
		return fmt.Sprintf("it lasts until %s without a visit to /authorize (session_idle %s); no maximum", when(s.lastSeen.Add(pol.SessionIdle)), text.FormatDuration(pol.SessionIdle))
	case pol.SessionMax > 0:
		return fmt.Sprintf("it lasts until %s (session_max %s); no idle limit", when(s.authTime.Add(pol.SessionMax)), text.FormatDuration(pol.SessionMax))
	}
	return "this policy sets no idle or maximum lifetime"
}

// sessionOf returns the live session the request's cookie names, or nil and
// why there is none, in words for the reason a learner reads.
func (as *AuthServer) sessionOf(r *http.Request) (*asSession, string) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, "the browser sent no AS session cookie: nobody is signed in at the AS"
	}
	s, ok := as.sessions[hashToken(c.Value)]
	if !ok {
		return nil, "the AS session cookie names no session this AS started"
	}
	if !s.endedAt.IsZero() {
		return nil, "AS session " + s.label + " ended at " + when(s.endedAt) + ": " + s.endedWhy
	}
	now := as.env.clock.Now()
	if at, why := s.expiry(as.env.policy()); !at.IsZero() && !now.Before(at) {
		s.endedAt, s.endedWhy = at, "it reached "+why
		as.env.emit(Event{Kind: KindASSessionEnded, From: ActorAS, Reason: "AS session " + s.label + " ended at " + when(at) + ": it reached " + why,
			Summary: "the AS shows the login form again"})
		return nil, "AS session " + s.label + " ended at " + when(at) + ": it reached " + why
	}
	return s, ""
}

// startSession records a sign-in and sets the session cookie: HttpOnly so
// that page scripts cannot read it, SameSite=Lax so that other sites'
// subrequests do not carry it (top-level navigations, which OAuth's
// redirects are, still do), Secure when the AS is reached over TLS
// (checklist item 103). A cookie the browser already held for an older
// session is replaced, and that session ends: one browser, one sign-in.
func (as *AuthServer) startSession(w http.ResponseWriter, r *http.Request, sub string) *asSession {
	now := as.env.clock.Now()
	if old, _ := as.sessionOf(r); old != nil {
		old.endedAt, old.endedWhy = now, "the user signed in again in the same browser"
	}
	v := as.env.rand.token(32)
	s := &asSession{label: as.nextLabel("s"), hash: hashToken(v), sub: sub, authTime: now, lastSeen: now}
	as.sessions[s.hash] = s
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: v, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || isHTTPS(as.issuer)})
	as.env.emit(Event{Kind: KindASSession, From: ActorAS, To: ActorUser,
		Summary: fmt.Sprintf("the AS starts sign-in session %s for %s in an httpOnly cookie (%s): while it lives, the next login needs no password; %s", s.label, sub, SessionCookie, s.limits(as.env.policy()))})
	return s
}

// endSession ends s (logout at the AS) and, when the policy says so,
// revokes the refresh tokens granted under it.
func (as *AuthServer) endSession(s *asSession, why string) {
	now := as.env.clock.Now()
	s.endedAt, s.endedWhy = now, why
	revoked := 0
	if as.env.policy().LogoutRevokesRefresh {
		for _, f := range as.families {
			if f.session == s && !f.revoked() {
				as.revokeFamily(f, "AS session "+s.label+" ended: "+why, true)
				revoked++
			}
		}
	}
	left := "its refresh tokens are left alone (logout_revokes_refresh is off)"
	if as.env.policy().LogoutRevokesRefresh {
		left = fmt.Sprintf("%d grant(s) issued under it revoked with their refresh tokens (logout_revokes_refresh)", revoked)
	}
	as.env.emit(Event{Kind: KindASSessionEnded, From: ActorAS,
		Reason:  "AS session " + s.label + " ended at " + when(now) + ": " + why,
		Summary: left + "; an API that checks access tokens only locally accepts those already issued until exp"})
}

// IsLoginForm reports whether e is the AS showing its sign-in form: an
// answered /authorize with 200 (every other answer is a redirect or an
// error page). Lessons check it to tell a silent login from a typed one.
func (e Event) IsLoginForm() bool {
	return e.Kind == KindExchange && e.To == ActorAS && e.Path == "/authorize" && e.Status == http.StatusOK
}

// The AS's sign-in session: its cookie, and the states it can be in.
const (
	// SessionCookie names the AS's sign-in session cookie. It is the second
	// layer of "logged in" (curriculum idea 10): the app's own state, the AS's
	// session in the browser, and the tokens. While it lives, /authorize issues
	// a code without showing the form (OIDC Core §3.1.2.3), which is what makes
	// the next login silent after the app forgot its tokens.
	SessionCookie = "as_session"

	// The states an AS session can be in, as SessionView.State and a
	// lesson's `as_session` expectation name them; SessionNone is a browser
	// without a session cookie.
	SessionActive = "active"
	SessionEnded  = "ended"
	SessionNone   = "none"
)

// SessionStates lists the names a lesson may expect (a fresh slice).
func SessionStates() []string { return []string{SessionActive, SessionEnded, SessionNone} }

// adminRevoke is World.AdminRevoke, under the AS's lock.
func (as *AuthServer) adminRevoke(sub string) int {
	as.mu.Lock()
	defer as.mu.Unlock()
	n := 0
	for _, f := range as.families {
		if f.sub == sub && !f.revoked() {
			as.revokeFamily(f, "an administrator revoked "+sub+"'s sessions", true)
			n++
		}
	}
	as.endSessionsOf(sub, "an administrator signed "+sub+" out everywhere")
	return n
}
