package sim

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Pushed revocation (api_mode=pushed): instead of being asked on every
// call (introspection) or fed in-process (denylist), the AS pushes a
// Security Event Token (RFC 8417) to the API when it revokes an access
// token, over HTTP (RFC 8935, push-based delivery). The cost is one push per
// revoked token, not one call per request; the catch is the delivery delay
// (policy knob push_delay): until the event arrives, the API checks the
// token locally and accepts it.

// setEventSessionRevoked is the CAEP "session revoked" event type
// (OpenID CAEP 1.0 §3.1, under the Shared Signals Framework).
const setEventSessionRevoked = "https://schemas.openid.net/secevent/caep/event-type/session-revoked"

// pushPath is where the API receives pushed SETs. RFC 8935 leaves the
// endpoint's path to the receiver's configuration; it sits under /api/ so
// that one path also routes in the first-party topology.
const pushPath = "/api/events"

// setTyp is the SET's JOSE typ header (RFC 8417 §2.3) and, as a media type,
// the push request's Content-Type (RFC 8935 §2: application/secevent+jwt).
const setTyp = "secevent+jwt"

// pendingPush is a revocation the AS has yet to deliver.
type pendingPush struct {
	jti, reason string
	aud         string // the API the revoked token was issued to: the receiver
	due         time.Time
}

// pushQueue holds the AS's undelivered events, in revocation order.
type pushQueue struct {
	mu      sync.Mutex
	pending []pendingPush
}

// setClaims is a SET: RFC 8417 §2.2 (iss, iat, jti, aud, events). The
// subject of the CAEP event names the revoked access token by its jti with
// the "opaque" subject format (RFC 9493 §3.2.4: unverified section number);
// a real deployment would name the session or the user instead.
type setClaims struct {
	jwt.RegisteredClaims
	Events map[string]setEvent `json:"events"`
}

type setEvent struct {
	Subject        setSubject `json:"subject"`
	EventTimestamp int64      `json:"event_timestamp"` // CAEP 1.0 §2
	ReasonAdmin    struct {
		En string `json:"en"`
	} `json:"reason_admin"` // CAEP 1.0 §2
}

type setSubject struct {
	Format string `json:"format"`
	ID     string `json:"id"`
}

// queuePush records a revocation for delivery at revokedAt + push_delay.
// It does not deliver: the AS revokes while holding its lock, and the API,
// verifying the SET, may need the AS's JWKS. The event goes out at the
// next API request or clock advance at or after its due time.
func (w *World) queuePush(jti, aud, why string) {
	now := w.env.clock.Now()
	w.push.mu.Lock()
	w.push.pending = append(w.push.pending, pendingPush{jti: jti, aud: aud, reason: why, due: now.Add(w.env.policy().PushDelay)})
	w.push.mu.Unlock()
}

// deliverPushes sends every pending event whose time has come, each as its
// own POST from the AS to the API (one exchange on the wire per event).
// It runs when the clock advances and before the API checks a token, so that a late event lets exactly the calls made before
// it arrives through.
func (w *World) deliverPushes() {
	now := w.env.clock.Now()
	w.push.mu.Lock()
	var due []pendingPush
	rest := w.push.pending[:0]
	for _, p := range w.push.pending {
		if !now.Before(p.due) {
			due = append(due, p)
		} else {
			rest = append(rest, p)
		}
	}
	w.push.pending = rest
	w.push.mu.Unlock()
	for _, p := range due {
		to := w.api
		if p.aud == w.apiB.audience {
			to = w.apiB
		}
		if err := w.as.pushSET(w.wire.Client(ActorAS), to.audience, p); err != nil {
			w.env.emit(Event{Kind: KindClientNote, From: ActorAS, Reason: "the push of a revocation failed (" + p.reason + "): " + err.Error()})
		}
	}
}

// PendingPushes is how many revocation events the AS has yet to deliver.
func (w *World) PendingPushes() int {
	w.push.mu.Lock()
	defer w.push.mu.Unlock()
	return len(w.push.pending)
}

