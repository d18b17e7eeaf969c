package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The servers' side of DPoP (RFC 9449): the token endpoint binds tokens to
// the key of a valid proof (§5, §6.1), and the API accepts the DPoP scheme
// and refuses a bound token without a proof from its key (§7).

// serverURI is the URI of r as the server at origin sees it, for comparing
// with a proof's htu (RFC 9449 §4.3 step 9). A hosted world (fixed) knows
// the origin it is published at and compares against it: the Host header
// is the client's to write, and a server that builds htu from it checks the
// proof against whatever the sender claims (§11.1 wants proofs usable only
// at the server they were made for). A lesson world's simulated hosts are
// routed by the wire, so it takes the Host the request named.
func serverURI(origin string, fixed bool, r *http.Request) string {
	if fixed {
		return origin + r.URL.EscapedPath()
	}
	scheme := "https"
	if u, err := url.Parse(origin); err == nil && u.Scheme != "" {
		scheme = u.Scheme
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath()
}

// tokenProof checks a token request's DPoP proof (RFC 9449 §5). Without a
// DPoP header, or with DPoP off, it returns "": the tokens are bearer
// tokens, as before. A valid proof yields its key's thumbprint, which the
// grant binds the tokens to; anything else is a 400 invalid_dpop_proof, or
// use_dpop_nonce with a DPoP-Nonce header (§8).
func (as *AuthServer) tokenProof(w http.ResponseWriter, r *http.Request) (string, *oauthError) {
	pol := as.env.policy()
	vals := r.Header.Values("DPoP")
	if !pol.DPoP || len(vals) == 0 {
		return "", nil
	}
	// The proof's iat is the client's wall-clock time (§4.2), so it is
	// checked against the clock's source, not the virtual time, which in a
	// hosted world runs xN and jumps (§4.3 step 11); in a lesson they are one.
	req := dpopRequest{method: r.Method, uri: serverURI(as.issuer, as.env.oneOrigin, r), now: as.env.clock.Wall(), leeway: pol.Leeway, counters: as.env.counters}
	if pol.DPoPNonce {
		req.nonce = as.dpopNonce.current(as.env, req.now)
	}
	p, f := checkDPoP(vals, req)
	if f != nil {
		if f.code == CodeUseDPoPNonce {
			w.Header().Set("DPoP-Nonce", req.nonce)
		}
		return "", newErr(http.StatusBadRequest, f.code, f.desc).because("the AS refuses the DPoP proof: " + f.reason)
	}
	if ok, until := as.dpopSeen.first(p.jkt, p.jti, p.iat, req.now); !ok {
		return "", newErr(http.StatusBadRequest, CodeInvalidDPoPProof, "DPoP proof replayed").
			because(fmt.Sprintf("the AS already accepted a proof with jti %s and remembers it until %s: a proof is good once (RFC 9449 section 11.1)", p.jti, when(until)))
	}
	return p.jkt, nil
}

// refreshBinding enforces RFC 9449 §5 at the refresh grant: a public
// client's refresh token bound to a DPoP key is good only with a proof from
// that key. A mismatch is invalid_grant (sim policy, checklist item 67) and,
// unlike reuse, revokes nothing: the thief cannot use the token at all, so
// the victim's session carries on.
func refreshBinding(rt *refreshRecord, jkt string) (string, string) {
	fam := rt.fam
	switch {
	case fam.jkt == "" || jkt == fam.jkt:
		return "", ""
	case jkt == "":
		return "refresh token is DPoP-bound; no DPoP proof was sent",
			fmt.Sprintf("refresh token %s belongs to family %s, bound at login to the app's DPoP key %s (RFC 9449 section 5: a public client's refresh tokens are bound to its key); the request carries no proof, so whoever sent it does not hold that key", rt.label, fam.label, shortJKT(fam.jkt))
	}
	return "refresh token is bound to another DPoP key",
		fmt.Sprintf("refresh token %s belongs to family %s, bound to the app's DPoP key %s, but the proof was signed by key %s: holding the token is not enough without the private key it is bound to (RFC 9449 section 5)", rt.label, fam.label, shortJKT(fam.jkt), shortJKT(jkt))
}

// codeBinding enforces RFC 9449 §10 at the code's redemption: a code
// requested with dpop_jkt is good only with a proof from that key. §10
// says "MUST reject" and names no error code; invalid_grant is the code
// of a grant that does not fit its redemption (RFC 6749 §5.2), like a
// wrong code_verifier.
func codeBinding(rec *codeRecord, jkt string) (string, string) {
	switch {
	case rec.jkt == "" || jkt == rec.jkt:
		return "", ""
	case jkt == "":
		return "authorization code is bound to a DPoP key; no DPoP proof was sent",
			fmt.Sprintf("authorization code %s was requested with dpop_jkt %s, binding it to that DPoP key (RFC 9449 section 10), and the token request carries no proof: whoever redeems it must prove they hold the key", rec.label, shortJKT(rec.jkt))
	}
	return "authorization code is bound to another DPoP key",
		fmt.Sprintf("authorization code %s was requested with dpop_jkt %s, but the token request's proof is signed by key %s: a code captured on its way back to the client cannot be redeemed without the client's private key (RFC 9449 sections 10 and 11.9)", rec.label, shortJKT(rec.jkt), shortJKT(jkt))
}

// shortJKT abbreviates a thumbprint for reasons: enough to tell two apart.
func shortJKT(jkt string) string {
	if len(jkt) > 10 {
		return jkt[:10] + "…"
	}
	return jkt
}

// apiCredential is how a request presented its access token: as a bearer
// token (RFC 6750) or with the DPoP scheme and a checked proof (RFC 9449 §7.1).
type apiCredential struct {
	token string
	dpop  bool
	proof *dpopProof
	// proofBeside: a Bearer request that carried a DPoP header all the same
	// (the proof is not looked at: the scheme decides, RFC 9449 §7.1).
	proofBeside bool
}

// apiRefusal is a refused API request: its status, its WWW-Authenticate
// challenge, the error on the wire and the reason for the learner.
type apiRefusal struct {
	status    int
	challenge string
	code      string
	desc      string // error_description in the JSON body
	reason    string
	nonce     string // DPoP-Nonce to send (use_dpop_nonce)
}

// dpopChallenge is the DPoP scheme's challenge (RFC 9449 §7.1): error,
// error_description and scope when given, then algs.
func dpopChallenge(code, desc, scope string) string {
	var ps []string
	if code != "" {
		ps = append(ps, `error="`+code+`"`)
	}
	if desc != "" {
		ps = append(ps, `error_description="`+errorDescription(desc)+`"`)
	}
	if scope != "" {
		ps = append(ps, `scope="`+scope+`"`)
	}
	ps = append(ps, `algs="`+strings.Join(dpopAlgs, " ")+`"`)
	return "DPoP " + strings.Join(ps, ", ")
}

// bearerChallenge is the RFC 6750 challenge, followed by the DPoP one when
// the API accepts both schemes (RFC 9449 §7.2: `Bearer realm="api", DPoP
// algs="ES256"`).
func (api *API) bearerChallenge(c challenge) string {
	if api.env.policy().DPoP {
		return c.String() + ", " + dpopChallenge("", "", "")
	}
	return c.String()
}

// challengeFor renders c in the scheme the request used.
func (api *API) challengeFor(cred apiCredential, c challenge) string {
	if cred.dpop {
		return dpopChallenge(c.err, c.desc, c.scope)
	}
	return api.bearerChallenge(c)
}

// credentials finds the access token of r: with DPoP on, the DPoP scheme
// with its proof (checked here, RFC 9449 §4.3), otherwise a bearer token
// (RFC 6750 §2).
func (api *API) credentials(r *http.Request, body form) (apiCredential, *apiRefusal) {
	pol := api.env.policy()
	if hs := r.Header.Values("Authorization"); pol.DPoP && len(hs) == 1 {
		if scheme, rest, _ := strings.Cut(hs[0], " "); strings.EqualFold(scheme, "DPoP") {
			return api.dpopCredential(r, body, strings.TrimLeft(rest, " "))
		}
	}
	raw, bf := extractBearer(r, body)
	if bf != nil {
		if bf.status == http.StatusUnauthorized {
			// RFC 6750 §3.1: no credentials, no error code: just say how to
			// authenticate (with both schemes when both are accepted).
			why := "the request carries no bearer token: " + api.self() + " cannot know who is calling"
			switch scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); {
			case pol.DPoP:
				why = "the request carries no bearer token and no DPoP-bound one: " + api.self() + " cannot know who is calling"
			case strings.EqualFold(scheme, "DPoP"):
				why = "the request uses the DPoP scheme, which " + api.self() + " does not accept (dpop is off): it takes Bearer tokens only, so it sees no credentials it can use"
			}
			return apiCredential{}, &apiRefusal{status: 401, challenge: api.bearerChallenge(challenge{realm: api.realm}), reason: why}
		}
		why := "malformed request: " + bf.desc
		if bf.why != "" {
			why = bf.why
		}
		return apiCredential{}, &apiRefusal{status: 400, code: CodeInvalidRequest, desc: bf.desc,
			challenge: api.bearerChallenge(challenge{realm: api.realm, err: CodeInvalidRequest, desc: bf.desc}), reason: why}
	}
	return apiCredential{token: raw, proofBeside: r.Header.Get("DPoP") != ""}, nil
}

