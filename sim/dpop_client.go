package sim

import (
	"net/http"
	"strings"
	"sync"

	"github.com/tokensim/tokensim/sim/jose"
)

// The senders' side of DPoP (RFC 9449): the app signs a proof for each
// token request and API call with a key it cannot lose to a script; the
// attacker, who can steal tokens but not that key, signs with its own or
// replays a proof it captured.

// dpopHolder is a DPoP key with the nonces servers handed it (§8, §9).
type dpopHolder struct {
	key    *dpopKey
	mu     sync.Mutex
	nonces map[string]string // by origin
}

func newDPoPHolder(e *env) (*dpopHolder, error) {
	k, err := newDPoPKey(e.rand)
	if err != nil {
		return nil, err
	}
	return &dpopHolder{key: k, nonces: map[string]string{}}, nil
}

func (h *dpopHolder) nonce(origin string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.nonces[origin]
}

func (h *dpopHolder) setNonce(origin, v string) {
	h.mu.Lock()
	h.nonces[origin] = v
	h.mu.Unlock()
}

// rebuild copies req for a retry, body included (http.NewRequest records
// how to reread a strings.Reader body in GetBody).
func rebuild(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		r.Body, _ = req.GetBody()
	}
	return r
}

// sendWithProof sends req from from with a fresh DPoP proof by h for its
// method and URL (and ath when at is set), or as it is when h is nil. A
// DPoP-Nonce in the answer is kept for the origin's next proofs; after a
// use_dpop_nonce refusal it retries once with the new nonce (RFC 9449 §8,
// §9).
func (e *env) sendWithProof(hc *http.Client, from Actor, h *dpopHolder, req *http.Request, at string) (*http.Response, []byte, Outcome) {
	if h == nil {
		return e.send(hc, req)
	}
	origin := req.URL.Scheme + "://" + req.URL.Host
	for attempt := 0; ; attempt++ {
		r := rebuild(req)
		p, err := h.key.proof(r.Method, r.URL.String(), at, h.nonce(origin), e.rand.token(16), e.clock.Wall())
		if err != nil {
			return nil, nil, Outcome{Error: "dpop", Reason: "the DPoP proof cannot be signed: " + err.Error()}
		}
		e.counters.proofSign()
		r.Header.Set("DPoP", p)
		resp, body, o := e.send(hc, r)
		if resp == nil {
			return resp, body, o
		}
		n := resp.Header.Get("DPoP-Nonce")
		if n != "" {
			h.setNonce(origin, n)
		}
		if attempt > 0 || o.Error != CodeUseDPoPNonce || n == "" {
			return resp, body, o
		}
		e.emit(Event{Kind: KindClientNote, From: from, Summary: "use_dpop_nonce: the server handed out its nonce (DPoP-Nonce); a new proof carrying it is signed and the request retried once (RFC 9449 section 8)"})
	}
}

// dpop returns the app's DPoP key holder, making the key pair on first use
// when the policy turns DPoP on; nil when the app has none (DPoP off, or a
// first-party app, whose /auth/ endpoints take no proofs). Tabs share it,
// as they share the store: one browser, one key.
func (c *Client) dpop(create bool) *dpopHolder {
	if c.fp {
		return nil
	}
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	if c.store.dpop == nil && create && c.env.policy().DPoP {
		h, err := newDPoPHolder(c.env)
		if err != nil {
			return nil
		}
		c.store.dpop = h
		where := "in the browser as a non-extractable WebCrypto key: page scripts can ask it to sign, but nothing can read the private key out"
		if c.kind == KindWeb {
			where = "on the app's server, next to its client secret"
		}
		c.env.emit(Event{Kind: KindClientNote, From: ActorApp,
			Summary: "the app makes its DPoP key pair (ES256, thumbprint " + shortJKT(h.key.jkt) + "), kept " + where + " (RFC 9449 section 2)"})
	}
	return c.store.dpop
}

// tokenHolder is the key to prove possession with on the token endpoint:
// whenever the policy has DPoP on.
//
// A token-mediating backend binds nothing: the token it obtains is
// presented by the page, which does not hold the backend's key, and this
// simulator models no key handed between them (client_backend.go).
func (c *Client) tokenHolder() *dpopHolder {
	if !c.env.policy().DPoP || c.mediated() {
		return nil
	}
	return c.dpop(true)
}

// apiHolder is the key to call the API with: the app's key when its access
// token came as token_type DPoP, nil for a bearer token.
func (c *Client) apiHolder() *dpopHolder {
	c.store.mu.Lock()
	typ := c.store.tokenType
	c.store.mu.Unlock()
	if !strings.EqualFold(typ, TokenTypeDPoP) {
		return nil
	}
	return c.dpop(false)
}

// DPoPKey is the thumbprint (jkt) of the app's DPoP key, "" when it has
// none.
func (c *Client) DPoPKey() string {
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	if c.store.dpop == nil {
		return ""
	}
	return c.store.dpop.key.jkt
}

// Presentation is how the attacker presents a stolen access token.
type Presentation string

