package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

func (e *env) compare(args []string) int {
	fs := newFlags("compare", "compare <id|file.yaml> [--presets a,b,…] [--set key=value …] [--seed N]",
		"  tokensim compare refresh-theft-rotation --presets auth0,okta,keycloak\n  tokensim compare access-token-theft\n"+
			"\nIn a terminal narrower than the table (a column per preset), each step's outcomes are\n"+
			"listed one per line with the presets that had them. Off a terminal the wide table is\n"+
			"printed whatever its width; COLUMNS=80 asks for the layout that fits 80 columns.\n", e.stderr)
	presets := fs.String("presets", strings.Join(presetNames(), ","), "comma-separated presets to compare")
	var sets settings
	fs.Var(&sets, "set", "change a policy knob in every run, key=value (repeatable)")
	seed := fs.Uint64("seed", 1, "seed")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "tokensim compare: name one scenario")
		return exitUsage
	}
	sc, err := loadScenario(pos[0])
	if err != nil {
		e.loadError("compare", err)
		return exitUsage
	}
	var names []string
	for _, p := range strings.Split(*presets, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pr, err := sim.LookupPreset(p) // the engine's one lookup: any case, did you mean
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim compare: %v\n", err)
			return exitUsage
		}
		names = append(names, pr.Name)
	}
	if len(names) < 2 {
		fmt.Fprintln(e.stderr, "tokensim compare: name at least two presets")
		return exitUsage
	}
	c, err := scenarios.Compare(sc, names, scenarios.Options{Set: sets, Seed: *seed})
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim compare: %v\n", err)
		return exitUsage
	}
	var out bytes.Buffer
	if err := render.WriteComparisonWidth(&out, c, e.width); err != nil {
		return exitFailed
	}
	_, _ = e.stdout.Write(out.Bytes())
	return exitOK
}
