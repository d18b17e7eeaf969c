package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Source is where an attacker gets hold of a token. Each position reaches
// some tokens and not others, depending on where the app stores them.
type Source string

const (
	// SourceScript is script injection (XSS) in the app's page: it reads
	// what page scripts can read.
	SourceScript Source = "script-injection"
	// SourceLog is a log line: an API or proxy that logged the
	// Authorization header of a request the app made.
	SourceLog Source = "log"
	// SourceNetwork is an intercepted exchange, e.g. a TLS-terminating
	// proxy the attacker controls: it sees the last exchange that carried
	// the token.
	SourceNetwork Source = "network"
)

// Sources lists every attacker position (a fresh slice each call).
func Sources() []Source { return []Source{SourceScript, SourceLog, SourceNetwork} }

// TokenKind names the kind of token an action concerns.
type TokenKind string

// The kinds of token.
const (
	TokenAccess  TokenKind = "access"
	TokenRefresh TokenKind = "refresh"
	// TokenID names the ID token in Present and RefreshUsing.
	TokenID TokenKind = "id"
)

// Attacker holds what it stole and uses it from its own machine.
type Attacker struct {
	env    *env
	http   *http.Client
	victim *Client
	// issuer and audience are what the victim's tokens say, for forging.
	issuer, audience string
	key              *attackerKey // its own signing key, made on first use

	mu      sync.Mutex
	access  string
	refresh string
	// ran and gone are its script's life in the victim's page: it has run
	// (a script action), and it is gone (ScriptGone; attacker_ride.go).
	ran, gone bool
	forged    []string    // the tokens it made, in order: forged-1, forged-2…
	proof     string      // a DPoP proof captured with the access token (dpop_client.go)
	dpop      *dpopHolder // its own DPoP key, made on first use
}

func newAttacker(e *env, w *wire, victim *Client, issuer, audience string) *Attacker {
	return &Attacker{env: e, http: w.Client(ActorAttacker), victim: victim,
		issuer: issuer, audience: audience, key: &attackerKey{env: e}}
}

// Steal tries to copy the victim app's token of kind from src. What
// succeeds depends on where the app keeps its tokens; a failure says why
// the position does not reach the token.
func (a *Attacker) Steal(src Source, kind TokenKind) Outcome {
	if src == SourceScript {
		if o, ok := a.inPage(); !ok {
			a.env.emit(Event{Kind: KindStealFailed, From: ActorAttacker, To: ActorApp, Error: o.Error, Reason: o.Reason})
			return o
		}
	}
	tok, why := a.reach(src, kind)
	if tok == "" {
		a.env.emit(Event{Kind: KindStealFailed, From: ActorAttacker, To: ActorApp, Error: CodeUnreachable, Reason: why})
		return Outcome{Error: CodeUnreachable, Reason: why}
	}
	a.mu.Lock()
	if kind == TokenAccess {
		a.access = tok
	} else {
		a.refresh = tok
	}
	a.mu.Unlock()
	why = a.stolenNote(src, kind, tok, why)
	a.env.emit(Event{Kind: KindStolen, From: ActorAttacker, To: ActorApp, Reason: why})
	return Outcome{Reason: why} // no HTTP request was made: no status
}

