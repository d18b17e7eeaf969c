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
	c.Sandbox.Actions.SetEnabled(false) // m is the challenge's own list (Challenge.Actions)
	c.Sandbox.Validation.SetEnabled(allowed("set") && slices.Contains(ch.Knobs, "api_validation"))
	c.Player.WhatIf.SetEnabled(allowed("set") && len(ch.Knobs) > 0)
	c.Player.WhatIf.SetHelp(c.Player.WhatIf.Help().Key, "set an allowed knob")
	c.Player.Export.SetEnabled(false)
	return &c
}

// actionsMenu offers every action the challenge allows, those without a
// sandbox key too (actions_menu.go).
func (c *challenge) actionsMenu() *menu {
	return c.sandbox.actionsMenu("Act (only what this challenge allows)", c.ch.Actions, c.knobsMenu)
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
