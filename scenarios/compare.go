package scenarios

import (
	"fmt"
)

// Comparison is one scenario run under several presets.
type Comparison struct {
	Scenario *Scenario
	Presets  []string
	Runs     []*Run // one per preset, same order
}

// Compare runs sc once per preset, with the same seed and settings.
func Compare(sc *Scenario, presets []string, opts Options) (*Comparison, error) {
	c := &Comparison{Scenario: sc, Presets: presets}
	own, err := Execute(sc, Options{Seed: opts.Seed})
	if err != nil {
		return nil, err
	}
	for _, p := range presets {
		o := opts
		o.Preset, o.Lesson = p, own // one run of the lesson as written, not one per preset
		r, err := Execute(sc, o)
		if err != nil {
			return nil, fmt.Errorf("preset %s: %w", p, err)
		}
		c.Runs = append(c.Runs, r)
	}
	return c, nil
}
