package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// whatIf is the change a learner made to the lesson's policy.
type whatIf struct {
	preset  string
	storage string
	set     []scenarios.Setting
}

// knobChoices are the what-if knobs and the values offered for each.
var knobChoices = []struct {
	key, label string
	values     []string
}{
	{"rotation", "refresh-token rotation", []string{"true", "false"}},
	{"reuse_detection", "reuse detection", []string{"true", "false"}},
	{"reuse_grace", "reuse grace interval", []string{"0", "10s", "30s", "60s"}},
	{"access_ttl", "access-token lifetime", []string{"5m", "15m", "1h", "24h"}},
	{"api_mode", "API mode (how it learns of revocation)", []string{"stateless", "introspect", "denylist"}},
	{"dpop", "DPoP-bound tokens", []string{"true", "false"}},
}

// whatIfMenu offers the knobs; in the player each choice replays the lesson
// under the change, in the sandbox it changes the policy from now on (and
// "restart with…" starts the sandbox again with another kind of app).
func (p *player) whatIfMenu() *menu {
	pol := p.tl.snapshot().Policy
	m := &menu{title: "What if… (the outcome of every step is recomputed)"}
	if p.live != nil {
		m.title = "Change the policy from now on"
	}
	for _, kc := range knobChoices {
		cur, _ := pol.Get(kc.key)
		m.choices = append(m.choices, choice{label: kc.label, note: cur, sub: func() *menu {
			sub := &menu{title: kc.label}
			for _, v := range kc.values {
				sub.choices = append(sub.choices, choice{label: v, pick: func() tea.Cmd {
					p.applyKnob(kc.key, v)
					return nil
				}})
			}
			return sub
		}})
	}
	if p.live != nil {
		// The sandbox cannot replay under another app: it starts afresh.
		m.choices = append(m.choices, choice{label: "restart with…", note: worldOf(p.live.World).short, sub: p.restartMenu})
		return m
	}
	m.choices = append(m.choices, choice{label: "preset", note: p.tl.preset, sub: func() *menu {
		sub := &menu{title: "Preset"}
		for _, pr := range sim.Presets() {
			sub.choices = append(sub.choices, choice{label: pr.Name, note: pr.Summary, pick: func() tea.Cmd {
				p.applyWhatIf(func(w *whatIf) { w.preset, w.set = pr.Name, nil }, "preset "+pr.Name)
				return nil
			}})
		}
		return sub
	}})
	if p.sc.Topology != string(sim.TopologyFirstParty) && p.sc.Client != string(sim.KindWeb) {
		m.choices = append(m.choices, choice{label: "where the app keeps tokens", note: orDefault(p.sc.Storage, string(sim.StorageLocal)), sub: func() *menu {
			sub := &menu{title: "Token storage"}
			for _, s := range []sim.Storage{sim.StorageMemory, sim.StorageLocal, sim.StorageCookie} {
				sub.choices = append(sub.choices, choice{label: string(s), pick: func() tea.Cmd {
					p.applyWhatIf(func(w *whatIf) { w.storage = string(s) }, "storage "+string(s))
					return nil
				}})
			}
			return sub
		}})
	}
	m.choices = append(m.choices, choice{label: "back to the lesson's own policy", pick: func() tea.Cmd {
		p.resetWhatIf()
		return nil
	}})
	return m
}

func (p *player) applyKnob(key, value string) {
	if p.live != nil {
		p.do("set", map[string]string{"key": key, "value": value})
		return
	}
	p.applyWhatIf(func(w *whatIf) {
		w.set = slices.DeleteFunc(w.set, func(s scenarios.Setting) bool { return s.Key == key })
		w.set = append(w.set, scenarios.Setting{Key: key, Value: value})
	}, key+"="+value)
}

// applyWhatIf replays the lesson under the changed policy and marks the
// steps whose outcome differs from the lesson's own run.
func (p *player) applyWhatIf(change func(*whatIf), what string) {
	wi := p.current()
	change(&wi)
	sc := *p.sc
	if wi.storage != "" {
		sc.Storage = wi.storage
	}
	opts := p.opts
	opts.Set = append(slices.Clone(p.opts.Set), wi.set...)
	if wi.preset != "" {
		opts.Preset = wi.preset
	}
	r, err := scenarios.Execute(&sc, opts)
	if err != nil {
		p.status = "what-if refused: " + err.Error()
		return
	}
	cur, answered := p.tl.cur, p.tl.answered
	p.tl = newTimeline(r)
	p.tl.cur, p.tl.answered, p.tl.changed = cur, answered, map[int]string{}
	var changed []string
	for i := range r.Steps {
		if a, b := stepEffects(p.base.Steps[i]), stepEffects(r.Steps[i]); a != b {
			p.tl.changed[i] = a
			changed = append(changed, strconv.Itoa(i+1))
		}
	}
	p.applied = wi
	p.whatIf = describe(wi)
	switch len(changed) {
	case 0:
		p.status = what + ": no step's outcome changes"
	default:
		p.status = fmt.Sprintf("%s: step %s change%s", what, strings.Join(changed, ", "), map[bool]string{true: "s", false: ""}[len(changed) == 1])
	}
}

func (p *player) resetWhatIf() {
	cur, answered := p.tl.cur, p.tl.answered
	p.tl = newTimeline(p.base)
	p.tl.cur, p.tl.answered = cur, answered
	p.applied, p.whatIf, p.status = whatIf{}, "", "back to the lesson's own policy"
}

func (p *player) current() whatIf {
	return whatIf{preset: p.applied.preset, storage: p.applied.storage, set: slices.Clone(p.applied.set)}
}

func describe(w whatIf) string {
	var parts []string
	if w.preset != "" {
		parts = append(parts, "preset "+w.preset)
	}
	if w.storage != "" {
		parts = append(parts, "storage "+w.storage)
	}
	for _, s := range w.set {
		parts = append(parts, s.Key+"="+s.Value)
	}
	return strings.Join(parts, ", ")
}

// outcomeText is an outcome as the learner compares it: "200",
// "400 invalid_grant", "no_token".
func outcomeText(o sim.Outcome) string {
	switch {
	case o.Status == 0 && o.Error == "":
		return "nothing sent"
	case o.Status == 0:
		return o.Error
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", o.Status, o.Error))
}

// stepEffects is what a what-if compares: the step's outcome and the
// consequences that change a session without changing a status (a reuse
// detected, a family revoked, the app logged out). Turning reuse detection
// off leaves the racing tab's 400 as it was, but not the family's fate.
func stepEffects(s scenarios.StepResult) string {
	out := outcomeText(s.Outcome)
	seen := map[sim.EventKind]bool{}
	for _, e := range s.Events {
		seen[e.Kind] = true
	}
	for _, k := range []struct {
		kind sim.EventKind
		says string
	}{{sim.KindReuse, "reuse detected"}, {sim.KindFamilyRevoked, "family revoked"}, {sim.KindSessionEnded, "the app logged out"}} {
		if seen[k.kind] {
			out += ", " + k.says
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