// Reaches says whether position s can ever get a token of kind from an
// app keeping its tokens in storage, in a world of topology t, and when it
// cannot, why. It is the one reach rule: the attacker asks it before
// looking, and the scenario validator asks it to reject a steal that can
// never succeed. When it says yes, whether a token is there to take
// depends on the run (an empty store, no exchange yet).
func (s Source) Reaches(kind TokenKind, storage Storage, t Topology) (bool, string) {
	switch s {
	case SourceScript:
		switch storage {
		case StorageLocal:
			return true, ""
		case StorageMemory:
			// draft-ietf-oauth-browser-based-apps (in-memory token storage):
			// a variable is out of reach of storage APIs only; script in the
			// same page can still intercept the tokens. The simulated
			// script reads storage, so it finds nothing here, and the
			// reason says that this is a limit of the position, not a
			// defence.
			return false, "the tokens live in a JavaScript variable, which no storage API lists, so reading storage finds nothing. That is not a defence: an injected script runs in the same page and can still reach them, by hooking fetch to see the Authorization header and the /token response, or by running a silent login of its own (draft-ietf-oauth-browser-based-apps, in-memory storage); this position models only reading storage"
		case StorageCookie:
			if t == TopologyFirstParty {
				return false, "the refresh token is in an httpOnly cookie, which scripts cannot read, and the access token lives in a variable of the page, which reading storage does not find, though a script in the page can intercept it (it can also make the page call /auth/refresh: session riding)"
			}
			return false, "the tokens stay on the BFF; the browser holds only an httpOnly session cookie, which scripts cannot read (while the script runs it can still make the browser call the API through the BFF: attacker.ride)"
		case StorageMediated:
			// The token-mediating backend hands the access token to the
			// page: a script in the page catches it (hooking fetch, as the
			// page receives it). The refresh token never leaves the backend
			// (draft-ietf-oauth-browser-based-apps, token-mediating backend).
			if kind == TokenAccess {
				return true, ""
			}
			return false, "the refresh token stays on the token-mediating backend; the browser holds only an httpOnly session cookie, which scripts cannot read (while the script runs it can still ask the backend for fresh access tokens: attacker.ride)"
		default:
			return false, "a server-side web app keeps its tokens on the server: the page never sees them"
		}
	case SourceLog:
		if kind == TokenRefresh {
			return false, "refresh tokens never go to the API, so API logs never see them: only the token endpoint does"
		}
		return true, ""
	case SourceNetwork:
		return true, ""
	}
	return false, fmt.Sprintf("unknown position %q", s)
}

// reach returns the token src can get, or why it cannot.
func (a *Attacker) reach(src Source, kind TokenKind) (string, string) {
	if ok, why := src.Reaches(kind, a.victim.storage, a.victim.topology()); !ok {
		return "", why
	}
	at, _, rt, _ := a.victim.store.snapshot()
	held := at
	if kind == TokenRefresh {
		held = rt
	}
	switch src {
	case SourceScript: // localStorage, or a token-mediating page's access token: Reaches allows nothing else
		if a.victim.storage == StorageMediated {
			if held == "" {
				return "", "the page holds no access token right now"
			}
			return held, "an injected script hooked the page's fetch and caught the access token the token-mediating backend handed to the page; the refresh token stays on the backend"
		}
		if held == "" {
			return "", "the app's localStorage holds no " + string(kind) + " token right now"
		}
		return held, "an injected script read the " + string(kind) + " token from localStorage, which any script on the page can read"
	case SourceLog:
		if v := a.lastSeen(func(e Event) string {
			if e.To != ActorAPI || e.From != ActorApp {
				return ""
			}
			return bearerOf(e.Exchange.Request.Header.Get("Authorization"))
		}); v != "" {
			return v, "the attacker found the access token in a log line that recorded an API request's Authorization header"
		}
		return "", "no API request has been logged yet"
	case SourceNetwork:
		v := a.lastSeen(func(e Event) string {
			if e.From != ActorApp {
				return ""
			}
			if kind == TokenAccess {
				if v := bearerOf(e.Exchange.Request.Header.Get("Authorization")); v != "" {
					return v
				}
				return jsonField(e.Exchange.Response.Body, "access_token")
			}
			// The response first: when the exchange rotated the token,
			// the request's value died with it and its successor is what
			// the interceptor can use. A first-party backend carries the
			// refresh token in its cookie: httpOnly keeps it from scripts,
			// not from whoever sits on the connection.
			if v := jsonField(e.Exchange.Response.Body, "refresh_token"); v != "" {
				return v
			}
			if v := cookieValue((&http.Response{Header: e.Exchange.Response.Header}).Cookies()); v != "" {
				return v
			}
			if vs, err := url.ParseQuery(e.Exchange.Request.Body); err == nil && vs.Get("refresh_token") != "" {
				return vs.Get("refresh_token")
			}
			return cookieValue((&http.Request{Header: e.Exchange.Request.Header}).Cookies())
		})
		if v != "" {
			return v, "the attacker intercepted an exchange that carried the " + string(kind) + " token"
		}
		return "", "no intercepted exchange carried a " + string(kind) + " token"
	}
	return "", fmt.Sprintf("unknown position %q", src)
}

