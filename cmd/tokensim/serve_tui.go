package main

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/tui"
)

// serveTUI returns the --tui view: the player over the live traffic, fed
// by the server's Follow, until the user quits (which stops the server)
// or ctx ends.
func (e *env) serveTUI(w *sim.World, srv *serve.Server, origin, guide string) func(context.Context) error {
	return func(ctx context.Context) error {
		m, err := tui.NewServe(w, origin, guide)
		if err != nil {
			return err
		}
		prog := tea.NewProgram(m, tea.WithContext(ctx))
		fctx, stop := context.WithCancel(ctx)
		defer stop()
		go srv.Follow(fctx, func(evs []sim.Event) { prog.Send(tui.ServeEventsMsg{Events: evs}) })
		if _, err := prog.Run(); err != nil && ctx.Err() == nil {
			return fmt.Errorf("live view: %w", err)
		}
		return nil
	}
}
