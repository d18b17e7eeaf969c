package sim

import (
	"errors"
	"fmt"
)

// Topology is how the tokens are issued.
type Topology string

const (
	// TopologyOAuth: an authorization server issues the tokens to a client
	// application, which calls a separate API.
	TopologyOAuth Topology = "oauth"
	// TopologyFirstParty: the app's own backend issues the tokens
	// (POST /auth/login, /auth/refresh, /auth/logout) and keeps the
	// refresh token in an httpOnly cookie — the shape most tutorials build.
	TopologyFirstParty Topology = "first-party"
)

// The engine's defaults and limits.
const (
	// DefaultPreset is the preset a world uses when none is named.
	DefaultPreset = "tokensim"

	// DefaultScope is what the app asks for at login. offline_access asks for a
	// refresh token that works while the user is absent, with her consent (OIDC
	// Core §11). This simulator's AS issues none without it; that is its policy,
	// not a rule of OIDC: many ASs issue a session-bound refresh token without it.
	DefaultScope = "openid profile orders:read offline_access"

	// MaxBodyBytes caps every request body the servers read. Larger bodies get
	// 413 and are not parsed.
	MaxBodyBytes = 1 << 20

	// MaxClockFactor bounds an accelerated clock: at x3600 an hour passes every
	// second, already faster than a demo can follow. The product of factor and
	// elapsed time does not fit time.Duration for long (292 years of virtual
	// time is 29.7 days of wall time at x3600), so it is never formed: see
	// running.advance.
	MaxClockFactor = 3600

	// MinRaceTabs and MaxRaceTabs bound RaceRefresh: a race needs two tabs;
	// eight are enough for any lesson and few enough to read.
	MinRaceTabs = 2
	MaxRaceTabs = 8
)

// Config describes a world to make. The zero value is a valid world: seed
// 0, the default preset, a single-page app keeping its tokens in
// localStorage.
type Config struct {
	Seed     uint64
	Preset   string  // "" means DefaultPreset
	Policy   *Policy // when set, replaces the preset's policy
	Client   ClientKind
	Storage  Storage
	Topology Topology
	// Hosting, when set, publishes the world at one real origin for real
	// HTTP clients: see Hosting. Only the OAuth topology can be hosted.
	Hosting *Hosting
}

// Resolve returns the configuration a world made from c runs with: the
// preset named (DefaultPreset when empty), the policy in force (the
// preset's unless c.Policy replaces it, validated), the client kind,
// topology and storage defaulted, and the combination checked. New uses
// it, and so does the scenario validator, so that a file that validates
// is a world that runs. Every error wraps ErrBadConfig.
func (c Config) Resolve() (Config, error) {
	if c.Preset == "" {
		c.Preset = DefaultPreset
	}
	preset, err := LookupPreset(c.Preset)
	if err != nil {
		return c, fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	c.Preset = preset.Name
	pol := preset.Policy
	if c.Policy != nil {
		pol = *c.Policy
	}
	if err := pol.Validate(); err != nil {
		return c, fmt.Errorf("%w: policy: %w", ErrBadConfig, err)
	}
	c.Policy = &pol
	if c.Client == "" {
		c.Client = KindSPA
	}
	if c.Topology == "" {
		c.Topology = TopologyOAuth
	}
	if c.Storage == "" {
		c.Storage = c.Topology.DefaultStorage(c.Client)
	}
	if err := checkConfig(c); err != nil {
		return c, fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	return c, nil
}

// DefaultStorage is where an app of kind k keeps its tokens, in a world of
// topology t, when a configuration does not say: a first-party app's
// refresh token in an httpOnly cookie, a server-side web app's tokens on
// its server, a single-page app's in localStorage (the shape most
// tutorials build).
func (t Topology) DefaultStorage(k ClientKind) Storage {
	switch {
	case t == TopologyFirstParty:
		return StorageCookie
	case k == KindWeb:
		return StorageServer
	}
	return StorageLocal
}

func checkConfig(cfg Config) error {
	switch cfg.Client {
	case KindSPA, KindWeb:
	default:
		return fmt.Errorf("client %q is not spa or web", cfg.Client)
	}
	switch cfg.Topology {
	case TopologyOAuth, TopologyFirstParty:
	default:
		return fmt.Errorf("topology %q is not oauth or first-party", cfg.Topology)
	}
	switch {
	case cfg.Client == KindWeb && cfg.Storage != StorageServer:
		return fmt.Errorf("a server-side web app keeps its tokens on the server, not in %q", cfg.Storage)
	case cfg.Client == KindSPA && cfg.Storage == StorageServer:
		return errors.New("a single-page app has no server-side session store: use memory, local-storage, token-mediating or cookie")
	case cfg.Topology == TopologyFirstParty && (cfg.Client != KindSPA || cfg.Storage != StorageCookie):
		return errors.New("the first-party topology is a single-page app whose refresh token lives in an httpOnly cookie")
	}
	for _, s := range Storages() {
		if s == cfg.Storage {
			return nil
		}
	}
	return fmt.Errorf("storage %q is not one of %v", cfg.Storage, Storages())
}
