package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/tokensim/tokensim/workshop"
)

const sshExamples = `  tokensim ssh                                          # 127.0.0.1:2222, anyone on this machine
  tokensim ssh --addr 0.0.0.0:2222 --allow-remote --instructor-key ~/.ssh/id_ed25519.pub
  tokensim ssh --addr 0.0.0.0:2222 --allow-remote --password room42 --instructor-password lead42
  tokensim ssh --addr 0.0.0.0:443 --allow-remote --password room42   # where port 22 is blocked: README, "Port 443"

Attendees: ssh -p 2222 <host>      Instructor: ssh -p 2222 instructor@<host>
`

// ssh serves the player to a room over SSH until interrupted. It parses
// flags and wires; package workshop is the server.
func (e *env) ssh(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // after the first ctrl+c, a second kills the process at once
	return e.sshUntil(ctx, args, nil)
}

// sshUntil is ssh with its end in the caller's hands: the server stops
// when ctx ends. ready, if not nil, is told the address listened on once
// the server accepts connections; tests use it to reach the very server
// the command wired.
func (e *env) sshUntil(ctx context.Context, args []string, ready func(addr string)) int {
	fs := newFlags("ssh", "ssh [--addr host:port] [--allow-remote] [flags]", sshExamples, e.stderr)
	addr := fs.String("addr", workshop.DefaultAddr, "address to listen on")
	allowRemote := fs.Bool("allow-remote", false, "allow an address other machines can reach")
	hostKey := fs.String("host-key", "", "host key file, made (ed25519) on first start (default under the user config directory)")
	rf := addRoomFlags(fs)
	loginTimeout := durationFlag(rf.login.Timeout)
	fs.Var(&loginTimeout, "login-timeout", "close a connection not logged in this long after it connects (a `duration`; 0: never)")
	fs.Var((*countFlag)(&rf.login.MaxPending), "max-pending", "connections not yet logged in, from all addresses (a `count`; 0: no limit)")
	fs.Var((*countFlag)(&rf.login.MaxPendingPerAddr), "max-pending-per-addr", "connections not yet logged in, from one address (a `count`; 0: no limit)")
	authKeys := fs.String("authorized-keys", "", "attendees' public keys, an authorized_keys file (default: anyone gets in)")
	instrKey := fs.String("instructor-key", "", "the instructor's public keys (a .pub or authorized_keys file)")
	webAddr := fs.String("web", "", "also open the room's web door on this `address` (host:port): one room, both doors (see tokensim web)")
	tf := addTLSFlags(fs)
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "tokensim ssh: "+format+"\n", a...)
		return exitUsage
	}
	if len(pos) > 0 {
		return bad("unexpected argument %q", pos[0])
	}
	if loginTimeout < 0 || rf.login.MaxPending < 0 || rf.login.MaxPendingPerAddr < 0 {
		return bad("timeouts and limits cannot be negative")
	}
	if msg := rf.check(*instrKey != ""); msg != "" {
		return bad("%s", msg)
	}
	if *webAddr == "" && tf.on() {
		return bad("--tls-cert and --tls-key are for the web door: add --web host:port")
	}
	if msg := tf.check(); msg != "" {
		return bad("%s", msg)
	}
	rf.login.Timeout = time.Duration(loginTimeout)
	remote, err := workshop.CheckAddr(*addr, *allowRemote)
	if err != nil {
		return bad("%v", err)
	}
	webRemote := false
	if *webAddr != "" {
		if webRemote, err = workshop.CheckAddr(*webAddr, *allowRemote); err != nil {
			return bad("--web: %v", err)
		}
	}
	cfg := rf.config()
	auth := &cfg.Auth
	if *authKeys != "" {
		if auth.AuthorizedKeys, err = workshop.ReadKeys(*authKeys); err != nil {
			return bad("--authorized-keys: %v", err)
		}
	}
	if *instrKey != "" {
		if auth.InstructorKeys, err = workshop.ReadKeys(*instrKey); err != nil {
			return bad("--instructor-key: %v", err)
		}
	}
	cat, run, badRun, broken := rf.lessons()
	if badRun != nil {
		return bad("%v", badRun)
	}
	if broken != nil {
		fmt.Fprintf(e.stderr, "tokensim: %v\n", broken)
		return exitFailed
	}
	if *hostKey == "" {
		if *hostKey, err = workshop.DefaultHostKeyPath(); err != nil {
			return bad("%v (name one with --host-key)", err)
		}
	}
	signer, created, err := workshop.HostKey(*hostKey)
	switch {
	case errors.Is(err, workshop.ErrHostKeyFile): // a path that cannot hold a key is bad input
		return bad("--host-key: %v", err)
	case err != nil:
		fmt.Fprintf(e.stderr, "tokensim ssh: %v\n", err)
		return exitFailed
	}
	cfg.HostKey, cfg.Catalogue, cfg.Run = signer, cat, run
	cfg.KeepAlive = workshop.DefaultKeepAlive
	logf := func(format string, a ...any) { fmt.Fprintf(e.stderr, "tokensim ssh: "+format+"\n", a...) }
	cfg.Logf = logf
	srv, err := workshop.New(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim ssh: %v\n", err)
		return exitFailed
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim ssh: %v\n", err)
		return exitFailed
	}
	var wd *webDoor
	if *webAddr != "" {
		// The web door enters the SSH server's room: one room, one set of
		// limits and counters for both doors.
		if wd, err = startWeb(*webAddr, tf, srv.Door(), logf); err != nil {
			ln.Close()
			fmt.Fprintf(e.stderr, "tokensim ssh: --web: %v\n", err)
			return exitFailed
		}
	}

	state := "host key"
	if created {
		state = "new host key"
	}
	fmt.Fprintf(e.stdout, "tokensim ssh: %s %s (%s)\n", state, *hostKey, workshop.Fingerprint(signer))
	if remote {
		fmt.Fprintf(e.stderr, "tokensim ssh: warning: %s is reachable from other machines; anyone who can reach it %s\n", *addr, whoGetsIn(*auth))
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(e.stdout, "tokensim ssh: listening on %s; attendees run: ssh -p %s <this host>\n", ln.Addr(), port)
	if auth.InstructorPassword != "" {
		fmt.Fprintf(e.stdout, "tokensim ssh: the instructor runs: ssh -p %s %s@<this host>\n", port, workshop.InstructorUser)
	}
	if wd != nil {
		e.webLines("tokensim ssh", *webAddr, webRemote, tf, srv.Door(), wd)
		if len(auth.AuthorizedKeys) > 0 && auth.Password == "" {
			fmt.Fprintln(e.stdout, "tokensim ssh: the web door has no key login: with --authorized-keys and no --password, only the instructor's password gets in there")
		}
	}
	fmt.Fprintln(e.stdout, "tokensim ssh: ctrl+c stops the server")

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	var webDone <-chan error
	if wd != nil {
		webDone = wd.done
	}
	select {
	case err := <-done:
		fmt.Fprintf(e.stderr, "tokensim ssh: %v\n", err)
		return exitFailed
	case err := <-webDone:
		fmt.Fprintf(e.stderr, "tokensim ssh: --web: %v\n", err)
		_ = srv.Shutdown(context.Background())
		return exitFailed
	case <-ctx.Done():
	}
	fmt.Fprintf(e.stdout, "tokensim ssh: shutting down %s\n", sessionCount(srv.Sessions()))
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(e.stderr, "tokensim ssh: %v\n", err)
	}
	if err := <-done; err != nil && !errors.Is(err, workshop.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "tokensim ssh: %v\n", err)
	}
	if wd != nil {
		// The room's sessions, web ones included, ended with the server.
		wd.stop(e.stderr, "tokensim ssh")
	}
	return exitOK
}

// sessionCount is n sessions, in words: "1 session", "3 sessions".
func sessionCount(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}

// durationFlag is a duration flag whose error names an example: the
// flag package's own says only "parse error".
type durationFlag time.Duration

func (d *durationFlag) String() string { return time.Duration(*d).String() }

func (d *durationFlag) Set(v string) error {
	t, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("not a duration: write a number and a unit, e.g. 30m, 1h30m or 45s (0 for never)")
	}
	*d = durationFlag(t)
	return nil
}

// countFlag is a limit flag whose error says what it takes: the flag
// package's own says only "parse error".
type countFlag int

func (c *countFlag) String() string { return strconv.Itoa(int(*c)) }

func (c *countFlag) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("not a whole number: write a count such as 10 (0 for no limit)")
	}
	*c = countFlag(n)
	return nil
}

// whoGetsIn completes the remote-address warning.
func whoGetsIn(a workshop.Auth) string {
	switch {
	case a.Password != "" || len(a.AuthorizedKeys) > 0:
		return "and has the password or an authorized key gets a player"
	default:
		return "gets a player (no --password or --authorized-keys)"
	}
}
