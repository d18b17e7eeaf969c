package main

import (
	"context"
	"errors"

	"github.com/tokensim/tokensim/sim"
)

// serveTUI shows the live traffic in the player (see tui.NewServeView).
func (e *env) serveTUI(w *sim.World, srv *sim.Server, origin string) func(context.Context) error {
	return func(context.Context) error { return errors.New("--tui is not available yet") }
}
