package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
)

// newSandbox starts free play on a fresh world, with the player's panels.
func newSandbox(k *KeyMap, st *Styles, opts scenarios.Options, exportDir string) (*player, error) {
	live, err := scenarios.NewLive("", "", "", opts)
	if err != nil {
		return nil, err
	}
	p := &player{keys: k, st: st, sc: live.Scenario, opts: opts, base: &live.Run, insp: newInspector(), speed: 2, exportDir: exportDir, live: live}
	p.tl = newTimeline(&live.Run)
	p.status = "press i to log in, ? for every key"
	return p, nil
}

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
	case key.Matches(msg, k.AttackCall):
		p.do("attacker.call", orders)
	case key.Matches(msg, k.AttackRefresh):
		p.do("attacker.refresh", nil)
	case key.Matches(msg, k.Ride):
		p.do("attacker.ride", nil)
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

// do performs one sandbox action and moves to it.
func (p *player) do(action string, params map[string]string) {
	res, err := p.live.Do(action, params)
	if err != nil {
		p.status = err.Error()
		return
	}
	p.tl.steps = p.live.Steps
	p.tl.cur = len(p.tl.steps) - 1
	p.status = res.Step.Title + ": " + outcomeText(res.Outcome)
}
