package sim

import (
	"fmt"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// World is one simulation: its clock, wire, servers and actors.
type World struct {
	env      *env
	preset   string
	topology Topology
	wire     *wire
	as       *AuthServer
	api      *API
	apiB     *API
	app      *Client
	fp       *fpBackend
	attacker *Attacker
	svc      *Service
	push     pushQueue // revocation events the AS has yet to push (api_mode=pushed)
}

// New makes a world from cfg, resolved by Config.Resolve.
func New(cfg Config) (*World, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	pol := *cfg.Policy

	se := hostedEnv{clock: newClock(Epoch()), rand: newEntropy(cfg.Seed), issuer: Issuer, audience: APIAudience}
	if cfg.Hosting != nil {
		if cfg.Topology != TopologyOAuth {
			return nil, fmt.Errorf("%w: only the oauth topology can be hosted", ErrBadConfig)
		}
		if se, err = cfg.Hosting.prepare(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadConfig, err)
		}
	}
	clock := se.clock
	e := &env{clock: clock, log: newLog(clock), rand: se.rand, keys: se.keys, oneOrigin: cfg.Hosting != nil, counters: &counterSet{}, pol: pol}
	w := &World{env: e, preset: cfg.Preset, topology: cfg.Topology}
	w.wire = newWire(e.log, e.counters)
	if cfg.Topology == TopologyFirstParty {
		// The backend is issuer and audience at once: its /auth/ issues,
		// its /api/ accepts.
		w.as = newAuthServer(e, AppOrigin, AppOrigin)
		w.api = newAPI(e, AppOrigin, AppOrigin, "app", w.wire.Client(ActorAPI))
	} else {
		w.as = newAuthServer(e, se.issuer, se.audience)
		w.api = newAPI(e, se.issuer, se.audience, "api", w.wire.Client(ActorAPI))
	}
	w.apiB = newAPI(e, se.issuer, APIBAudience, "billing", w.wire.Client(ActorBilling))
	if cfg.Topology != TopologyFirstParty {
		// Billing trusts the AS, not the first-party backend: only the AS
		// issues tokens for it (RFC 8707 resource, as_resource.go).
		w.as.resources = append(w.as.resources, APIBAudience)
	}
	w.as.onAccessRevoked = func(jti, aud string, exp time.Time, why string) {
		if w.env.policy().APIMode == ModePushed {
			w.queuePush(jti, aud, why)
		}
		w.api.deny(jti, exp, why, true)
		w.apiB.deny(jti, exp, why, false) // one event for the learner, not one per API
	}
	w.app = newClient(e, w.wire, cfg.Client, cfg.Storage, &tokenStore{})
	if cfg.Topology == TopologyFirstParty {
		w.fp = newFirstParty(e, w.as)
		w.wire.HandlePrefix(HostApp, "/auth/", ActorAS, w.fp)
		w.wire.HandlePrefix(HostApp, "/jwks.json", ActorAS, w.as)
		w.wire.HandlePrefix(HostApp, "/api/", ActorAPI, w.api)
		w.app.firstParty()
	} else {
		w.wire.Handle(HostAS, ActorAS, w.as)
		w.wire.Handle(HostAPI, ActorAPI, w.api)
		w.wire.Handle(HostApp, ActorApp, w.app)
	}
	w.wire.Handle(HostAPIB, ActorBilling, w.apiB)
	w.attacker = newAttacker(e, w.wire, w.app, w.as.issuer, w.api.audience)
	w.wire.Handle(HostAttacker, ActorAttacker, attackerSite{w.attacker.key})
	w.svc = newService(e, w.wire, w.as.issuer, w.api.audience, cfg.Topology)
	for _, api := range []*API{w.api, w.apiB} {
		api.explain = w.explain
	}
	// Both APIs receive the AS's pushed events, each those for the tokens
	// issued to it (one push per receiver, addressed by the token's aud).
	w.api.beforeCheck, w.apiB.beforeCheck = w.deliverPushes, w.deliverPushes
	if cfg.Hosting != nil {
		w.host(cfg.Hosting)
	}
	return w, nil
}

// Clock returns the world's clock. Advance it with World.Advance, which
// also records the jump.
func (w *World) Clock() *Clock { return w.env.clock }

// Log returns the world's event log.
func (w *World) Log() *Log { return w.env.log }

// Counts returns the counters so far.
func (w *World) Counts() Counts { return w.env.counters.Snapshot() }

// Policy returns the policy in force.
func (w *World) Policy() Policy { return w.env.policy() }

// PresetName is the preset the world started from.
func (w *World) PresetName() string { return w.preset }

// Topology is how the world issues tokens.
func (w *World) Topology() Topology { return w.topology }

// App is the client application (in the first-party topology, the
// single-page app whose backend issues the tokens).
func (w *World) App() *Client { return w.app }

// Service is the world's machine client, which gets tokens with the
// client credentials grant (service.go).
func (w *World) Service() *Service { return w.svc }

// Attacker is the world's attacker.
func (w *World) Attacker() *Attacker { return w.attacker }

// fpBackend is the app's own token backend, nil in the OAuth topology.
func (w *World) fpBackend() *fpBackend { return w.fp }

// AuthServer is the AS as an http.Handler.
func (w *World) AuthServer() *AuthServer { return w.as }

// API is the resource server.
func (w *World) API() *API { return w.api }

// APIB is a second resource server, with another audience (billing).
func (w *World) APIB() *API { return w.apiB }

// Advance moves the clock forward and records it.
func (w *World) Advance(d time.Duration) error {
	w.deliverPushes() // what was due before the jump goes out at its time
	if err := w.env.clock.Advance(d); err != nil {
		return err
	}
	w.env.emit(Event{Kind: KindClock, Summary: "+" + text.FormatDuration(d) + ": now " + when(w.env.clock.Now())})
	w.deliverPushes()
	return nil
}

// Set changes one policy knob (see Knobs) and records the change.
func (w *World) Set(knob, value string) error {
	p := w.env.policy()
	if err := p.Set(knob, value); err != nil {
		return err
	}
	w.env.setPolicy(p)
	v, _ := p.Get(knob)
	w.env.emit(Event{Kind: KindPolicy, Summary: knob + " = " + v})
	return nil
}

// AdminRevoke revokes every live refresh-token family of the user (an
// administrator's "sign out everywhere"), access tokens included, and ends
// the user's sign-in sessions at the AS, so that no browser logs in again
// silently (Keycloak's admin "Sign out" ends the user's sessions the same
// way). It returns the number of families revoked.
func (w *World) AdminRevoke(sub string) int { return w.as.adminRevoke(sub) }

// explain names a token for reasons: one the AS issued, or one the
// attacker forged.
func (w *World) explain(raw string) explanation {
	if ex := w.as.explain(raw); ex.name != "" {
		return ex
	}
	if label := w.attacker.forgedLabel(raw); label != "" {
		return explanation{label: label, name: "forged token " + label}
	}
	return explanation{}
}

// NewTab returns another instance of the app (a second browser tab)
// sharing the first one's token store.
func (w *World) NewTab() *Client {
	tab := newClient(w.env, w.wire, w.app.kind, w.app.storage, w.app.store)
	// Same browser, same cookies: the AS's session cookie included.
	tab.browser.Jar = w.app.browser.Jar
	if w.app.fp {
		// A first-party tab talks to the same backend and, being in the
		// same browser, shares its cookie jar (the refresh cookie).
		// Without this the tab would call the OAuth hosts, which a
		// first-party world does not route.
		tab.firstParty()
		tab.jar, tab.http.Jar = w.app.jar, w.app.jar
	}
	return tab
}