const (
	// PresentAuto picks the strongest option the attacker has: its own
	// DPoP key for a DPoP-bound token, Bearer otherwise.
	PresentAuto Presentation = "auto"
	// PresentBearer sends the token as a plain Bearer token, which for a
	// DPoP-bound token is a downgrade attempt (RFC 9449 §7.2).
	PresentBearer Presentation = "bearer"
	// PresentDPoP sends the token with the DPoP scheme and a proof signed
	// by the attacker's own key.
	PresentDPoP Presentation = "dpop"
	// PresentReplay sends the token with the app's proof the attacker
	// captured alongside it (RFC 9449 §11.1).
	PresentReplay Presentation = "replay"
)

// Presentations lists them (a fresh slice each call).
func Presentations() []Presentation {
	return []Presentation{PresentAuto, PresentBearer, PresentDPoP, PresentReplay}
}

// boundJKT is the cnf.jkt of a JWT access token, read without verifying:
// the attacker can decode what it stole, like anyone.
func boundJKT(token string) string {
	_, c := jose.Parts(token)
	cnf, _ := c["cnf"].(map[string]any)
	jkt, _ := cnf["jkt"].(string)
	return jkt
}

// sendStolen sends the attacker's request carrying the stolen access token
// at, presented as how says.
func (a *Attacker) sendStolen(req *http.Request, at string, how Presentation) Outcome {
	bound := boundJKT(at)
	if how == "" || how == PresentAuto {
		how = PresentBearer
		if bound != "" {
			how = PresentDPoP
		}
	}
	note := func(s string) { a.env.emit(Event{Kind: KindClientNote, From: ActorAttacker, Summary: s}) }
	switch how {
	case PresentDPoP:
		h := a.ownKey()
		if bound != "" {
			note("the stolen token is DPoP-bound (cnf.jkt " + shortJKT(bound) + "); the attacker signs the proof with its own key (" + shortJKT(h.key.jkt) + "), the only one it has")
		}
		req.Header.Set("Authorization", "DPoP "+at)
		_, _, o := a.env.sendWithProof(a.http, ActorAttacker, h, req, at)
		return o
	case PresentReplay:
		a.mu.Lock()
		proof := a.proof
		a.mu.Unlock()
		if proof == "" {
			return Outcome{Error: CodeNoToken, Reason: "the attacker captured no DPoP proof to replay (only a log line or an intercepted exchange carries one)"}
		}
		note("the attacker replays the app's DPoP proof it captured together with the token")
		req.Header.Set("Authorization", "DPoP "+at)
		req.Header.Set("DPoP", proof)
	default:
		if bound != "" {
			note("the attacker sends the DPoP-bound token as a plain Bearer token, hoping the API ignores the binding (a downgrade)")
		}
		req.Header.Set("Authorization", "Bearer "+at)
	}
	_, _, o := a.env.send(a.http, req)
	return o
}

// sendRefresh sends the attacker's refresh request, with a proof from its
// own key when the world runs DPoP: without the app's key it is the best
// the attacker can do.
func (a *Attacker) sendRefresh(req *http.Request) (*http.Response, []byte, Outcome) {
	if !a.env.policy().DPoP || a.victim.fp {
		return a.env.send(a.http, req)
	}
	return a.env.sendWithProof(a.http, ActorAttacker, a.ownKey(), req, "")
}

// ownKey is the attacker's own DPoP key pair, made on first use.
func (a *Attacker) ownKey() *dpopHolder {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.dpop == nil {
		h, err := newDPoPHolder(a.env)
		if err != nil {
			return nil // the world's entropy never fails; without a key the request goes unsigned
		}
		a.dpop = h
		a.env.emit(Event{Kind: KindClientNote, From: ActorAttacker,
			Summary: "the attacker makes a DPoP key pair of its own (" + shortJKT(h.key.jkt) + "): it can sign proofs, but not with the app's key"})
	}
	return a.dpop
}

// stolenNote completes the reason of a theft: a DPoP-bound access token is
// taken without its key, and a captured proof comes along with it.
func (a *Attacker) stolenNote(src Source, kind TokenKind, tok, why string) string {
	if kind != TokenAccess {
		return why
	}
	if src == SourceLog || src == SourceNetwork {
		if p := a.capturedProof(tok); p != "" {
			a.mu.Lock()
			a.proof = p
			a.mu.Unlock()
			why += "; the same request's DPoP proof came with it"
		}
	}
	if jkt := boundJKT(tok); jkt != "" {
		key := "a non-extractable WebCrypto key: no script or log can copy it off the machine"
		if a.victim.kind == KindWeb {
			key = "on the app's server, which never sends it anywhere"
		}
		why += "; but the token is DPoP-bound (cnf.jkt " + shortJKT(jkt) + ") and the app's private key is " + key + ", so the attacker has the token without the key"
	}
	return why
}

// capturedProof is the DPoP header of the app's newest request that
// carried tok.
func (a *Attacker) capturedProof(tok string) string {
	return a.lastSeen(func(e Event) string {
		h := e.Exchange.Request.Header
		if e.From != ActorApp || bearerOf(h.Get("Authorization")) != tok {
			return ""
		}
		return h.Get("DPoP")
	})
}
