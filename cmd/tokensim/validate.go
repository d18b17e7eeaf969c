package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/tokensim/tokensim/scenarios"
)

func (e *env) validate(args []string) int {
	fs := newFlags("validate", "validate <file.yaml|dir|id>…", "  tokensim validate my-lesson.yaml\n  tokensim validate --watch my-lesson.yaml\n  tokensim validate lessons/   # every .yaml and .yml file in it\n  tokensim validate .\n  tokensim validate login\n", e.stderr)
	watch := fs.Bool("watch", false, "validate again each time a file changes, until interrupted")
	files, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "tokensim validate: name at least one scenario file or directory")
		return exitUsage
	}
	if *watch {
		return e.validateWatching(files)
	}
	files, status := e.expandDirs(files)
	for _, f := range files {
		sc, err := loadScenario(f)
		var probs scenarios.Problems
		switch {
		case errors.As(err, &probs):
			for _, p := range probs {
				fmt.Fprintln(e.stderr, p)
			}
			status = exitUsage
		case err != nil:
			fmt.Fprintf(e.stderr, "%s: %v\n", f, err)
			status = exitUsage
		default:
			fmt.Fprintf(e.stdout, "%s: ok (%s, %d steps)\n", f, sc.ID, len(sc.Steps))
		}
	}
	return status
}

// expandDirs replaces each directory among args with the .yaml and .yml
// files directly in it, sorted (a lesson folder is flat: subdirectories
// are not searched). A directory without any is a problem (exit 2).
func (e *env) expandDirs(args []string) ([]string, int) {
	status := exitOK
	var files []string
	for _, a := range args {
		if st, err := os.Stat(a); err != nil || !st.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		for _, ext := range []string{"*.yaml", "*.yml"} {
			m, _ := filepath.Glob(filepath.Join(a, ext)) // the pattern is well-formed
			found = append(found, m...)
		}
		if len(found) == 0 {
			fmt.Fprintf(e.stderr, "%s: no .yaml or .yml files in this directory\n", a)
			status = exitUsage
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, status
}
