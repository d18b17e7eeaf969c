package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/scenarios"
)

func (e *env) compare(args []string) int {
	fs := newFlags("compare", "compare <id|file.yaml> [--presets a,b,…] [--set key=value …] [--seed N]",
		"  tokensim compare refresh-theft-rotation --presets auth0,okta,keycloak\n  tokensim compare access-token-theft\n", e.stderr)
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
		if !slices.Contains(presetNames(), p) {
			fmt.Fprintf(e.stderr, "tokensim compare: unknown preset %q (have %s)\n", p, strings.Join(presetNames(), ", "))
			return exitUsage
		}
		names = append(names, p)
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
	if err := render.WriteComparison(&out, c); err != nil {
		return exitFailed
	}
	_, _ = e.stdout.Write(out.Bytes())
	return exitOK
}