// pushSET signs a SET for p and POSTs it to the API (RFC 8935 §2).
func (as *AuthServer) pushSET(c *http.Client, apiBase string, p pendingPush) error {
	now := as.env.clock.stamp(as.env.clock.Now()) // in wall time, as every JWT this AS signs (clock_stamp.go)
	ev := setEvent{Subject: setSubject{Format: "opaque", ID: p.jti}, EventTimestamp: now.Unix()}
	ev.ReasonAdmin.En = p.reason
	claims := setClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:   as.issuer,
			Audience: jwt.ClaimStrings{apiBase},
			IssuedAt: jwt.NewNumericDate(now),
			ID:       as.env.rand.token(16),
			// No exp: a SET reports an event that has happened, and RFC
			// 8417 §2.2 does not require one.
		},
		Events: map[string]setEvent{setEventSessionRevoked: ev},
	}
	raw, err := as.sign(claims, setTyp)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, apiBase+pushPath, strings.NewReader(raw))
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	req.Header.Set("Content-Type", "application/"+setTyp)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("push: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("push: the API answered %d, not 202 (RFC 8935 §2.2)", resp.StatusCode)
	}
	return nil
}

// errBadSET is a pushed SET the API will not act on.
var errBadSET = errors.New("invalid SET")

// servePush receives a pushed SET (RFC 8935 §2): it verifies the AS's
// signature with the AS's published keys, checks iss, aud and typ (RFC
// 8417 §2.2, §2.3), and refuses the named jti until the token's exp.
// It answers 202 Accepted on success and 400 with err "invalid_request"
// otherwise (RFC 8935 §2.3, §2.4).
func (api *API) servePush(w http.ResponseWriter, r *http.Request) {
	n := noteOf(r)
	if r.Method != http.MethodPost || api.env.policy().APIMode != ModePushed {
		n.reason = "the API takes pushed security events only with api_mode=pushed"
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
	jti, why, err := api.readSET(string(body))
	if err != nil {
		n.err, n.reason = "invalid_request", err.Error()
		writeJSON(w, http.StatusBadRequest, map[string]string{"err": "invalid_request", "description": err.Error()})
		return
	}
	api.mu.Lock()
	// The SET does not say when the token expires, so the entry is kept;
	// the local exp check refuses the token anyway once it has expired.
	api.pushed[jti] = "the AS pushed a CAEP session-revoked event for it at " + when(api.env.clock.Now()) + " (RFC 8417 SET, RFC 8935 push): " + why
	api.mu.Unlock()
	n.summary = "the API accepted the pushed session-revoked event (202): it refuses that token from now on"
	w.WriteHeader(http.StatusAccepted)
}

// readSET validates a pushed SET and returns the jti it revokes and the
// reason.
func (api *API) readSET(raw string) (jti, why string, err error) {
	var c setClaims
	// iat is a stamp (clock_stamp.go): compared in its frame.
	frameNow := func() time.Time { return api.env.clock.inFrame(api.now(), timeOf(c.IssuedAt)) }
	tok, err := jwt.ParseWithClaims(raw, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := api.keys.lookup(kid)
		if err != nil {
			return nil, err
		}
		if k.alg != t.Method.Alg() {
			return nil, fmt.Errorf("key %s is for %s, the SET says %s", quoteID(kid), k.alg, t.Method.Alg())
		}
		api.env.counters.verify(t.Method.Alg())
		return k.key, nil
	}, jwt.WithValidMethods(allowedAlgs), jwt.WithIssuer(api.issuer), jwt.WithAudience(api.audience),
		jwt.WithTimeFunc(frameNow), jwt.WithIssuedAt())
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", errBadSET, err)
	}
	if typ, _ := tok.Header["typ"].(string); typ != setTyp {
		// RFC 8417 §2.3: explicit typing keeps a SET from being taken for
		// another kind of JWT, and the reverse.
		return "", "", fmt.Errorf("%w: typ %q is not %s (RFC 8417 section 2.3)", errBadSET, typ, setTyp)
	}
	ev, ok := c.Events[setEventSessionRevoked]
	if !ok || ev.Subject.ID == "" {
		return "", "", fmt.Errorf("%w: no session-revoked event naming a token", errBadSET)
	}
	return ev.Subject.ID, ev.ReasonAdmin.En, nil
}
