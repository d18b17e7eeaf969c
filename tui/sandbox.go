package tui

import (
	"fmt"

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
	{"single-page app, token-mediating backend", "SPA, token-mediating", sim.KindSPA, sim.StorageMediated, sim.TopologyOAuth},
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

// sandbox is free play: a stepper over a live world that grows a step
// with each action the learner takes (the keys of sandboxKey), whose
// what-if changes the policy from now on or restarts with another app.
type sandbox struct {
	*stepper
	opts      scenarios.Options
	live      *scenarios.Live // the sandbox's world
	exportDir string
	// act, when set, performs an action instead of live.Do: a challenge's
	// attempt (challenge.go), which refuses what the challenge does not
	// allow and judges the goal after each action.
	act func(action string, params map[string]string) (scenarios.StepResult, error)
}

// newSandbox starts free play on a fresh world, with the player's panels.
func newSandbox(k *KeyMap, st *Styles, opts scenarios.Options, exportDir string) (*sandbox, error) {
	live, err := scenarios.NewLive("", "", "", opts)
	if err != nil {
		return nil, err
	}
	s := &sandbox{stepper: &stepper{keys: k, st: st, insp: newInspector(k), speed: 2}, opts: opts, exportDir: exportDir}
	s.start(live)
	s.status = "press " + k.Sandbox.Login.Help().Key + " to log in, " + k.Help.Help().Key + " for every key"
	return s, nil
}

// start shows a fresh live world.
func (s *sandbox) start(live *scenarios.Live) {
	s.live = live
	t := newTimeline(&live.Run)
	t.world = worldOf(live.World).label
	s.show(t)
}

// restart replaces the sandbox's world with a fresh one of another kind:
// the steps so far, and any policy set with w, are gone.
func (s *sandbox) restart(w sandboxWorld) {
	live, err := scenarios.NewLive(string(w.client), string(w.storage), string(w.topology), s.opts)
	if err != nil {
		s.status = "restart refused: " + err.Error()
		return
	}
	s.start(live)
	s.auto = false
	s.status = "restarted: " + w.label
}

// restartPreset replaces the sandbox's world with a fresh one of the same
// kind under another preset (any of the engine's, the vendors' included):
// the steps so far, and any policy set with w or --set, are gone.
func (s *sandbox) restartPreset(name string) {
	opts := s.opts
	opts.Preset, opts.Set = name, nil
	w := worldOf(s.live.World)
	live, err := scenarios.NewLive(string(w.client), string(w.storage), string(w.topology), opts)
	if err != nil {
		s.status = "restart refused: " + err.Error()
		return
	}
	s.opts = opts
	s.start(live)
	s.auto = false
	s.status = "restarted under preset " + name
}

// restartMenu offers the sandbox's worlds, then every preset.
func (s *sandbox) restartMenu() *menu {
	m := &menu{title: "Restart with… (drops the steps so far)"}
	for _, w := range sandboxWorlds {
		c := choice{label: w.label, pick: func() tea.Cmd { s.restart(w); return nil }}
		if w.label == s.tl.world {
			c.note = "now"
		}
		m.choices = append(m.choices, c)
	}
	m.choices = append(m.choices, choice{label: "another preset…", note: s.tl.preset, sub: s.presetMenu})
	return m
}

// presetMenu offers every preset of the engine, for a fresh world of the
// same kind.
func (s *sandbox) presetMenu() *menu {
	// Names only: with each summary, four of thirteen fitted at 80×24
	// ('tokensim presets' has the figures).
	m := &menu{title: "Restart under the preset… (drops the steps)"}
	for _, pr := range sim.Presets() {
		c := choice{label: pr.Name, pick: func() tea.Cmd { s.restartPreset(pr.Name); return nil }}
		if pr.Name == s.tl.preset {
			c.note = "now"
		}
		m.choices = append(m.choices, c)
	}
	return m
}

// whatIfMenu changes the policy from now on; the sandbox cannot replay
// under another app, so "restart with…" starts afresh.
func (s *sandbox) whatIfMenu() *menu {
	m := knobMenu("Change the policy from now on", s.tl.snapshot().Policy, func(key, value string) {
		s.do("set", map[string]string{"key": key, "value": value})
	})
	m.choices = append(m.choices, choice{label: "restart with…", note: worldOf(s.live.World).short, sub: s.restartMenu})
	return m
}

// Update adds the sandbox's actions, what-if and export to the stepper's
// keys.
func (s *sandbox) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && s.modal == nil {
		if cmd, handled := s.sandboxKey(k); handled {
			s.SetSize(s.w, s.h)
			return cmd
		}
		switch {
		case key.Matches(k, s.keys.Player.WhatIf):
			s.status = ""
			s.openMenu(s.whatIfMenu())
			return nil
		case key.Matches(k, s.keys.Player.Export):
			s.status = ""
			return s.export(s.exportDir, s.tl.id, func(run *scenarios.Run) string {
				app := s.live.World.App()
				return exportNote(run, fmt.Sprintf("World: %s (client `%s`, storage `%s`, topology `%s`).",
					s.tl.world, app.Kind(), app.Storage(), s.live.World.Topology()))
			})
		}
	}
	cmd := s.stepper.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok && s.modal == nil && s.status == "" {
		// Stepped back: say, before it happens, what an action would do.
		if from, last := s.tl.cur+1, len(s.tl.steps); from < last {
			s.status = "an action here branches " + branchWhere(from, last)
		}
	}
	return cmd
}

