package tui

import (
	"fmt"
	"slices"
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

// storageChoices are where the what-if can make a browser app keep its
// tokens.
var storageChoices = []sim.Storage{sim.StorageMemory, sim.StorageLocal, sim.StorageCookie}

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
	if offersStorage(p.sc) {
		m.choices = append(m.choices, choice{label: "where the app keeps tokens", note: orDefault(p.sc.Storage, string(sim.StorageLocal)), sub: func() *menu {
			sub := &menu{title: "Token storage"}
			for _, s := range storageChoices {
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

// offersStorage reports whether the what-if may move the app's tokens:
// only a browser app of the OAuth topology chooses where it keeps them.
func offersStorage(sc *scenarios.Scenario) bool {
	return sc.Topology != string(sim.TopologyFirstParty) && sc.Client != string(sim.KindWeb)
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
	opts := p.opts
	opts.Set = append(slices.Clone(p.opts.Set), wi.set...)
	if wi.preset != "" {
		opts.Preset = wi.preset
	}
	if wi.storage != "" {
		opts.Storage = wi.storage
	}
	opts.Lesson = p.base
	if p.base.Lesson != nil {
		opts.Lesson = p.base.Lesson
	}
	r, err := scenarios.Execute(p.sc, opts)
	if err != nil {
		p.status = "what-if refused: " + err.Error()
		return
	}
	cur, answered := p.tl.cur, p.tl.answered
	p.tl = newTimeline(r)
	p.tl.cur, p.tl.answered = cur, answered
	p.applied = wi
	p.whatIf = describe(wi)
	p.status = what + ": " + divergence(r)
}

// divergence says how many steps, and which, differ from the lesson's own
// run: the count `run` prints and the exports name.
func divergence(r *scenarios.Run) string {
	ds := r.Differences()
	if len(ds) == 0 {
		return "no step differs from the lesson's own run"
	}
	return fmt.Sprintf("%d of %d steps differ from the lesson's own run", len(ds), len(r.Steps))
}

func (p *player) resetWhatIf() {
	cur, answered := p.tl.cur, p.tl.answered
	p.tl = newTimeline(p.base)
	p.tl.cur, p.tl.answered = cur, answered
	p.applied, p.whatIf, p.status = whatIf{}, "", "back to the lesson's own policy"
	if p.base.Lesson != nil {
		p.status = "back to the policy the player started with: " + divergence(p.base)
	}
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

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