// lastSeen scans the exchanges newest first for a token pick finds.
func (a *Attacker) lastSeen(pick func(Event) string) string {
	evs := a.env.log.Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == KindExchange && evs[i].Exchange != nil {
			if v := pick(evs[i]); v != "" {
				return v
			}
		}
	}
	return ""
}

// CallAPI replays the stolen access token at the API. A bearer token needs
// nothing but possession (RFC 6750 §5.3).
func (a *Attacker) CallAPI(method, path string) Outcome {
	return a.CallAPIAs(method, path, PresentAuto)
}

// CallAPIAs is CallAPI with the token presented as how says: a DPoP-bound
// token as Bearer (a downgrade), with a proof from the attacker's own key,
// or with a captured proof (RFC 9449 §7, §11.1).
func (a *Attacker) CallAPIAs(method, path string, how Presentation) Outcome {
	a.mu.Lock()
	at := a.access
	a.mu.Unlock()
	if at == "" {
		return Outcome{Error: CodeNoToken, Reason: "the attacker holds no access token"}
	}
	return a.callWith(at, method, path, how)
}

// callWith calls the victim's API with at, presented as how says.
func (a *Attacker) callWith(at, method, path string, how Presentation) Outcome {
	req, err := http.NewRequest(method, a.victim.apiBase+path, nil)
	if err != nil {
		return Outcome{Error: CodeBadRequest, Reason: "the request cannot be built: " + err.Error()}
	}
	return a.sendStolen(req, at, how)
}

// Refresh uses the stolen refresh token at the token endpoint, posing as the
// victim's client. A public client's id is no secret; a confidential
// client's secret the attacker does not have (RFC 6749 §10.4).
func (a *Attacker) Refresh() Outcome {
	a.mu.Lock()
	rt := a.refresh
	a.mu.Unlock()
	if rt == "" {
		return Outcome{Error: CodeNoToken, Reason: "the attacker holds no refresh token"}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {a.victim.id}}
	req, _ := http.NewRequest(http.MethodPost, Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a.victim.fp {
		// A first-party backend has no /token: the stolen cookie value
		// goes to /auth/refresh, from the attacker's own machine.
		req, _ = http.NewRequest(http.MethodPost, AppOrigin+"/auth/refresh", nil)
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: refreshCookieName, Value: rt})
	}
	resp, body, o := a.sendRefresh(req)
	if resp == nil {
		return o
	}
	if v := cookieValue(resp.Cookies()); v != "" {
		a.mu.Lock()
		a.refresh = v // the first-party backend rotated the cookie
		a.mu.Unlock()
	}
	if resp.StatusCode == http.StatusOK {
		a.keepTokens(body)
	}
	return o
}

// Holds reports whether the attacker has a token of kind.
func (a *Attacker) Holds(kind TokenKind) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if kind == TokenAccess {
		return a.access != ""
	}
	return a.refresh != ""
}

func (a *Attacker) tokens() (access, refresh string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.access, a.refresh
}

// cookieValue returns the non-empty refresh cookie among cs, if any.
func cookieValue(cs []*http.Cookie) string {
	for _, c := range cs {
		if c.Name == refreshCookieName && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func bearerOf(h string) string {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "DPoP") { // RFC 9449 §7.1's scheme carries the token the same way
		return ""
	}
	return strings.TrimSpace(tok)
}

func jsonField(body, field string) string {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return ""
	}
	s, _ := m[field].(string)
	return s
}

// keepTokens takes the tokens of a successful token response (RFC 6749
// §5.1) as the attacker's own: the access token, and the refresh token when
// one came (a grant without rotation sends none, and the old one stays
// good). It returns the response, or its zero value when body is not one.
func (a *Attacker) keepTokens(body []byte) tokenResponse {
	var tr tokenResponse
	if json.Unmarshal(body, &tr) != nil {
		return tokenResponse{}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.access = tr.AccessToken
	if tr.RefreshToken != "" {
		a.refresh = tr.RefreshToken
	}
	return tr
}
