package tui

import (
	"cmp"
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
	{"api_mode", "API mode (how it learns of revocation)", []string{"stateless", "introspect", "denylist", "pushed"}},
	{"dpop", "DPoP-bound tokens", []string{"true", "false"}},
}

// storageChoices are where the what-if can make a browser app keep its
// tokens: every storage the engine accepts for a single-page app in the
// OAuth topology (sim.Config.Resolve), so a new architecture appears here
// without a list to keep in step.
func storageChoices() []sim.Storage {
	var out []sim.Storage
	for _, s := range sim.Storages() {
		if _, err := (sim.Config{Client: sim.KindSPA, Storage: s, Topology: sim.TopologyOAuth}).Resolve(); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// knobMenu is the what-if's knobs, each with its current value under pol
// and a sub-menu of the values offered; apply sets one.
func knobMenu(title string, pol sim.Policy, apply func(key, value string)) *menu {
	m := &menu{title: title}
	for _, kc := range knobChoices {
		cur, _ := pol.Get(kc.key)
		m.choices = append(m.choices, choice{label: kc.label, note: knobWord(cur), sub: func() *menu {
			sub := &menu{title: kc.label}
			for _, v := range kc.values {
				sub.choices = append(sub.choices, choice{label: knobWord(v), pick: func() tea.Cmd {
					apply(kc.key, v)
					return nil
				}})
			}
			return sub
		}})
	}
	return m
}

// knobWord is a knob's value as a learner reads it: a switch on or off,
// not Go's "true" (issue 14's trial found "rotation true").
func knobWord(v string) string {
	switch v {
	case "true":
		return "on"
	case "false":
		return "off"
	}
	return v
}

// knobPhrase says a knob and its value as a learner reads them: the knob
// as the what-if menu names it (or its key without underscores) and
// knobWord's value, "refresh-token rotation off" for rotation=false.
func knobPhrase(key, value string) string {
	name := strings.ReplaceAll(key, "_", " ")
	for _, kc := range knobChoices {
		if kc.key == key {
			name = kc.label
		}
	}
	return name + " " + knobWord(value)
}

// whatIfMenu offers the knobs, the preset and (for a browser app) where
// the app keeps its tokens: each choice replays the lesson under the
// change. (The sandbox's what-if menu changes its policy from now on
// instead: sandbox.go.)
func (l *lesson) whatIfMenu() *menu {
	m := knobMenu("What if… (the outcome of every step is recomputed)", l.tl.snapshot().Policy, l.applyKnob)
	m.choices = append(m.choices, choice{label: "preset", note: l.tl.preset, sub: func() *menu {
		sub := &menu{title: "Preset"}
		for _, pr := range sim.Presets() {
			sub.choices = append(sub.choices, choice{label: pr.Name, note: pr.Summary, pick: func() tea.Cmd {
				l.applyWhatIf(func(w *whatIf) { w.preset, w.set = pr.Name, nil }, "preset "+pr.Name)
				return nil
			}})
		}
		return sub
	}})
	if offersStorage(l.sc) {
		m.choices = append(m.choices, choice{label: "where the app keeps tokens", note: cmp.Or(l.sc.Storage, string(sim.StorageLocal)), sub: func() *menu {
			sub := &menu{title: "Token storage"}
			for _, s := range storageChoices() {
				sub.choices = append(sub.choices, choice{label: string(s), pick: func() tea.Cmd {
					l.applyWhatIf(func(w *whatIf) { w.storage = string(s) }, "storage "+string(s))
					return nil
				}})
			}
			return sub
		}})
	}
	m.choices = append(m.choices, choice{label: "back to the lesson's own policy", pick: func() tea.Cmd {
		l.resetWhatIf()
		return nil
	}})
	return m
}

// offersStorage reports whether the what-if may move the app's tokens:
// only a browser app of the OAuth topology chooses where it keeps them.
func offersStorage(sc *scenarios.Scenario) bool {
	return sc.Topology != string(sim.TopologyFirstParty) && sc.Client != string(sim.KindWeb)
}

func (l *lesson) applyKnob(key, value string) {
	l.applyWhatIf(func(w *whatIf) {
		w.set = slices.DeleteFunc(w.set, func(s scenarios.Setting) bool { return s.Key == key })
		w.set = append(w.set, scenarios.Setting{Key: key, Value: value})
	}, key+"="+value)
}

// applyWhatIf replays the lesson under the changed policy and marks the
// steps whose outcome differs from the lesson's own run.
func (l *lesson) applyWhatIf(change func(*whatIf), what string) {
	wi := l.current()
	change(&wi)
	opts := l.opts
	opts.Set = append(slices.Clone(l.opts.Set), wi.set...)
	if wi.preset != "" {
		opts.Preset = wi.preset
	}
	if wi.storage != "" {
		opts.Storage = wi.storage
	}
	opts.Lesson = l.base
	if l.base.Lesson != nil {
		opts.Lesson = l.base.Lesson
	}
	// Through the room's cache (nil outside a workshop): the instructor's
	// what-if reaches every follower, who share its run.
	r, err := opts.Runs.Execute(l.sc, opts)
	if err != nil {
		l.status = "what-if refused: " + err.Error()
		return
	}
	l.replay(newTimeline(r))
	l.applied = wi
	l.whatIf = describe(wi)
	l.status = what + ": " + divergence(r)
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

func (l *lesson) resetWhatIf() {
	l.replay(newTimeline(l.base))
	l.applied, l.whatIf, l.status = whatIf{}, "", "back to the lesson's own policy"
	if l.base.Lesson != nil {
		l.status = "back to the policy the player started with: " + divergence(l.base)
	}
}

func (l *lesson) current() whatIf {
	return whatIf{preset: l.applied.preset, storage: l.applied.storage, set: slices.Clone(l.applied.set)}
}

// replay shows t, another run of the lesson, at the same step and with
// the same answers.
func (l *lesson) replay(t timeline) {
	t.cur, t.answered = l.tl.cur, l.tl.answered
	l.show(t)
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
		parts = append(parts, knobPhrase(s.Key, s.Value))
	}
	return strings.Join(parts, ", ")
}
