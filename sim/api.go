package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// API is a resource server: a small demo API that accepts access tokens
// from the AS (RFC 6750, RFC 9068). How it decides a token is still good
// depends on the policy's APIMode.
type API struct {
	env      *env
	issuer   string // the only issuer it trusts
	audience string // its own resource identifier: tokens must carry it in aud
	realm    string
	keys     *keySet
	sigs     *sigCache    // hosted worlds only: signatures already verified (api_sigcache.go)
	http     *http.Client // to the AS: JWKS and introspection

	// explain names a presented token for the learner (at-2, rt-1, "an ID
	// token") and says why the AS considers it dead. The world wires it to
	// the AS; a real API has no such narrator, so it only ever colours
	// reasons, never decisions.
	explain func(raw string) explanation

	mu       sync.Mutex
	denylist map[string]denied
	pushed   map[string]string // jti → why, from SETs the AS pushed (api_pushed.go)
	orders   int

	// beforeCheck delivers the AS's due pushed events before a token is
	// checked (World.deliverPushes); nil for an API that receives none.
	beforeCheck func()

	dpopSeen  dpopReplay // jti of accepted DPoP proofs (RFC 9449 §11.1)
	dpopNonce *dpopNonce // its DPoP nonce, when the policy requires one (§9); shared with the AS on one origin (Hosting)

	// atAS marks the AS's own bearer checks at userinfo (as_userinfo.go):
	// the simulated API clock skew is the API's, not the AS's.
	atAS bool
}

type denied struct {
	exp    time.Time
	reason string
}

func newAPI(e *env, issuer, audience, realm string, toAS *http.Client) *API {
	return &API{
		env: e, issuer: issuer, audience: audience, realm: realm, http: toAS,
		keys:     &keySet{url: issuer + "/jwks.json", client: toAS, env: e},
		denylist: map[string]denied{}, pushed: map[string]string{}, dpopNonce: &dpopNonce{},
	}
}

// route is one endpoint of the demo API and the scope it needs.
type apiRoute struct {
	method, path, scope string
}

var apiRoutes = []apiRoute{
	{http.MethodGet, "/api/profile", "profile"},
	{http.MethodGet, "/api/orders", "orders:read"},
	{http.MethodPost, "/api/orders", "orders:write"},
}

// APIPaths lists the paths the demo API serves.
func APIPaths() []string {
	var out []string
	for _, r := range apiRoutes {
		if !slices.Contains(out, r.path) {
			out = append(out, r.path)
		}
	}
	return out
}

// now is the API's clock: the world's, offset by the policy's skew, so that
// clock-skew lessons can put the API ahead of or behind the AS.
func (api *API) now() time.Time { return api.env.clock.Now().Add(api.skew()) }

// skew is how far the API's clock runs ahead of the AS's (APIClockSkew);
// none at the AS itself.
func (api *API) skew() time.Duration {
	if api.atAS {
		return 0
	}
	return api.env.policy().APIClockSkew
}

