package sim

import (
	"net/url"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim/jose"
)

// Snapshot is everything the inspector shows at one moment. It is a deep
// copy made of plain values: the player keeps one per step, so stepping
// back never recomputes the world.
type Snapshot struct {
	Time      time.Time    `json:"time"`
	Policy    Policy       `json:"policy"`
	Tokens    []TokenView  `json:"tokens"`   // what each actor holds
	Families  []FamilyView `json:"families"` // the AS's refresh-token families
	Denylist  int          `json:"denylist"` // jti entries the API refuses
	Counts    Counts       `json:"counts"`
	LoggedIn  bool         `json:"logged_in"`
	Attacker  AttackerView `json:"attacker"`
	EventsLen int          `json:"events"` // the log length at this moment
	// DPoPKey is the thumbprint of the app's DPoP key pair, "" when it
	// holds none (RFC 9449; the private half never leaves the app).
	DPoPKey string `json:"dpop_key,omitempty"`
	// ASSession is the AS sign-in session the user's browser holds a
	// cookie for; nil when it holds none (as_session.go).
	ASSession *SessionView `json:"as_session,omitempty"`
	// Refresh is, in words, the refresh token this world's app gets at
	// login under Policy (Policy.DescribeRefresh): no lifetime where it
	// gets none. The first-party backend's cookie lives the policy's
	// refresh lifetimes whatever the client rules; a hosted world's clients
	// are the web app and an installed CLI, so it is said for the web app.
	Refresh string `json:"refresh"`
}

// SessionView is the AS's sign-in session as the inspector shows it.
type SessionView struct {
	Label    string    `json:"label"` // s-1
	Sub      string    `json:"sub"`
	AuthTime time.Time `json:"auth_time"`
	// State is "active" or "ended"; Why says why it ended, or until when
	// it lasts.
	State     string    `json:"state"`
	Why       string    `json:"why,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"` // zero: no limit, or already ended
}

// TokenView is one token as a holder has it, decoded where it is a JWT.
type TokenView struct {
	Holder    Actor      `json:"holder"`
	Kind      string     `json:"kind"` // access, refresh, id
	Label     string     `json:"label,omitempty"`
	Where     string     `json:"where"` // storage location
	State     TokenState `json:"state"`
	Why       string     `json:"why,omitempty"` // the state in words
	IssuedAt  time.Time  `json:"issued_at,omitzero"`
	ExpiresAt time.Time  `json:"expires_at,omitzero"`
	// AcceptedUntil is when an API stops accepting the token: exp plus
	// the API's leeway (AcceptedUntil); zero for a token without exp.
	AcceptedUntil time.Time      `json:"accepted_until,omitzero"`
	Header        map[string]any `json:"header,omitempty"`
	Claims        map[string]any `json:"claims,omitempty"`
	Value         string         `json:"value"`
	// Bound is the thumbprint of the DPoP key the token is bound to
	// (cnf.jkt; for a refresh token, its family's key), "" for a bearer
	// token. Only the holder of that key can use it.
	Bound string `json:"bound,omitempty"`
	// confidential marks a refresh token issued to a confidential client:
	// the token endpoint takes it only with that client's secret (RFC 6749
	// §6, §10.4), which the attacker never has (as_confidential.go).
	confidential bool
	// grantEnded: an access token whose grant the account's standing has
	// ended (as_account.go): introspection answers inactive for it.
	grantEnded bool
}

// Remaining is the token's remaining life at now (0 once expired or for a
// token without an expiry).
func (t TokenView) Remaining(now time.Time) time.Duration {
	if t.ExpiresAt.IsZero() || !now.Before(t.ExpiresAt) {
		return 0
	}
	return t.ExpiresAt.Sub(now)
}

// FamilyView is a refresh-token family as the AS sees it.
type FamilyView struct {
	Label      string        `json:"label"`
	ClientID   string        `json:"client_id"`
	Sub        string        `json:"sub"`
	Scope      string        `json:"scope"`
	AuthTime   time.Time     `json:"auth_time"`
	AbsExpiry  time.Time     `json:"abs_expiry,omitzero"`
	RevokedAt  time.Time     `json:"revoked_at,omitzero"`
	RevokedWhy string        `json:"revoked_why,omitempty"`
	Refresh    []RefreshView `json:"refresh"`
	Access     []AccessView  `json:"access"`
	Bound      string        `json:"bound,omitempty"`   // the DPoP key its refresh tokens are bound to
	Offline    bool          `json:"offline,omitempty"` // its refresh tokens are offline tokens (Policy.OfflineTokens)
}

// RefreshView is one refresh token of a family. Parent makes the family a
// tree.
type RefreshView struct {
	Label     string     `json:"label"`
	Parent    string     `json:"parent,omitempty"`
	State     TokenState `json:"state"`
	Why       string     `json:"why,omitempty"`
	IssuedAt  time.Time  `json:"issued_at"`
	LastUsed  time.Time  `json:"last_used"`
	ChangedAt time.Time  `json:"changed_at,omitzero"`
}

// AccessView is one access token the AS issued.
type AccessView struct {
	Label     string    `json:"label"`
	Scope     string    `json:"scope"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// AcceptedUntil is exp plus the API's leeway (AcceptedUntil).
	AcceptedUntil time.Time  `json:"accepted_until"`
	State         TokenState `json:"state"`
	Why           string     `json:"why,omitempty"`
	Bound         string     `json:"bound,omitempty"` // cnf.jkt
}

// AttackerView says what the attacker holds and can do now.
type AttackerView struct {
	HoldsAccess  bool   `json:"holds_access"`
	HoldsRefresh bool   `json:"holds_refresh"`
	Summary      string `json:"summary"`
	// Script is what its injected script can do through the victim's
	// browser while it runs (ride a session), or that it no longer can;
	// "" when that does not arise. Summary ends with it.
	Script string `json:"script,omitempty"`
}

// AcceptedUntil is the moment, on the world's clock, an API that checks
// tokens itself stops accepting a token that expires at exp: exp plus the
// policy's leeway, by the API's own clock, which runs APIClockSkew ahead
// of the world's (api.go: API.now). At that instant it is already refused
// (RFC 7519 §4.1.4 allows "some small leeway"; golang-jwt rejects now >=
// exp+leeway, protocol.md item 52). The one engine fact every tab and
// reason quotes for "accepted until"; AcceptedWords says how it is made.
func (p Policy) AcceptedUntil(exp time.Time) time.Time {
	if exp.IsZero() {
		return exp
	}
	return exp.Add(p.Leeway - p.APIClockSkew)
}

// AcceptedWords says in words how AcceptedUntil is made under p: exp plus
// the leeway, and the API's clock offset when it has one.
func (p Policy) AcceptedWords() string {
	switch {
	case p.APIClockSkew > 0:
		return "exp plus leeway, less the " + text.FormatDuration(p.APIClockSkew) + " the API's clock runs ahead"
	case p.APIClockSkew < 0:
		return "exp plus leeway, plus the " + text.FormatDuration(-p.APIClockSkew) + " the API's clock runs behind"
	}
	return "exp plus leeway"
}

// heldToken is a token someone holds, for inspection.
type heldToken struct {
	holder      Actor
	kind, value string
	where       string
}

// inspect views, under the AS's lock and so as one consistent moment, the
// tokens held (those with a value), every family and app's AS session.
func (as *AuthServer) inspect(held []heldToken, app *Client, now time.Time) ([]TokenView, []FamilyView, *SessionView) {
	as.mu.Lock()
	defer as.mu.Unlock()
	var tokens []TokenView
	for _, h := range held {
		if h.value != "" {
			tokens = append(tokens, as.view(h.holder, h.kind, h.value, h.where, now))
		}
	}
	var fams []FamilyView
	for _, f := range as.families {
		fams = append(fams, as.familyView(f, now))
	}
	return tokens, fams, as.sessionView(app, now)
}

// Inspect takes a snapshot of the world.
func (w *World) Inspect() Snapshot {
	now := w.env.clock.Now()
	s := Snapshot{Time: now, Policy: w.env.policy(), Counts: w.env.counters.Snapshot(), LoggedIn: w.app.LoggedIn(), EventsLen: w.env.log.Len(), DPoPKey: w.app.DPoPKey()}

	at, _, rt, id := w.app.store.snapshot()
	where := string(w.app.storage)
	if w.app.fp {
		rt = w.app.refreshCookie()
	}
	atWhere, rtWhere := where, where
	switch {
	case w.app.bff():
		where = "the BFF (server-side); the browser holds only a session cookie"
		atWhere, rtWhere = where, where
	case w.app.mediated():
		where = "the backend (server-side)"
		atWhere, rtWhere = "the page's memory (handed over by the backend)", where
	}
	held := []heldToken{{ActorApp, "access", at, atWhere}}
	if w.app.fp {
		held = append(held, heldToken{ActorUser, "refresh", rt, "httpOnly cookie"})
	} else {
		held = append(held, heldToken{ActorApp, "refresh", rt, rtWhere})
	}
	held = append(held, heldToken{ActorApp, "id", id, where})
	// Tokens for other APIs (RFC 8707) come after the app's own, which
	// stays the first "app access" a lookup finds.
	for _, res := range w.as.Resources() {
		if v := w.app.heldFor(res); v != "" && res != w.app.apiBase {
			held = append(held, heldToken{ActorApp, "access", v, where + ", its token for " + hostOf(res)})
		}
	}
	aat, art := w.attacker.tokens()
	held = append(held, heldToken{ActorAttacker, "access", aat, "attacker's machine"}, heldToken{ActorAttacker, "refresh", art, "attacker's machine"})
	held = append(held, w.svc.held())
	s.Tokens, s.Families, s.ASSession = w.as.inspect(held, w.app, now)
	for i := range s.Tokens {
		s.Tokens[i].AcceptedUntil = s.Policy.AcceptedUntil(s.Tokens[i].ExpiresAt)
	}

	w.api.mu.Lock()
	s.Denylist = len(w.api.denylist)
	w.api.mu.Unlock()
	pushed := map[string]bool{} // at the API it was issued to, either one
	for _, api := range []*API{w.api, w.apiB} {
		api.mu.Lock()
		for jti := range api.pushed {
			pushed[jti] = true
		}
		api.mu.Unlock()
	}
	s.Attacker = attackerView(s.Tokens, now, s.Policy, pushed)
	if s.Attacker.Script = w.attacker.riding(s.Tokens, now); s.Attacker.Script != "" {
		s.Attacker.Summary += "; " + s.Attacker.Script
	}
	switch {
	case w.app.backend(): // a confidential client on the app's server
		s.Refresh = s.Policy.DescribeRefresh(KindWeb)
	case w.app.fp:
		s.Refresh = s.Policy.RefreshLifetimes()
	case w.env.oneOrigin:
		s.Refresh = s.Policy.DescribeRefresh(KindWeb)
	default:
		s.Refresh = s.Policy.DescribeRefresh(w.app.kind)
	}
	return s
}

// view describes a token value as the AS knows it.
func (as *AuthServer) view(holder Actor, kind, v, where string, now time.Time) TokenView {
	t := TokenView{Holder: holder, Kind: kind, Where: where, Value: v, State: StateActive}
	if rt, ok := as.refresh[hashToken(v)]; ok {
		t.Label, t.IssuedAt, t.Bound = rt.label, rt.issuedAt, rt.fam.jkt
		t.confidential = as.confidentialClient(rt.fam.clientID)
		t.State, t.Why = as.refreshState(rt, now)
		return t
	}
	t.Header, t.Claims = jose.Parts(v)
	t.Bound = boundJKT(v)
	if jti, _ := t.Claims["jti"].(string); jti != "" {
		if rec, ok := as.access[jti]; ok {
			t.Label, t.IssuedAt, t.ExpiresAt = rec.label, rec.iat, rec.exp
			_, ended := as.grantEndedFor(rec)
			t.grantEnded = ended != ""
			until := as.env.policy().AcceptedUntil(rec.exp)
			switch {
			case rec.revoked() && !now.Before(until):
				t.State, t.Why = StateRevoked, "revoked at the AS at "+when(rec.revokedAt)+", and expired at "+when(rec.exp)+": no API accepts it"
			case rec.revoked():
				t.State, t.Why = StateRevoked, "revoked at the AS at "+when(rec.revokedAt)+"; an API that checks tokens locally (stateless) still accepts it until "+when(until)+" ("+as.env.policy().AcceptedWords()+"), one that introspects or keeps a denylist refuses it, and one that receives pushed revocation events refuses it once the event has arrived (OpenID CAEP session-revoked)"
			case !now.Before(rec.exp) && now.Before(until):
				t.State, t.Why = StateExpired, "expired at "+when(rec.exp)+"; an API still accepts it until "+when(until)+" ("+as.env.policy().AcceptedWords()+")"
			case !now.Before(rec.exp):
				t.State, t.Why = StateExpired, "expired at "+when(rec.exp)
			default:
				t.Why = "valid until " + when(rec.exp)
			}
			return t
		}
	}
	if exp, ok := t.Claims["exp"].(float64); ok {
		// Stamps are wall time; read back as the virtual times they stand
		// for (clock_stamp.go; the identity in a lesson).
		var iatStamp time.Time
		if iat, ok := t.Claims["iat"].(float64); ok {
			iatStamp = time.Unix(int64(iat), 0).UTC()
			t.IssuedAt = as.env.clock.unstamp(iatStamp, iatStamp)
		}
		t.ExpiresAt = as.env.clock.unstamp(time.Unix(int64(exp), 0).UTC(), iatStamp)
		if !now.Before(t.ExpiresAt) {
			t.State, t.Why = StateExpired, "expired at "+when(t.ExpiresAt)
		}
	}
	return t
}

// refreshState says where a refresh token stands now, expiry included.
func (as *AuthServer) refreshState(rt *refreshRecord, now time.Time) (TokenState, string) {
	pol := as.env.policy()
	switch {
	case rt.state != StateActive:
		return rt.state, rt.why
	case !rt.fam.absExpiry.IsZero() && !now.Before(rt.fam.absExpiry):
		return StateExpired, "family " + rt.fam.label + " reached its absolute lifetime at " + whenDay(rt.fam.absExpiry)
	}
	if idle, name := rt.fam.idle(pol); idle > 0 && !now.Before(rt.lastUsed.Add(idle)) {
		return StateExpired, "unused since " + whenDay(rt.lastUsed) + "; " + name + " " + text.FormatDuration(idle)
	}
	why := "usable at the token endpoint"
	if !rt.fam.absExpiry.IsZero() {
		why += " until " + when(rt.fam.absExpiry) + " at the latest"
	}
	return StateActive, why
}

func (as *AuthServer) familyView(f *family, now time.Time) FamilyView {
	v := FamilyView{Label: f.label, ClientID: f.clientID, Sub: f.sub, Scope: f.scope, AuthTime: f.authTime,
		AbsExpiry: f.absExpiry, RevokedAt: f.revokedAt, RevokedWhy: f.revokedWhy, Bound: f.jkt, Offline: f.offline}
	for _, rt := range f.refresh {
		st, why := as.refreshState(rt, now)
		rv := RefreshView{Label: rt.label, State: st, Why: why, IssuedAt: rt.issuedAt, LastUsed: rt.lastUsed, ChangedAt: rt.changedAt}
		if rt.parent != nil {
			rv.Parent = rt.parent.label
		}
		v.Refresh = append(v.Refresh, rv)
	}
	for _, at := range f.access {
		av := AccessView{Label: at.label, Scope: at.scope, IssuedAt: at.iat, ExpiresAt: at.exp, AcceptedUntil: as.env.policy().AcceptedUntil(at.exp), State: StateActive, Bound: at.jkt}
		switch {
		case at.revoked():
			av.State, av.Why = StateRevoked, at.revokedWhy
		case !now.Before(at.exp):
			av.State = StateExpired
		}
		v.Access = append(v.Access, av)
	}
	return v
}

// sessionView reads, without changing anything, the AS session the
// client's browser holds a cookie for.
func (as *AuthServer) sessionView(c *Client, now time.Time) *SessionView {
	if c.fp || c.browser.Jar == nil {
		return nil
	}
	u, err := url.Parse(as.issuer + "/authorize")
	if err != nil {
		return nil
	}
	for _, k := range c.browser.Jar.Cookies(u) {
		if k.Name != SessionCookie {
			continue
		}
		sess, ok := as.sessions[hashToken(k.Value)]
		if !ok {
			return nil
		}
		v := &SessionView{Label: sess.label, Sub: sess.sub, AuthTime: sess.authTime, State: SessionActive}
		at, why := sess.expiry(as.env.policy())
		switch {
		case !sess.endedAt.IsZero():
			v.State, v.Why = SessionEnded, "ended at "+when(sess.endedAt)+": "+sess.endedWhy
		case !at.IsZero() && !now.Before(at):
			v.State, v.Why = SessionEnded, "ended at "+when(at)+": it reached "+why
		default:
			v.ExpiresAt, v.Why = at, sess.limits(as.env.policy())
		}
		return v
	}
	return nil
}

// jtiOf is a token's jti claim, "" when it has none.
func jtiOf(t TokenView) string {
	jti, _ := t.Claims["jti"].(string)
	return jti
}
