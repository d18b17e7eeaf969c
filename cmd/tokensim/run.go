package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

const runExamples = `  (with --preset or --set, the steps that differ from the lesson's own run
   are listed on stderr and the exit status stays 0: a what-if, not a failure)
  tokensim run login
  tokensim run refresh-theft-rotation --preset okta
  tokensim run logout --set api_mode=introspect --set access_ttl=5m
  tokensim run my-lesson.yaml --format markdown > my-lesson.md
  tokensim run --all --format json > catalogue.jsonl
  tokensim run login --format json --exchanges   # with each request and response
  tokensim run login --format har > login.har    # open in a browser's network panel
`

func (e *env) run(args []string) int {
	fs := newFlags("run", "run <id|file.yaml> [--preset P] [--set key=value …] [--seed N] [--format text|markdown|json|har] [--exchanges]\n  tokensim run --all [flags]", runExamples, e.stderr)
	preset := fs.String("preset", "", "run under this preset instead of the scenario's ("+strings.Join(presetNames(), ", ")+")")
	var sets settings
	fs.Var(&sets, "set", "change a policy knob, key=value (repeatable); keys: "+strings.Join(sim.Knobs(), ", "))
	seed := fs.Uint64("seed", 1, "seed for codes, verifiers, jti values and refresh tokens")
	storage := storageFlag(fs)
	format := fs.String("format", "text", "output: text, markdown, json (one event per line, docs/json-schema.md) or har (the HTTP exchanges as a HAR 1.2 file, virtual-clock times)")
	exchanges := fs.Bool("exchanges", false, "with --format json: add each exchange's full request and response")
	all := fs.Bool("all", false, "run the whole built-in catalogue")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if !e.storageOK("run", *storage) {
		return exitUsage
	}
	if *format != "text" && *format != "markdown" && *format != "json" && *format != "har" {
		fmt.Fprintf(e.stderr, "tokensim run: --format %q is not text, markdown, json or har\n", *format)
		return exitUsage
	}
	if *exchanges && *format != "json" {
		fmt.Fprintln(e.stderr, "tokensim run: --exchanges goes with --format json (a HAR file always has the full exchanges)")
		return exitUsage
	}
	var list []*scenarios.Scenario
	switch {
	case *all && len(pos) > 0:
		fmt.Fprintln(e.stderr, "tokensim run: give a scenario or --all, not both")
		return exitUsage
	case *all:
		cat, err := scenarios.Catalogue()
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim: the built-in catalogue is broken: %v\n", err)
			return exitFailed
		}
		list = cat
	case len(pos) == 1:
		sc, err := loadScenario(pos[0])
		if err != nil {
			e.loadError("run", err)
			return exitUsage
		}
		list = []*scenarios.Scenario{sc}
	default:
		fmt.Fprintln(e.stderr, "tokensim run: name one scenario (see 'tokensim list') or a file, or use --all")
		return exitUsage
	}
	e.jsonOpts = render.JSONOptions{Exchanges: *exchanges}
	return e.render("run", list, scenarios.Options{Preset: *preset, Set: sets, Seed: *seed, Storage: *storage}, *format)
}

// render runs the lessons and prints them in format. It renders everything
// first, so that a bad option produces no partial output. A failed
// expectation is exit 1, unless --preset, --set or --storage changed the
// world: the lesson's expectations were written for its own, so under
// another they are differences to report, not failures (a what-if from the
// command line).
func (e *env) render(cmd string, list []*scenarios.Scenario, opts scenarios.Options, format string) int {
	whatIf := opts.Departs()
	var out bytes.Buffer
	failed := 0
	var runs []*scenarios.Run // for har: one file for every run
	for i, sc := range list {
		r, err := scenarios.Execute(sc, opts)
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim %s: %v\n", cmd, err)
			return exitUsage
		}
		if i > 0 && format != "json" && format != "har" {
			out.WriteString("\n")
		}
		switch format {
		case "har":
			runs = append(runs, r)
		case "json":
			err = render.WriteJSONWith(&out, r, e.jsonOpts)
		case "markdown":
			err = render.WriteMarkdown(&out, r)
		default:
			err = render.WriteText(&out, r, render.TextOptions{Color: e.color})
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim %s: %v\n", cmd, err)
			return exitFailed
		}
		if whatIf {
			// One definition of "differs" (scenarios.Differences), the one
			// the player and the exports use: steps, named, not
			// expectations.
			if ds := r.Differences(); len(ds) > 0 {
				for _, d := range ds {
					fmt.Fprintf(e.stderr, "%s: %s\n", sc.ID, d)
				}
				fmt.Fprintf(e.stderr, "tokensim %s: %s: %s\n", cmd, sc.ID, r.DivergenceSummary(ds))
			}
			continue
		}
		for _, f := range r.Failures() {
			fmt.Fprintf(e.stderr, "%s\n", f)
			failed++
		}
	}
	if format == "har" {
		if err := render.WriteHAR(&out, runs, version); err != nil {
			fmt.Fprintf(e.stderr, "tokensim %s: %v\n", cmd, err)
			return exitFailed
		}
	}
	if _, err := e.stdout.Write(out.Bytes()); err != nil {
		return exitFailed
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "tokensim %s: %d expectation(s) failed\n", cmd, failed)
		return exitFailed
	}
	return exitOK
}

func presetNames() []string {
	var out []string
	for _, p := range sim.Presets() {
		out = append(out, p.Name)
	}
	return out
}
