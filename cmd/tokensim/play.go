package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/tui"
)

const playExamples = `  tokensim play refresh-theft-rotation
  tokensim play logout --preset auth0
  tokensim play my-lesson.yaml --plain     # the linear transcript, for screen readers and pipes
  tokensim play login --no-progress        # remember nothing of this session
  tokensim play my-lesson.yaml --watch     # reload on each save while you write it
  tokensim play --challenge stop-the-thief # solve a challenge ('tokensim challenges' lists them)
`

// play opens one lesson in the player, or prints its transcript with
// --plain (automatic when stdout is not a terminal).
func (e *env) play(args []string) int {
	fs := newFlags("play", "play <id|file.yaml> [--preset P] [--set key=value …] [--seed N] [--plain] [--no-progress] [--watch] | play --challenge <id>", playExamples, e.stderr)
	challenge := fs.String("challenge", "", "open this challenge instead of a lesson")
	preset := fs.String("preset", "", "play under this preset instead of the lesson's")
	var sets settings
	fs.Var(&sets, "set", "change a policy knob, key=value (repeatable); keys: "+strings.Join(sim.Knobs(), ", "))
	seed := fs.Uint64("seed", 1, "seed")
	storage := storageFlag(fs)
	plain := fs.Bool("plain", false, "print the linear transcript instead of the interactive player")
	noProgress := fs.Bool("no-progress", false, "keep no progress this time (as "+progress.EnvDisable+"=1)")
	watch := fs.Bool("watch", false, "reload the lesson file each time it is saved, with its problems shown in place (for authors)")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	if !e.storageOK("play", *storage) {
		return exitUsage
	}
	if *challenge != "" {
		return e.playChallenge(*challenge, pos, *seed, *noProgress)
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "tokensim play: name one lesson (see 'tokensim list') or a file")
		return exitUsage
	}
	e.noProgress = *noProgress
	if *watch {
		return e.playWatch(pos[0], scenarios.Options{Preset: *preset, Set: sets, Seed: *seed, Storage: *storage}, *plain)
	}
	sc, err := loadScenario(pos[0])
	if err != nil {
		e.loadError("play", err)
		return exitUsage
	}
	opts := scenarios.Options{Preset: *preset, Set: sets, Seed: *seed, Storage: *storage}
	if *plain || !e.interactive {
		return e.render("play", []*scenarios.Scenario{sc}, opts, "text")
	}
	if _, _, err := scenarios.Policy(sc, opts); err != nil {
		fmt.Fprintf(e.stderr, "tokensim play: %v\n", err)
		return exitUsage
	}
	return e.tui(tui.Options{Open: sc, Run: opts})
}

// playChallenge opens one challenge in the player. A challenge is played,
// not read: it needs the interactive player.
func (e *env) playChallenge(id string, pos []string, seed uint64, noProgress bool) int {
	if len(pos) > 0 {
		fmt.Fprintln(e.stderr, "tokensim play: --challenge names the challenge; give no lesson beside it")
		return exitUsage
	}
	ch, err := scenarios.ChallengeByID(id)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim play: %v (see 'tokensim challenges')\n", err)
		return exitUsage
	}
	if !e.interactive {
		fmt.Fprintln(e.stderr, "tokensim play: a challenge needs the interactive player (a terminal); 'tokensim challenges' lists them")
		return exitUsage
	}
	e.noProgress = noProgress
	return e.tui(tui.Options{Challenge: ch, Run: scenarios.Options{Seed: seed}})
}

// tui runs the interactive program until the learner quits, and beside
// it (a file watcher) each of beside, until it quits.
func (e *env) tui(opts tui.Options, beside ...func(context.Context, *tea.Program)) int {
	cat, err := scenarios.Catalogue()
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim: the built-in catalogue is broken: %v\n", err)
		return exitFailed
	}
	opts.Catalogue = cat
	if !opts.Sandbox {
		f, warn := openProgress(e.noProgress)
		if f != nil {
			opts.Progress = f
			defer func() {
				if err := f.Close(); err != nil {
					fmt.Fprintf(e.stderr, "tokensim: progress not saved: %v\n", err)
				}
			}()
		}
		opts.ProgressWarning = warn
	}
	m, err := tui.New(opts)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim: %v\n", err)
		return exitUsage
	}
	p := tea.NewProgram(m)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, run := range beside {
		go run(ctx, p)
	}
	if _, err := p.Run(); err != nil {
		fmt.Fprintf(e.stderr, "tokensim: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// isTerminal reports whether f is a terminal (a character device such as
// /dev/null is not).
func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }
