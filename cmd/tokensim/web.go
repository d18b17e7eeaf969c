package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/web"
	"github.com/tokensim/tokensim/workshop"
)

// webDefaultAddr is where tokensim web listens: this machine only.
const webDefaultAddr = "127.0.0.1:8443"

const webExamples = `  tokensim web                                          # http://127.0.0.1:8443/, this machine only
  tokensim web --addr 0.0.0.0:8443 --allow-remote       # anyone who can reach this machine gets a player
`

// web serves the player to browsers until interrupted. It parses flags
// and wires; package web is the server.
func (e *env) web(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // after the first ctrl+c, a second kills the process at once
	return e.webUntil(ctx, args, nil)
}

// webUntil is web with its end in the caller's hands, as sshUntil.
func (e *env) webUntil(ctx context.Context, args []string, ready func(addr string)) int {
	if wantsExport(args) { // tokensim web --export DIR: a static build, no server (web_export.go)
		return e.webExport(args)
	}
	fs := newFlags("web", "web [--addr host:port] [--allow-remote] [flags]", webExamples, e.stderr)
	addr := fs.String("addr", webDefaultAddr, "address to listen on (plain HTTP)")
	allowRemote := fs.Bool("allow-remote", false, "allow an address other machines can reach")
	preset := fs.String("preset", "", "run every lesson under this preset instead of the lesson's")
	var sets settings
	fs.Var(&sets, "set", "change a policy knob, key=value (repeatable); keys: "+strings.Join(sim.Knobs(), ", "))
	seed := fs.Uint64("seed", 1, "seed")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "tokensim web: "+format+"\n", a...)
		return exitUsage
	}
	if len(pos) > 0 {
		return bad("unexpected argument %q", pos[0])
	}
	// The same rule as tokensim ssh: loopback unless --allow-remote.
	remote, err := workshop.CheckAddr(*addr, *allowRemote)
	if err != nil {
		return bad("%v", err)
	}
	cat, err := scenarios.Catalogue()
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim: the built-in catalogue is broken: %v\n", err)
		return exitFailed
	}
	run := scenarios.Options{Preset: *preset, Set: sets, Seed: *seed}
	for _, sc := range cat {
		if _, _, err := scenarios.Policy(sc, run); err != nil {
			return bad("%v", err)
		}
	}
	srv := web.New(web.Config{Catalogue: cat, Run: run,
		Logf: func(format string, a ...any) { fmt.Fprintf(e.stderr, "tokensim web: "+format+"\n", a...) }})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
		return exitFailed
	}
	if remote {
		fmt.Fprintf(e.stderr, "tokensim web: warning: %s is reachable from other machines; anyone who can reach it gets a player (no password yet)\n", *addr)
	}
	fmt.Fprintf(e.stdout, "tokensim web: open http://%s/\n", ln.Addr())
	fmt.Fprintln(e.stdout, "tokensim web: ctrl+c stops the server")
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-done:
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
		return exitFailed
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stdout, "tokensim web: shutting down")
	// Hijacked WebSockets are not the http.Server's to wait for: the
	// players end first (each page gets its "bye"), then the listener.
	srv.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
	}
	return exitOK
}