// ServeHTTP implements http.Handler.
func (api *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == pushPath {
		api.servePush(w, r)
		return
	}
	var rt *apiRoute
	pathKnown := false
	for i := range apiRoutes {
		if apiRoutes[i].path == r.URL.Path {
			pathKnown = true
			// RFC 9110 §9.3.2: HEAD is GET without the body, and general-
			// purpose servers support it wherever they support GET.
			if apiRoutes[i].method == r.Method || (r.Method == http.MethodHead && apiRoutes[i].method == http.MethodGet) {
				rt = &apiRoutes[i]
			}
		}
	}
	switch {
	case !pathKnown:
		noteOf(r).reason = "the API has no endpoint at " + quoteID(r.URL.Path)
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return
	case rt == nil:
		noteOf(r).reason = r.Method + " is not allowed on " + r.URL.Path
		w.Header().Set("Allow", allowed(r.URL.Path))
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method_not_allowed"})
		return
	}
	var body form
	if isFormBody(r) {
		var err error
		body, err = readForm(w, r)
		if errors.Is(err, errTooLarge) {
			noteOf(r).reason = "the request body is larger than 1 MiB"
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "too_large"})
			return
		}
		if err != nil {
			api.refuse(w, r, 400, challenge{realm: api.realm, err: CodeInvalidRequest, desc: err.Error()}, err.Error(), "")
			return
		}
	} else if r.Body != nil {
		// Drain at most 1 MiB, so that a huge body cannot tie the API up.
		if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, MaxBodyBytes)); err != nil {
			noteOf(r).reason = "the request body is larger than 1 MiB"
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "too_large"})
			return
		}
	}

	cred, ref := api.credentials(r, body)
	if ref != nil {
		api.refuseWith(w, r, ref, "")
		return
	}
	raw := cred.token
	var ex explanation
	if api.explain != nil {
		ex = api.explain(raw)
	}
	label := ex.label
	claims, bad, flaws := api.check(raw, ex)
	if bad != nil {
		api.answerRefusal(w, r, 401, api.challengeFor(cred, challenge{realm: api.realm, err: CodeInvalidToken, desc: bad.desc}), CodeInvalidToken, bad.desc, bad.reason, label)
		return
	}
	if ref := api.checkBinding(cred, claims, ex.name); ref != nil {
		api.refuseWith(w, r, ref, label)
		return
	}
	if !hasScope(claims.Scope, rt.scope) {
		api.answerRefusal(w, r, 403, api.challengeFor(cred, challenge{realm: api.realm, err: CodeInsufficientScope, scope: rt.scope}), CodeInsufficientScope, "",
			fmt.Sprintf("%s is valid but its scope (%s) lacks %s, which %s %s needs; refreshing will not help (RFC 6750 section 3.1)",
				orName(ex.name), claims.Scope, rt.scope, rt.method, rt.path), label)
		return
	}
	n := noteOf(r)
	n.token, n.summary = label, "accepted "+orName(ex.name)+" for "+whoFor(claims)+" ("+string(api.env.policy().APIMode)+" check)"
	if len(flaws) > 0 {
		n.reason = flawsLetIn(flaws)
	} else if machineToken(claims) {
		n.reason = "the token is the client's own: sub " + claims.Subject + " is its client_id, so no user stands behind this call (RFC 9068 section 2.2, client credentials)"
	}
	api.respond(w, r, rt, claims)
}

// check decides whether raw is a good access token under the API's mode
// and validation profile. flaws are the profile's flaws the token went
// through (none for a hardened API).
func (api *API) check(raw string, ex explanation) (claims *AccessClaims, bad *invalidToken, flaws []Flaw) {
	pol := api.env.policy()
	if pol.APIMode == ModePushed && api.beforeCheck != nil {
		api.beforeCheck()
	}
	now := api.now()
	if pol.APIMode == ModeIntrospect {
		// The AS knows what it issued: no local flaw matters.
		claims, bad = api.introspect(raw, ex)
		return claims, bad, nil
	}
	if pol.Validation.Hardened() {
		claims, bad = api.validateJWT(raw, ex.name, now, pol.Leeway)
	} else {
		claims, bad, flaws = api.validateFlawed(raw, ex.name, now, pol.Leeway, pol.Validation)
	}
	if bad != nil {
		return nil, bad, nil
	}
	if bad := api.env.faults.expiredAccess(claims.ID, ex.name); bad != nil {
		return nil, bad, nil // an operator ended it early (fault.go)
	}
	if pol.APIMode == ModeDenylist {
		api.mu.Lock()
		d, listed := api.denylist[claims.ID]
		api.mu.Unlock()
		if listed {
			return nil, &invalidToken{"The access token was revoked", orName(ex.name) + " is on the API's denylist: " + d.reason}, nil
		}
	}
	if pol.APIMode == ModePushed {
		api.mu.Lock()
		why, pushed := api.pushed[claims.ID]
		api.mu.Unlock()
		if pushed {
			return nil, &invalidToken{"The access token was revoked", orName(ex.name) + " was revoked: " + why}, nil
		}
	}
	return claims, nil, flaws
}