// dpopCredential reads `Authorization: DPoP <token>` and checks its proof.
func (api *API) dpopCredential(r *http.Request, body form, tok string) (apiCredential, *apiRefusal) {
	malformed := func(desc string) (apiCredential, *apiRefusal) {
		return apiCredential{}, &apiRefusal{status: 400, code: CodeInvalidRequest, desc: desc,
			challenge: dpopChallenge(CodeInvalidRequest, desc, ""), reason: "malformed request: " + desc}
	}
	switch {
	case tok == "":
		return malformed("the DPoP scheme needs a token")
	case !isB64Token(tok):
		return malformed("the token has characters outside token68 or extra parts (RFC 9449 section 7.1)")
	case r.URL.Query().Has("access_token") || body.get("access_token") != "":
		return malformed("the token was sent by more than one method")
	}
	pol := api.env.policy()
	req := dpopRequest{method: r.Method, uri: serverURI(api.issuer, api.env.oneOrigin, r), accessToken: tok, now: api.proofNow(), leeway: pol.Leeway, counters: api.env.counters}
	if pol.DPoPNonce {
		req.nonce = api.dpopNonce.current(api.env, req.now)
	}
	p, f := checkDPoP(r.Header.Values("DPoP"), req)
	if f == nil {
		return apiCredential{token: tok, dpop: true, proof: p}, nil
	}
	ref := &apiRefusal{status: 401, code: f.code, desc: f.desc, reason: api.self() + " refuses the DPoP proof: " + f.reason,
		challenge: dpopChallenge(f.code, "", "")}
	if f.code == CodeUseDPoPNonce {
		// RFC 9449 §9's example challenge, word for word.
		ref.challenge = dpopChallenge(f.code, "Resource server requires nonce in DPoP proof", "")
		ref.nonce = req.nonce
	}
	return apiCredential{}, ref
}

