package wasmplay

import (
	"fmt"

	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/tui"
)

// Player makes the root model as `tokensim play` does (cmd/tokensim/play.go):
// the built-in catalogue for the picker, lesson id opened directly ("" for
// the picker). A page writes no files and has no tokensim command to run,
// so export is off and command hints are hidden, as for an SSH attendee.
// store keeps progress (Stored in a page, progress.Memory elsewhere);
// warning is the one line opening it gave, shown until the first key.
func Player(lesson string, store progress.Store, warning string) (tui.Model, error) {
	cat, err := scenarios.Catalogue()
	if err != nil {
		return tui.Model{}, fmt.Errorf("the built-in catalogue is broken: %w", err)
	}
	opts := tui.Options{Catalogue: cat, Progress: store, NoExport: true, NoCommandHints: true, Run: scenarios.Options{Seed: 1}, ProgressWarning: warning}
	if lesson != "" {
		sc, err := scenarios.Lookup(lesson)
		if err != nil {
			return tui.Model{}, fmt.Errorf("lesson %q: %w", lesson, err)
		}
		opts.Open = sc
	}
	return tui.New(opts)
}