func (s *sandbox) ShortHelp() []key.Binding  { return s.helpFor(sandboxHelp{s.keys}).ShortHelp() }
func (s *sandbox) FullHelp() [][]key.Binding { return s.helpFor(sandboxHelp{s.keys}).FullHelp() }

// rideNeeds is the status when P fails outside the first-party world: it
// says how to get there (short, to fit the header at 80 columns).
const rideNeeds = "P needs a session: w, restart with…, a BFF or first-party backend"

// canRide reports whether the sandbox's world has a session an injected
// script can ride (the engine's rule, sim.Topology.CheckRide).
func (s *sandbox) canRide() bool {
	w := s.live.World
	_, err := w.Topology().CheckRide(w.App().Storage())
	return err == nil
}

// sandboxKey performs the sandbox's actions. It reports whether it
// handled the key.
func (s *sandbox) sandboxKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := s.keys
	orders := map[string]string{"path": "/api/orders"}
	switch {
	case key.Matches(msg, k.Sandbox.Login):
		s.do("login", nil)
	case key.Matches(msg, k.Sandbox.Call):
		s.do("call", orders)
	case key.Matches(msg, k.Sandbox.Refresh):
		s.do("refresh", nil)
	case key.Matches(msg, k.Sandbox.Logout):
		s.do("logout", nil)
	case key.Matches(msg, k.Sandbox.Revoke):
		s.do("admin-revoke", nil)
	case key.Matches(msg, k.Sandbox.Forget):
		s.do("forget", nil)
	case key.Matches(msg, k.Sandbox.EndSession):
		s.do("end-session", nil)
	case key.Matches(msg, k.Sandbox.SilentLogin):
		s.do("attacker.silent-login", nil)
	case key.Matches(msg, k.Sandbox.AttackCall):
		s.do("attacker.call", orders)
	case key.Matches(msg, k.Sandbox.AttackRefresh):
		s.do("attacker.refresh", nil)
	case key.Matches(msg, k.Sandbox.Ride):
		// Outside the first-party world the step stays, with the engine's
		// reason on the Narration tab; the status says how to get a world
		// where the attack works.
		if res, ok := s.do("attacker.ride", nil); ok && !res.Outcome.OK() && res.Outcome.Error == sim.CodeUnreachable && !s.canRide() {
			s.status = rideNeeds
		}
	case key.Matches(msg, k.Sandbox.Advance):
		s.openMenu(s.advanceMenu())
	case key.Matches(msg, k.Sandbox.Forge):
		m := &menu{title: "The attacker forges a token and calls POST /api/orders…"}
		for _, f := range sim.Forgeries() {
			m.choices = append(m.choices, choice{label: string(f), pick: func() tea.Cmd {
				s.do("attacker.forge", map[string]string{"forgery": string(f), "method": "POST", "path": "/api/orders"})
				return nil
			}})
		}
		s.openMenu(m)
	case key.Matches(msg, k.Sandbox.Race):
		s.do("race", map[string]string{"tabs": "2"})
	case key.Matches(msg, k.Sandbox.Validation):
		m := &menu{title: "The API validates tokens… (now " + s.tl.snapshot().Policy.Validation.String() + ")"}
		set := func(v string) func() tea.Cmd {
			return func() tea.Cmd { s.do("set", map[string]string{"key": "api_validation", "value": v}); return nil }
		}
		m.choices = append(m.choices,
			choice{label: "hardened: every check (RFC 8725)", pick: set(sim.ProfileHardened)},
			choice{label: "vulnerable: every flaw but no-signature-check", pick: set(sim.ProfileVulnerable)})
		for _, f := range sim.FlawList() {
			m.choices = append(m.choices, choice{label: "only " + f.String() + ": " + f.Doc(), pick: set(f.String())})
		}
		s.openMenu(m)
	case key.Matches(msg, k.Sandbox.Actions):
		s.openMenu(s.actionsMenu("Act: every action (w sets a policy knob)", freePlayActions(), nil))
	case key.Matches(msg, k.Sandbox.Steal):
		s.openMenu(s.stealMenu())
	default:
		return nil, false
	}
	return nil, true
}