// introspect asks the AS (RFC 7662), authenticating as ClientAPI. It costs
// a round trip per call: the price of instant revocation.
func (api *API) introspect(raw string, ex explanation) (*AccessClaims, *invalidToken) {
	api.env.counters.introspect()
	req, _ := http.NewRequest(http.MethodPost, api.issuer+"/introspect",
		strings.NewReader(url.Values{"token": {raw}, "token_type_hint": {"access_token"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(ClientAPI), url.QueryEscape(apiSecret))
	resp, err := api.http.Do(req)
	if err != nil {
		return nil, &invalidToken{"The access token could not be checked", "the AS could not be asked: " + err.Error()}
	}
	defer resp.Body.Close()
	var in introspection
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, MaxBodyBytes)).Decode(&in) != nil {
		return nil, &invalidToken{"The access token could not be checked", fmt.Sprintf("the AS answered introspection with status %d", resp.StatusCode)}
	}
	if !in.Active {
		why := "the AS says it is not active"
		if ex.deadWhy != "" {
			why += " (" + ex.deadWhy + ")"
		}
		return nil, &invalidToken{"The access token is not active", orName(ex.name) + ": " + why + "; introspection sees revocation at once"}
	}
	if in.Aud != api.audience {
		return nil, &invalidToken{"The access token is for another audience", fmt.Sprintf("%s is for audience %s, not this API (%s)", orName(ex.name), in.Aud, api.audience)}
	}
	c := &AccessClaims{ClientID: in.ClientID, Scope: in.Scope, Cnf: in.Cnf} // cnf: RFC 9449 §6.2
	c.Subject, c.ID, c.Issuer = in.Sub, in.Jti, in.Iss
	return c, nil
}

// deny adds jti to the denylist until exp; entries are useless after it,
// which is why a denylist stays small when access tokens are short-lived.
func (api *API) deny(jti string, exp time.Time, reason string, tell bool) {
	api.mu.Lock()
	now := api.now()
	for k, d := range api.denylist {
		if !now.Before(d.exp.Add(api.env.policy().Leeway)) {
			delete(api.denylist, k)
		}
	}
	api.denylist[jti] = denied{exp, reason}
	api.mu.Unlock()
	if tell && api.env.policy().APIMode == ModeDenylist {
		api.env.emit(Event{Kind: KindDenylisted, From: ActorAPI, Reason: reason,
			Summary: "the API will refuse this jti until " + when(exp) + ", when the token would expire anyway"})
	}
}

func (api *API) refuse(w http.ResponseWriter, r *http.Request, status int, c challenge, reason, label string) {
	api.answerRefusal(w, r, status, c.String(), c.err, c.desc, reason, label)
}

// answerRefusal writes a refusal with its WWW-Authenticate challenge and,
// when there is an error code, the JSON error body.
func (api *API) answerRefusal(w http.ResponseWriter, r *http.Request, status int, challenge, code, desc, reason, label string) {
	n := noteOf(r)
	n.err, n.reason, n.token = code, reason, label
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Cache-Control", "no-store")
	if code == "" {
		w.WriteHeader(status)
		return
	}
	body := map[string]string{"error": code}
	if desc != "" { // OPTIONAL (RFC 6749 §5.2): an empty one says nothing
		body["error_description"] = errorDescription(desc)
	}
	writeJSON(w, status, body)
}

// respond serves the demo data.
func (api *API) respond(w http.ResponseWriter, r *http.Request, rt *apiRoute, c *AccessClaims) {
	switch rt.path + " " + rt.method {
	case "/api/profile GET":
		writeJSON(w, http.StatusOK, map[string]string{"sub": c.Subject, "client_id": c.ClientID})
	case "/api/orders GET":
		writeJSON(w, http.StatusOK, map[string]any{"sub": c.Subject, "orders": []string{"order-1001", "order-1002"}})
	default:
		api.mu.Lock()
		api.orders++
		id := fmt.Sprintf("order-%d", 2000+api.orders)
		api.mu.Unlock()
		writeJSON(w, http.StatusCreated, map[string]string{"created": id, "by": c.Subject})
	}
}

func allowed(path string) string {
	var ms []string
	for _, r := range apiRoutes {
		if r.path == path {
			ms = append(ms, r.method)
			if r.method == http.MethodGet {
				ms = append(ms, http.MethodHead)
			}
		}
	}
	return strings.Join(ms, ", ")
}

// machineToken reports whether an access token was issued to a client for
// itself: RFC 9068 §2.2 has sub identify the client application when no
// resource owner is involved (the client credentials grant), and this AS
// keeps client ids and user subjects apart (§5), so sub equal to
// client_id means no user.
func machineToken(c *AccessClaims) bool { return c.Subject != "" && c.Subject == c.ClientID }

// whoFor names whom a token speaks for, in an acceptance summary.
func whoFor(c *AccessClaims) string {
	if machineToken(c) {
		return "client " + c.Subject + " itself, no user"
	}
	return c.Subject
}

func orName(name string) string {
	if name == "" {
		return "the token"
	}
	return name
}
