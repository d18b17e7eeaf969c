package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/tui"
)

const sandboxExamples = `  tokensim sandbox
  tokensim sandbox --preset okta
  tokensim sandbox --preset keycloak --set api_mode=introspect
`

// sandbox opens free play on a fresh world, under any preset (the vendor
// ones too) and settings.
func (e *env) sandbox(args []string) int {
	fs := newFlags("sandbox", "sandbox [--preset P] [--set key=value …] [--seed N]", sandboxExamples, e.stderr)
	preset := fs.String("preset", "", "play under this preset (see 'tokensim presets'); default "+sim.DefaultPreset)
	var sets settings
	fs.Var(&sets, "set", "change a policy knob, key=value (repeatable); keys: "+strings.Join(sim.Knobs(), ", "))
	seed := fs.Uint64("seed", 1, "seed")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "tokensim sandbox: unexpected argument %q (the sandbox takes flags only)\n", pos[0])
		return exitUsage
	}
	// The preset and the settings are checked before the terminal is, so
	// that a typo is named wherever the command runs.
	opts := scenarios.Options{Preset: *preset, Set: sets, Seed: *seed}
	if _, _, err := scenarios.Policy(&scenarios.Scenario{}, opts); err != nil {
		if errors.Is(err, sim.ErrUnknownPreset) {
			names := presetNames()
			fmt.Fprintf(e.stderr, "tokensim sandbox: unknown preset %q%s\npresets: %s\n", *preset, text.DidYouMean(*preset, names), strings.Join(names, ", "))
		} else {
			fmt.Fprintf(e.stderr, "tokensim sandbox: %v\n", err)
		}
		return exitUsage
	}
	if !e.interactive {
		fmt.Fprintln(e.stderr, "tokensim sandbox: the sandbox is interactive; run it in a terminal")
		return exitUsage
	}
	return e.tui(tui.Options{Sandbox: true, Run: opts})
}
