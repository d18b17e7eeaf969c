package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// sandboxWorld is a kind of app the sandbox can play with: the client, where
// it keeps its tokens, and who issues them.
type sandboxWorld struct {
	label    string
	short    string // for the what-if menu's note
	client   sim.ClientKind
	storage  sim.Storage
	topology sim.Topology
}

// sandboxWorlds are the worlds the what-if menu's "restart with…" offers,
// the default first.
var sandboxWorlds = []sandboxWorld{
	{"single-page app, tokens in localStorage", "SPA, localStorage", sim.KindSPA, sim.StorageLocal, sim.TopologyOAuth},
	{"single-page app, tokens in memory", "SPA, memory", sim.KindSPA, sim.StorageMemory, sim.TopologyOAuth},
	{"single-page app, cookie backend-for-frontend", "SPA, cookie BFF", sim.KindSPA, sim.StorageCookie, sim.TopologyOAuth},
	{"confidential web app, tokens on its server", "web app", sim.KindWeb, sim.StorageServer, sim.TopologyOAuth},
	{"first-party backend", "first-party", sim.KindSPA, sim.StorageCookie, sim.TopologyFirstParty},
}

// worldOf is the sandbox world w plays in.
func worldOf(w *sim.World) sandboxWorld {
	for _, sw := range sandboxWorlds {
		if sw.client == w.App().Kind() && sw.storage == w.App().Storage() && sw.topology == w.Topology() {
			return sw
		}
	}
	name := string(w.App().Kind()) + ", " + string(w.App().Storage()) + ", " + string(w.Topology())
	return sandboxWorld{name, name, w.App().Kind(), w.App().Storage(), w.Topology()}
}

// newSandbox starts free play on a fresh world, with the player's panels.
func newSandbox(k *KeyMap, st *Styles, opts scenarios.Options, exportDir string) (*player, error) {
	live, err := scenarios.NewLive("", "", "", opts)
	if err != nil {
		return nil, err
	}
	p := &player{keys: k, st: st, opts: opts, insp: newInspector(), speed: 2, exportDir: exportDir}
	p.start(live)
	p.status = "press i to log in, ? for every key"
	return p, nil
}

// start shows a fresh live world.
func (p *player) start(live *scenarios.Live) {
	p.live, p.sc, p.base = live, live.Scenario, &live.Run
	p.tl = newTimeline(&live.Run)
	p.tl.world = worldOf(live.World).label
}

// restart replaces the sandbox's world with a fresh one of another kind:
// the steps so far, and any policy set with w, are gone.
func (p *player) restart(w sandboxWorld) {
	live, err := scenarios.NewLive(string(w.client), string(w.storage), string(w.topology), p.opts)
	if err != nil {
		p.status = "restart refused: " + err.Error()
		return
	}
	p.start(live)
	p.auto = false
	p.status = "restarted: " + w.label
}

// restartMenu offers the sandbox's worlds.
func (p *player) restartMenu() *menu {
	m := &menu{title: "Restart with… (drops the steps so far)"}
	for _, w := range sandboxWorlds {
		c := choice{label: w.label, pick: func() tea.Cmd { p.restart(w); return nil }}
		if w.label == p.tl.world {
			c.note = "now"
		}
		m.choices = append(m.choices, c)
	}
	return m
}

// rideNeeds is the status when P fails outside the first-party world: it
// says how to get there (short, to fit the header at 80 columns).
const rideNeeds = "P needs the first-party world: w, restart with…, first-party backend"

