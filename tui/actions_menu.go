package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// actionsMenu offers the actions named, in that order, each with the
// parameters a learner needs: a challenge's allowed ones (m), or in free
// play every action, those without a key of their own too (the account
// checkpoint's, the machine client's). knobs is the menu "set" opens; nil
// leaves set out (free play sets knobs with the what-if, w).
func (s *sandbox) actionsMenu(title string, actions []string, knobs func() *menu) *menu {
	m := &menu{title: title}
	act := func(action string, params map[string]string) func() tea.Cmd {
		return func() tea.Cmd { s.do(action, params); return nil }
	}
	sub := func(title string, cs ...choice) func() *menu {
		return func() *menu { return &menu{title: title, choices: cs} }
	}
	orders := map[string]string{"path": "/api/orders"}
	for _, a := range actions {
		var ch choice
		switch a {
		case "advance":
			ch = choice{label: "advance the clock…", sub: s.advanceMenu}
		case "steal":
			ch = choice{label: "the attacker steals…", sub: s.stealMenu}
		case "set":
			if knobs == nil {
				continue
			}
			ch = choice{label: "set a policy knob…", sub: knobs}
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
			ch = choice{label: actionLabel(a), pick: act(a, orders)}
		case "attacker.forge":
			ch = choice{label: "the attacker forges a token…", sub: func() *menu {
				m := &menu{title: "The attacker forges a token and calls POST /api/orders…"}
				for _, f := range sim.Forgeries() {
					m.choices = append(m.choices, choice{label: string(f), pick: act(a, map[string]string{"forgery": string(f), "method": "POST", "path": "/api/orders"})})
				}
				return m
			}}
		case "refresh-with":
			ch = choice{label: "the app (wrongly) refreshes with another token…", sub: sub("The app sends, as its refresh token…",
				choice{label: "its access token", pick: act(a, map[string]string{"token": "access"})},
				choice{label: "its ID token", pick: act(a, map[string]string{"token": "id"})}),
			}
		case "race":
			ch = choice{label: "two tabs refresh at once", pick: act(a, map[string]string{"tabs": "2"})}
		default:
			ch = choice{label: actionLabel(a), pick: act(a, nil)}
		}
		m.choices = append(m.choices, ch)
	}
	return m
}

// actionLabel names an action without parameters as the sandbox
// titles its step.
func actionLabel(a string) string {
	if l, ok := map[string]string{
		"login": "log in", "logout": "log out", "forget": "the app forgets its tokens",
		"end-session": "log out at the AS (RP-initiated)", "admin-revoke": "an administrator revokes alice's sessions",
		"admin-disable": "an administrator disables alice's account", "change-password": "alice's password is changed",
		"revoke-consent": "alice withdraws the app's access", "service.token": "the service gets a token (client credentials)",
		"service.call": "the service calls GET /api/orders", "attacker.call": "the attacker calls GET /api/orders",
		"attacker.refresh": "the attacker refreshes", "attacker.ride": "injected script rides the session",
		"attacker.silent-login":          "injected script logs in silently",
		"attacker.script-gone":           "the injected script is gone (Alice closed the tab)",
		"attacker.compare-architectures": "the script against the three browser architectures (no request)",
	}[a]; ok {
		return l
	}
	return a
}

// freePlayActions is every action but set, which free play gives the
// what-if (w): the actions menu of the sandbox (m).
func freePlayActions() []string {
	var out []string
	for _, a := range scenarios.Actions() {
		if a != "set" {
			out = append(out, a)
		}
	}
	return out
}