// checkBinding applies RFC 9449 §7 once the token itself is good, in every
// API mode: a DPoP-bound token needs the DPoP scheme (§7.2: presented as
// Bearer it is refused, or a thief could simply downgrade), the proof's key
// must be the one the token is bound to (cnf.jkt, §6.1), and the proof must
// not have been seen before (§11.1).
func (api *API) checkBinding(cred apiCredential, claims *AccessClaims, name string) *apiRefusal {
	name = orName(name)
	bound := ""
	if claims.Cnf != nil {
		bound = claims.Cnf.JKT
	}
	const binding = "Invalid DPoP key binding"
	switch {
	case !cred.dpop && bound == "":
		return nil
	case !cred.dpop:
		desc := "The access token is DPoP-bound and needs a DPoP proof"
		return &apiRefusal{status: 401, code: CodeInvalidToken, desc: desc,
			challenge: api.bearerChallenge(challenge{realm: api.realm, err: CodeInvalidToken, desc: desc}),
			reason:    downgradeReason(name, bound, cred.proofBeside)}
	case bound == "":
		return &apiRefusal{status: 401, code: CodeInvalidToken, desc: binding, challenge: dpopChallenge(CodeInvalidToken, binding, ""),
			reason: name + " is a bearer token, bound to no key (it has no cnf.jkt), yet it came with the DPoP scheme: there is no binding for the proof to confirm (RFC 9449 section 7.1)"}
	case bound != cred.proof.jkt:
		return &apiRefusal{status: 401, code: CodeInvalidToken, desc: binding, challenge: dpopChallenge(CodeInvalidToken, binding, ""),
			reason: fmt.Sprintf("%s is bound to key %s (cnf.jkt), but the proof was signed by key %s: the proof is genuine, just made with a key that is not the one the token was issued to, so the sender does not hold the token's private key (RFC 9449 section 7.1)", name, shortJKT(bound), shortJKT(cred.proof.jkt))}
	}
	if ok, until := api.dpopSeen.first(cred.proof.jkt, cred.proof.jti, cred.proof.iat, api.proofNow()); !ok {
		return &apiRefusal{status: 401, code: CodeInvalidDPoPProof, desc: "DPoP proof replayed", challenge: dpopChallenge(CodeInvalidDPoPProof, "", ""),
			reason: fmt.Sprintf("a proof with jti %s was already accepted, and %s remembers it until %s: this is a copy of a proof already used, replayed with %s (RFC 9449 section 11.1)", cred.proof.jti, api.self(), when(until), name)}
	}
	return nil
}

