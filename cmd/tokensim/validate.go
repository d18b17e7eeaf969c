package main

import (
	"errors"
	"fmt"

	"github.com/tokensim/tokensim/scenarios"
)

func (e *env) validate(args []string) int {
	fs := newFlags("validate", "validate <file.yaml|id>…", "  tokensim validate my-lesson.yaml\n  tokensim validate --watch my-lesson.yaml\n  tokensim validate lessons/*.yaml\n  tokensim validate login\n", e.stderr)
	watch := fs.Bool("watch", false, "validate again each time a file changes, until interrupted")
	files, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if *watch {
		return e.validateWatching(files)
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "tokensim validate: name at least one scenario file")
		return exitUsage
	}
	status := exitOK
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