// advanceMenu offers how far to move the virtual clock.
func (s *sandbox) advanceMenu() *menu {
	m := &menu{title: "Advance the clock by"}
	for _, d := range []string{"1m", "5m", "15m", "1h", "1d", "7d", "30d"} {
		m.choices = append(m.choices, choice{label: d, pick: func() tea.Cmd { s.do("advance", map[string]string{"by": d}); return nil }})
	}
	m.choices = append(m.choices, choice{label: "until the access token has expired", pick: func() tea.Cmd {
		s.do("advance", map[string]string{"until": "access-expiry"})
		return nil
	}}, choice{label: "custom…", pick: func() tea.Cmd {
		pr, cmd := newPrompt(s.keys, s.st, func(by string) { s.do("advance", map[string]string{"by": by}) })
		s.open(pr)
		return cmd
	}})
	return m
}

// stealMenu offers what the attacker steals, and how.
func (s *sandbox) stealMenu() *menu {
	m := &menu{title: "The attacker steals…"}
	for _, c := range []struct{ label, from, token string }{
		{"the access token, with injected script", "script-injection", "access"},
		{"the refresh token, with injected script", "script-injection", "refresh"},
		{"the access token, from a log line", "log", "access"},
		{"the access token, on the network", "network", "access"},
		{"the refresh token, on the network", "network", "refresh"},
	} {
		m.choices = append(m.choices, choice{label: c.label, pick: func() tea.Cmd {
			s.do("steal", map[string]string{"from": c.from, "token": c.token})
			return nil
		}})
	}
	if s.act != nil {
		// A challenge offers the script's end in its own menu, when it
		// allows it (challenge_menu.go).
		return m
	}
	// Appended last, so the numbers of the thefts above stay.
	m.choices = append(m.choices, choice{label: "nothing more: the injected script is gone (Alice closed the tab)", pick: func() tea.Cmd {
		s.do("attacker.script-gone", nil)
		return nil
	}})
	return m
}

// do performs one sandbox action and moves to it. It reports whether the
// action was taken (a refused one, with bad parameters, says why in the
// status). Taken after stepping back, the action starts a new branch from
// the step shown, and the status says which steps it discards: the world
// is replayed to that step (scenarios.Live.Branch), so that what follows
// holds for the steps on screen, not for the ones discarded.
func (s *sandbox) do(action string, params map[string]string) (scenarios.StepResult, bool) {
	live, branched := s.live, ""
	if s.act != nil {
		// A challenge acts through its attempt, always after its last
		// step: the engine judges the world the attempt built.
		res, err := s.act(action, params)
		s.tl.steps = s.live.Steps
		s.tl.cur = len(s.tl.steps) - 1
		if err != nil {
			s.status = err.Error()
			return res, false
		}
		s.status = res.Step.Title + ": " + scenarios.OutcomeText(res.Outcome)
		return res, true
	}
	if from, last := s.tl.cur+1, len(s.live.Steps); from < last {
		b, err := s.live.Branch(from)
		if err != nil {
			s.status = "branch refused: " + err.Error()
			return scenarios.StepResult{}, false
		}
		live, branched = b, branchNote(from, last)
	}
	res, err := live.Do(action, params)
	if err != nil {
		s.status = err.Error() // nothing is discarded: the steps so far stay
		return res, false
	}
	if live != s.live {
		s.start(live)
	}
	s.tl.steps = s.live.Steps
	s.tl.cur = len(s.tl.steps) - 1
	s.status = branched + res.Step.Title + ": " + scenarios.OutcomeText(res.Outcome)
	return res, true
}

// branchNote says where a branch starts, after from steps of last, and
// what it discards; short, since at 80 columns the outcome follows it in
// the header.
func branchNote(from, last int) string { return "branched " + branchWhere(from, last) + " · " }

// branchWhere is where a branch after from steps of last starts, and what
// it discards: "from step 2 (3–5 discarded)".
func branchWhere(from, last int) string {
	at := fmt.Sprintf("from step %d", from)
	if from == 0 {
		at = "from the start"
	}
	gone := fmt.Sprintf("%d", last)
	if last-from > 1 {
		gone = fmt.Sprintf("%d–%d", from+1, last)
	}
	return at + " (" + gone + " discarded)"
}