// proofNow is the API's time for DPoP proofs: the clock's source (Wall:
// proofs carry the client's wall-clock iat, RFC 9449 §4.2, §4.3 step 11)
// with the API's simulated skew, as api.now is for tokens.
func (api *API) proofNow() time.Time {
	return api.env.clock.Wall().Add(api.skew())
}

// self names the server in reasons: the API, or the AS's userinfo
// endpoint, which runs these checks too (atAS).
func (api *API) self() string {
	if api.atAS {
		return "the AS's userinfo endpoint"
	}
	return "the API"
}

// refuseWith answers a refused API request and records why.
func (api *API) refuseWith(w http.ResponseWriter, r *http.Request, f *apiRefusal, label string) {
	if f.nonce != "" {
		w.Header().Set("DPoP-Nonce", f.nonce)
	}
	api.answerRefusal(w, r, f.status, f.challenge, f.code, f.desc, f.reason, label)
}

// downgradeReason says why a DPoP-bound token presented with the Bearer
// scheme fails: with no proof, or with a proof beside it, which the Bearer
// scheme does not carry (RFC 9449 §7.1: a bound token goes with the DPoP
// scheme).
func downgradeReason(name, bound string, proofBeside bool) string {
	if proofBeside {
		return fmt.Sprintf("%s is DPoP-bound (cnf.jkt %s) but came with the Bearer scheme, a DPoP proof beside it: a bound token must be sent with the DPoP authorization scheme (RFC 9449 section 7.1), so the proof is not looked at and the request is a downgrade that fails (section 7.2)", name, shortJKT(bound))
	}
	return fmt.Sprintf("%s is DPoP-bound (cnf.jkt %s) but came as a plain Bearer token, with no proof: a bound token is good only with a proof signed by its key, so presenting it as Bearer (a downgrade) fails (RFC 9449 section 7.2)", name, shortJKT(bound))
}