// sandboxKey performs the sandbox's actions. It reports whether it
// handled the key.
func (p *player) sandboxKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := p.keys
	orders := map[string]string{"path": "/api/orders"}
	switch {
	case key.Matches(msg, k.Login):
		p.do("login", nil)
	case key.Matches(msg, k.Call):
		p.do("call", orders)
	case key.Matches(msg, k.Refresh):
		p.do("refresh", nil)
	case key.Matches(msg, k.Logout):
		p.do("logout", nil)
	case key.Matches(msg, k.Revoke):
		p.do("admin-revoke", nil)
	case key.Matches(msg, k.Forget):
		p.do("forget", nil)
	case key.Matches(msg, k.EndSession):
		p.do("end-session", nil)
	case key.Matches(msg, k.SilentLogin):
		p.do("attacker.silent-login", nil)
	case key.Matches(msg, k.AttackCall):
		p.do("attacker.call", orders)
	case key.Matches(msg, k.AttackRefresh):
		p.do("attacker.refresh", nil)
	case key.Matches(msg, k.Ride):
		// Outside the first-party world the step stays, with the engine's
		// reason on the Narration tab; the status says how to get a world
		// where the attack works.
		if res, ok := p.do("attacker.ride", nil); ok && !res.Outcome.OK() && p.live.World.Topology() != sim.TopologyFirstParty {
			p.status = rideNeeds
		}
	case key.Matches(msg, k.Advance):
		m := &menu{title: "Advance the clock by"}
		for _, d := range []string{"1m", "5m", "15m", "1h", "1d", "7d", "30d"} {
			m.choices = append(m.choices, choice{label: d, pick: func() tea.Cmd { p.do("advance", map[string]string{"by": d}); return nil }})
		}
		m.choices = append(m.choices, choice{label: "until the access token has expired", pick: func() tea.Cmd {
			p.do("advance", map[string]string{"until": "access-expiry"})
			return nil
		}}, choice{label: "custom…", pick: func() tea.Cmd {
			pr, cmd := newPrompt(p.st)
			p.prompt = pr
			return cmd
		}})
		p.menu = m
	case key.Matches(msg, k.Forge):
		m := &menu{title: "The attacker forges a token and calls POST /api/orders…"}
		for _, f := range sim.Forgeries() {
			m.choices = append(m.choices, choice{label: string(f), pick: func() tea.Cmd {
				p.do("attacker.forge", map[string]string{"forgery": string(f), "method": "POST", "path": "/api/orders"})
				return nil
			}})
		}
		p.menu = m
	case key.Matches(msg, k.Race):
		p.do("race", map[string]string{"tabs": "2"})
	case key.Matches(msg, k.Validation):
		m := &menu{title: "The API validates tokens… (now " + p.tl.snapshot().Policy.Validation.String() + ")"}
		set := func(v string) func() tea.Cmd {
			return func() tea.Cmd { p.do("set", map[string]string{"key": "api_validation", "value": v}); return nil }
		}
		m.choices = append(m.choices,
			choice{label: "hardened: every check (RFC 8725)", pick: set(sim.ProfileHardened)},
			choice{label: "vulnerable: every flaw but no-signature-check", pick: set(sim.ProfileVulnerable)})
		for _, f := range sim.FlawList() {
			m.choices = append(m.choices, choice{label: "only " + f.String() + ": " + f.Doc(), pick: set(f.String())})
		}
		p.menu = m
	case key.Matches(msg, k.Steal):
		m := &menu{title: "The attacker steals…"}
		for _, c := range []struct{ label, from, token string }{
			{"the access token, with injected script", "script-injection", "access"},
			{"the refresh token, with injected script", "script-injection", "refresh"},
			{"the access token, from a log line", "log", "access"},
			{"the access token, on the network", "network", "access"},
			{"the refresh token, on the network", "network", "refresh"},
		} {
			m.choices = append(m.choices, choice{label: c.label, pick: func() tea.Cmd {
				p.do("steal", map[string]string{"from": c.from, "token": c.token})
				return nil
			}})
		}
		p.menu = m
	default:
		return nil, false
	}
	return nil, true
}

// do performs one sandbox action and moves to it. It reports whether the
// action was taken (a refused one, with bad parameters, says why in the
// status).
func (p *player) do(action string, params map[string]string) (scenarios.StepResult, bool) {
	res, err := p.live.Do(action, params)
	if err != nil {
		p.status = err.Error()
		return res, false
	}
	p.tl.steps = p.live.Steps
	p.tl.cur = len(p.tl.steps) - 1
	p.status = res.Step.Title + ": " + scenarios.OutcomeText(res.Outcome)
	return res, true
}
