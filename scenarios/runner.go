package scenarios

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// Options changes how a scenario runs without editing it.
type Options struct {
	Preset string    // replaces the scenario's preset when set
	Set    []Setting // applied after the preset and the scenario's own settings
	// Storage replaces where the scenario's app keeps its tokens when set
	// (the player's "where the app keeps tokens" what-if).
	Storage string
	Seed    uint64
	// Lesson is the lesson's own run, when the caller already has it (the
	// player keeps one): Execute compares with it rather than run the
	// lesson again. It is used only if it is sc's own run with this Seed.
	Lesson *Run
	// Runs, when set, is a cache of runs the players that open a lesson
	// share (RunCache: a workshop server's sessions). Execute itself
	// ignores it; tui opens lessons through it.
	Runs *RunCache
}

// Departs reports whether o changes anything the lesson fixes: its preset,
// a knob or the app's storage.
func (o Options) Departs() bool { return o.Preset != "" || len(o.Set) > 0 || o.Storage != "" }

// Run is a scenario played to the end: what each step did and what the
// world looked like after it.
type Run struct {
	Scenario *Scenario
	Options  Options
	Preset   string     // the preset in force
	Policy   sim.Policy // the policy at the start
	World    *sim.World
	Initial  sim.Snapshot
	Steps    []StepResult
	// Drawn is what the lesson's draw: drew for this run's seed, name →
	// value; nil when it draws nothing.
	Drawn map[string]string
	// Lesson is the lesson's own run (its preset, settings and storage,
	// the same seed) when Options depart from it, for Differences; nil
	// when this run is the lesson's own.
	Lesson *Run
	diffs  *diffCache
}

// StepResult is one step's outcome, events, snapshot and failed
// expectations.
type StepResult struct {
	Index    int // 1-based
	Step     *Step
	Outcome  sim.Outcome
	Events   []sim.Event // the events this step caused
	Snapshot sim.Snapshot
	Failures []Failure
	// Text is the step's narration and quiz with their placeholders
	// filled from this run: what every front end shows.
	Text StepText
}

// OK reports whether every expectation of every step held.
func (r *Run) OK() bool { return len(r.Failures()) == 0 }

// Failures lists every failed expectation, in step order.
func (r *Run) Failures() []Failure {
	var out []Failure
	for _, s := range r.Steps {
		out = append(out, s.Failures...)
	}
	return out
}

// Policy resolves the policy a scenario starts with under opts: the
// preset's, then the scenario's settings, then the options'.
func Policy(sc *Scenario, opts Options) (string, sim.Policy, error) {
	name := cmp.Or(opts.Preset, sc.Preset, sim.DefaultPreset)
	p, err := sim.LookupPreset(name)
	if err != nil {
		return "", sim.Policy{}, err
	}
	pol := p.Policy
	set := append([]Setting{}, sc.Set...)
	if opts.Preset == "" {
		// A drawn knob is the lesson's own value, as set: is; a what-if
		// preset brings its own value instead, and --set overrides both.
		set = append(set, drawnSettings(sc, opts.Seed)...)
	}
	for _, s := range append(set, opts.Set...) {
		if err := ApplySetting(&pol, s); err != nil {
			return "", sim.Policy{}, err
		}
	}
	return p.Name, pol, nil
}

// ApplySetting sets one knob of pol, as --set and a scenario's set: do. A
// misspelt key gets the closest knob's name as a suggestion, as every other
// unknown name does (didYouMean).
func ApplySetting(pol *sim.Policy, s Setting) error {
	err := pol.Set(s.Key, s.Value)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sim.ErrUnknownKnob):
		return fmt.Errorf("set %s=%s: %w%s", s.Key, s.Value, err, text.DidYouMean(s.Key, sim.Knobs()))
	}
	return fmt.Errorf("set %s=%s: %w", s.Key, s.Value, err)
}

func worldConfig(sc *Scenario, opts Options, pol *sim.Policy) sim.Config {
	return sim.Config{
		Seed: opts.Seed, Preset: sc.Preset, Policy: pol,
		Client: sim.ClientKind(sc.Client), Storage: sim.Storage(cmp.Or(opts.Storage, sc.Storage)), Topology: sim.Topology(sc.Topology),
	}
}

// Execute runs sc under opts from start to finish. Its error is for bad
// options (an unknown preset, a bad --set); failed expectations are in the
// Run.
func Execute(sc *Scenario, opts Options) (*Run, error) {
	preset, pol, err := Policy(sc, opts)
	if err != nil {
		return nil, err
	}
	cfg := worldConfig(sc, opts, &pol)
	cfg.Preset = preset
	w, err := sim.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sc.ID, err)
	}
	r := &Run{Scenario: sc, Options: opts, Preset: preset, Policy: pol, World: w, Initial: w.Inspect(), Drawn: drawValues(sc, opts.Seed)}
	for i, st := range sc.Steps {
		r.Steps = append(r.Steps, r.step(i+1, st))
	}
	if opts.Departs() && len(sc.Steps) > 0 {
		// What the lesson's text describes: the same steps under its own
		// policy, to compare each step with (Differences).
		if l := opts.Lesson; l != nil && l.Scenario == sc && l.Lesson == nil && !l.Options.Departs() && l.Options.Seed == opts.Seed {
			r.Lesson = l
		} else if r.Lesson, err = Execute(sc, Options{Seed: opts.Seed}); err != nil {
			return nil, fmt.Errorf("%s under its own policy: %w", sc.ID, err)
		}
		r.diffs = &diffCache{steps: r.Steps, list: r.differences()}
	}
	return r, nil
}

func (r *Run) step(i int, st *Step) StepResult {
	w := r.World
	start := w.Log().Len()
	out := actions[st.Do].run(w, fillParams(st.Params, r.Drawn))
	res := StepResult{Index: i, Step: st, Outcome: out, Events: w.Log().Since(start), Snapshot: w.Inspect()}
	res.Text = resolveText(st, i, r.Preset, res.Snapshot, r.Drawn, r.Options.Seed)
	res.Failures = check(r.Scenario, res)
	return res
}
