package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tokensim/tokensim/scenarios"
)

// loadScenario resolves an argument: a file path (anything ending in .yaml
// or .yml, or naming an existing file) or a built-in ID.
func loadScenario(arg string) (*scenarios.Scenario, error) {
	if strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") || strings.ContainsRune(arg, os.PathSeparator) {
		return loadFile(arg)
	}
	if st, err := os.Stat(arg); err == nil && st.Mode().IsRegular() {
		return loadFile(arg)
	} else if err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory: name one scenario file or built-in id (validate takes a directory)", arg)
	}
	return scenarios.Lookup(arg)
}

// loadError reports a scenario that could not be loaded: positioned
// problems one a line, as file:line:col: message, anything else prefixed
// with the command.
func (e *env) loadError(cmd string, err error) {
	var probs scenarios.Problems
	if errors.As(err, &probs) {
		for _, p := range probs {
			fmt.Fprintln(e.stderr, p)
		}
		return
	}
	fmt.Fprintf(e.stderr, "tokensim %s: %v\n", cmd, err)
}

func loadFile(path string) (*scenarios.Scenario, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > scenarios.MaxFileBytes {
		return nil, fmt.Errorf("%s: %d bytes is too large for a scenario file (at most %d)", path, st.Size(), scenarios.MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return scenarios.Load(path, data)
}
