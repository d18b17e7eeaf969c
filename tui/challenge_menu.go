package tui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// challengeKeys is a copy of k for a challenge: each sandbox action key
// whose action ch does not allow is switched off (help omits it, and it
// matches nothing), and so are the keys that would change what the
// challenge fixes: export stays, what-if only sets the allowed knobs.
func challengeKeys(k *KeyMap, ch *scenarios.Challenge) *KeyMap {
	c := *k
	allowed := func(action string) bool { return slices.Contains(ch.Actions, action) }
	for _, b := range []struct {
		bind   *key.Binding
		action string
	}{
		{&c.Sandbox.Login, "login"}, {&c.Sandbox.Call, "call"}, {&c.Sandbox.Refresh, "refresh"},
		{&c.Sandbox.Logout, "logout"}, {&c.Sandbox.Revoke, "admin-revoke"}, {&c.Sandbox.Advance, "advance"},
		{&c.Sandbox.Steal, "steal"}, {&c.Sandbox.AttackCall, "attacker.call"}, {&c.Sandbox.AttackRefresh, "attacker.refresh"},
		{&c.Sandbox.Ride, "attacker.ride"}, {&c.Sandbox.Forge, "attacker.forge"}, {&c.Sandbox.Race, "race"},
		{&c.Sandbox.Forget, "forget"}, {&c.Sandbox.EndSession, "end-session"}, {&c.Sandbox.SilentLogin, "attacker.silent-login"},
	} {
		b.bind.SetEnabled(allowed(b.action))
	}
	c.Sandbox.Validation.SetEnabled(allowed("set") && slices.Contains(ch.Knobs, "api_validation"))
	c.Player.WhatIf.SetEnabled(allowed("set") && len(ch.Knobs) > 0)
	c.Player.WhatIf.SetHelp(c.Player.WhatIf.Help().Key, "set an allowed knob")
	c.Player.Export.SetEnabled(false)
	return &c
}

// actionsMenu offers every action the challenge allows, those without a
// sandbox key too, each with the parameters a learner needs.
func (c *challenge) actionsMenu() *menu {
	m := &menu{title: "Act (only what this challenge allows)"}
	act := func(action string, params map[string]string) func() tea.Cmd {
		return func() tea.Cmd { c.sandbox.do(action, params); return nil }
	}
	sub := func(title string, cs ...choice) func() *menu {
		return func() *menu { return &menu{title: title, choices: cs} }
	}
	orders := map[string]string{"path": "/api/orders"}
	for _, a := range c.ch.Actions {
		var ch choice
		switch a {
		case "advance":
			ch = choice{label: "advance the clock…", sub: c.advanceMenu}
		case "steal":
			ch = choice{label: "the attacker steals…", sub: c.stealMenu}
		case "set":
			ch = choice{label: "set a policy knob…", sub: c.knobsMenu}
		case "call":
			ch = choice{label: "the app calls…", sub: sub("The app calls GET /api/orders at…",
				choice{label: "its own API (api)", pick: act("call", orders)},
				choice{label: "the billing API, with the token it holds for it", pick: act("call", map[string]string{"path": "/api/orders", "api": "billing"})}),
			}
		case "refresh":
			ch = choice{label: "the app refreshes…", sub: sub("The app refreshes…",
				choice{label: "for its own API", pick: act("refresh", nil)},
				choice{label: "for a token for the billing API (resource billing, RFC 8707)", pick: act("refresh", map[string]string{"resource": "billing"})}),
			}
		case "present":
			ch = choice{label: "the app presents a token at an API…", sub: func() *menu {
				m := &menu{title: "The app presents, as a bearer token at GET /api/orders…"}
				for _, tok := range []string{"access", "refresh", "id"} {
					for _, api := range []string{"api", "billing"} {
						m.choices = append(m.choices, choice{label: "its " + tok + " token at " + api, pick: act("present", map[string]string{"token": tok, "api": api, "path": "/api/orders"})})
					}
				}
				return m
			}}
		case "attacker.call", "service.call":
			ch = choice{label: challengeActionLabel(a), pick: act(a, orders)}
		case "attacker.forge":
			ch = choice{label: "the attacker forges a token…", sub: func() *menu {
				m := &menu{title: "The attacker forges a token and calls POST /api/orders…"}
				for _, f := range sim.Forgeries() {
					m.choices = append(m.choices, choice{label: string(f), pick: act(a, map[string]string{"forgery": string(f), "method": "POST", "path": "/api/orders"})})
				}
				return m
			}}
		case "race":
			ch = choice{label: "two tabs refresh at once", pick: act(a, map[string]string{"tabs": "2"})}
		default:
			ch = choice{label: challengeActionLabel(a), pick: act(a, nil)}
		}
		m.choices = append(m.choices, ch)
	}
	return m
}

// challengeActionLabel names an action without parameters as the sandbox
// titles its step.
func challengeActionLabel(a string) string {
	if l, ok := map[string]string{
		"login": "log in", "logout": "log out", "forget": "the app forgets its tokens",
		"end-session": "log out at the AS (RP-initiated)", "admin-revoke": "an administrator revokes alice's sessions",
		"admin-disable": "an administrator disables alice's account", "change-password": "alice's password is changed",
		"revoke-consent": "alice withdraws the app's access", "service.token": "the service gets a token (client credentials)",
		"service.call": "the service calls GET /api/orders", "attacker.call": "the attacker calls GET /api/orders",
		"attacker.refresh": "the attacker refreshes", "attacker.ride": "injected script rides the session",
		"attacker.silent-login": "injected script logs in silently",
		"attacker.script-gone":  "the injected script is gone (Alice closed the tab)",
	}[a]; ok {
		return l
	}
	return a
}

// knobsMenu sets one of the knobs the challenge allows, to a value the
// what-if offers for it, or on/off for a switch.
func (c *challenge) knobsMenu() *menu {
	pol := c.tl.snapshot().Policy
	m := &menu{title: "Set a policy knob (from now on)"}
	for _, k := range c.ch.Knobs {
		cur, _ := pol.Get(k)
		values, label := knobValues(k, cur), k
		for _, kc := range knobChoices {
			if kc.key == k {
				values, label = kc.values, kc.label
			}
		}
		m.choices = append(m.choices, choice{label: label, note: knobWord(cur), sub: func() *menu {
			sm := &menu{title: label}
			for _, v := range values {
				sm.choices = append(sm.choices, choice{label: knobWord(v), pick: func() tea.Cmd {
					c.sandbox.do("set", map[string]string{"key": k, "value": v})
					return nil
				}})
			}
			return sm
		}})
	}
	return m
}

// challengeDurations are the values offered for a duration knob the
// what-if has no list for (refresh_idle, push_delay, …).
var challengeDurations = []string{"0s", "10s", "30s", "1m", "5m", "15m", "1h", "24h", "7d", "30d"}

// knobValues are the values offered for knob k, whose value now is cur:
// on and off for a switch, durations for a duration, the API's
// validation profiles for api_validation.
func knobValues(k, cur string) []string {
	if k == "api_validation" {
		return []string{sim.ProfileHardened, sim.ProfileVulnerable}
	}
	if cur == "true" || cur == "false" {
		return []string{"true", "false"}
	}
	if _, err := text.ParseDuration(cur); err == nil {
		return challengeDurations
	}
	return []string{cur}
}
