package scenarios

import (
	"fmt"
	"slices"

	"github.com/tokensim/tokensim/sim"
)

// Comparison is one scenario run under several presets.
type Comparison struct {
	Scenario *Scenario
	Presets  []string
	Runs     []*Run // one per preset, same order
	// Architectures are the browser architectures (sim.Topology.Architectures)
	// the attacker is compared across, when the lesson's attacker is an
	// injected script in a single-page app's page; nil otherwise.
	// ByArchitecture[j][k] is preset j's run under Architectures[k] (the
	// lesson's own storage is Runs[j] itself).
	Architectures  []sim.Storage
	ByArchitecture [][]*Run
}

// Compare runs sc once per preset, with the same seed and settings, and,
// when its attacker is an injected script (scriptLesson), once more per
// preset under each other browser architecture: where the tokens live
// decides what the script takes (sim.Source.Reaches).
func Compare(sc *Scenario, presets []string, opts Options) (*Comparison, error) {
	c := &Comparison{Scenario: sc, Presets: presets}
	own, err := Execute(sc, Options{Seed: opts.Seed})
	if err != nil {
		return nil, err
	}
	if scriptLesson(sc) && opts.Storage == "" {
		c.Architectures = sim.TopologyOAuth.Architectures()
		if s := own.World.App().Storage(); !slices.Contains(c.Architectures, s) {
			c.Architectures = append([]sim.Storage{s}, c.Architectures...) // memory: the lesson's own comes first
		}
	}
	for _, p := range presets {
		o := opts
		o.Preset, o.Lesson = p, own // one run of the lesson as written, not one per preset
		r, err := Execute(sc, o)
		if err != nil {
			return nil, fmt.Errorf("preset %s: %w", p, err)
		}
		c.Runs = append(c.Runs, r)
		var byArch []*Run
		for _, s := range c.Architectures {
			if s == own.World.App().Storage() {
				byArch = append(byArch, r)
				continue
			}
			o.Storage = string(s)
			ra, err := Execute(sc, o)
			if err != nil {
				return nil, fmt.Errorf("preset %s, storage %s: %w", p, s, err)
			}
			byArch = append(byArch, ra)
		}
		if byArch != nil {
			c.ByArchitecture = append(c.ByArchitecture, byArch)
		}
	}
	return c, nil
}

// scriptLesson reports whether sc is a single-page app in the OAuth
// topology attacked by an injected script: the lessons whose attacker the
// browser architecture decides.
func scriptLesson(sc *Scenario) bool {
	if sc.Client == string(sim.KindWeb) || sc.Topology == string(sim.TopologyFirstParty) {
		return false
	}
	for _, st := range sc.Steps {
		switch {
		case st.Do == "steal" && st.Params["from"] == string(sim.SourceScript),
			st.Do == "attacker.ride", st.Do == "attacker.silent-login", st.Do == "attacker.script-gone":
			return true
		}
	}
	return false
}
