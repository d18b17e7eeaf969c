package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// flags is a command's flag set. It prints nothing while parsing: parse
// prints help to stdout (exit 0) or the error to stderr (exit 2), once.
type flags struct {
	*flag.FlagSet
	name, synopsis, examples string
	stderr                   io.Writer
}

// newFlags makes a command's flag set with the help text and examples.
func newFlags(name, synopsis, examples string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flags{FlagSet: fs, name: name, synopsis: synopsis, examples: examples, stderr: stderr}
}

func (f *flags) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  tokensim %s\n\n", f.synopsis)
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		// An empty "Flags:" heading reads as if the list failed to print.
		fmt.Fprintf(w, "Flags: none (only --help)\n")
	} else {
		fmt.Fprintf(w, "Flags:\n")
		f.SetOutput(w)
		f.PrintDefaults()
		f.SetOutput(io.Discard)
	}
	if f.examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s", f.examples)
	}
}

// parse parses flags that may come before, between or after the
// positional arguments ("run login --seed 2" and "run --seed 2 login").
// It returns the positionals, or the exit status to return at once (0 for
// --help, 2 for a bad flag).
func (f *flags) parse(args []string, stdout io.Writer) ([]string, int, bool) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.usage(stdout)
				return nil, exitOK, false
			}
			fmt.Fprintf(f.stderr, "tokensim %s: %v\nRun 'tokensim %s --help' for usage.\n", f.name, err, f.name)
			return nil, exitUsage, false
		}
		rest := f.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// settings is a repeatable --set key=value flag.
type settings []scenarios.Setting

func (s *settings) String() string { return "" }

func (s *settings) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	*s = append(*s, scenarios.Setting{Key: strings.TrimSpace(k), Value: strings.TrimSpace(val)})
	return nil
}

// storageFlag is --storage: where the app keeps its tokens instead of the
// lesson's, and so its browser architecture (sim/client_storage.go).
func storageFlag(f *flags) *string {
	var names []string
	for _, st := range sim.Storages() {
		names = append(names, string(st))
	}
	return f.String("storage", "", "run with the app keeping its tokens here instead of the lesson's, and so in that browser architecture: "+strings.Join(names, ", ")+" (memory and local-storage are browser-only, token-mediating a token-mediating backend, cookie a BFF, server a server-side web app)")
}

// storageOK says whether --storage names a storage the engine knows, and
// says so on stderr when it does not. Whether the lesson's app can keep
// its tokens there is the engine's to say when the world is made.
func (e *env) storageOK(cmd, storage string) bool {
	if storage == "" {
		return true
	}
	for _, st := range sim.Storages() {
		if string(st) == storage {
			return true
		}
	}
	fmt.Fprintf(e.stderr, "tokensim %s: --storage %q is not one of %v\n", cmd, storage, sim.Storages())
	return false
}
