package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

const serveExamples = `  tokensim serve
  tokensim serve --set code_ttl=1h --set access_ttl=1h --clock x60   # a minute of wall time each
  tokensim serve --user bob:builder --user carol:secret --format json > traffic.jsonl
  tokensim serve --tui
  tokensim serve --client myapp:s3cret-pass=http://127.0.0.1:3000/cb,http://127.0.0.1:*/cb2 --client spa=http://127.0.0.1:5173/
  tokensim serve --addr 192.168.1.20:8080 --allow-remote   # a workshop LAN; read the safety notes
`

// serveOpts is the parsed command line of `tokensim serve`.
type serveOpts struct {
	addr        string
	preset      string
	sets        settings
	speed       int // 1 is wall time
	users       map[string]string
	userOrder   []string
	format      string
	tui         bool
	allowRemote bool
	clients     []serve.Client
}

// serve runs `tokensim serve` until ctrl+c or SIGTERM.
func (e *env) serve(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return e.serveUntil(ctx, args, nil)
}

// serveUntil is serve with its end in the caller's hands: tests cancel ctx
// and learn the bound address from ready.
func (e *env) serveUntil(ctx context.Context, args []string, ready func(origin string)) int {
	o, code, ok := e.serveFlags(args)
	if !ok {
		return code
	}
	// Bad policy input is refused before a port is bound.
	pol, err := sim.LookupPreset(orDefault(o.preset, sim.DefaultPreset))
	if err == nil {
		for _, s := range o.sets {
			if err = scenarios.ApplySetting(&pol.Policy, s); err != nil {
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
		return exitUsage
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
		return exitFailed
	}
	host, _, _ := net.SplitHostPort(o.addr)
	_, port, _ := net.SplitHostPort(l.Addr().String())
	origin := "http://" + net.JoinHostPort(host, port) // the name the user gave, the port the kernel chose

	srv, err := o.server(origin)
	if err != nil {
		l.Close()
		fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
		return exitUsage
	}
	w := srv.World()
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() { // only --allow-remote gets here
		fmt.Fprintf(e.stderr, "tokensim serve: WARNING: serving %s to other machines, over plain HTTP. Anyone who can reach it can sign in with the printed demo credentials. Use it on a workshop network only, never on the internet.\n", origin)
	}
	if o.format == "json" {
		srv.Banner(e.stderr, o.follow()) // stdout stays pure JSON lines, for pipes
	} else {
		srv.Banner(e.stdout, o.follow()) // with --tui, it is there again when the view closes
	}

	errLog := log.New(e.stderr, "tokensim serve: ", 0)
	if o.tui {
		errLog = log.New(io.Discard, "", 0) // the view owns the terminal
	}
	hs := srv.HTTPServer(errLog)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()
	if ready != nil {
		ready(origin)
	}

	followCtx, stopFollow := context.WithCancel(context.Background())
	followed := make(chan struct{})
	var view func(context.Context) error
	if o.tui {
		view = e.serveTUI(w, srv, origin, srv.Guide())
	}
	go func() {
		defer close(followed)
		if view == nil {
			p := serve.LogLine{W: e.stdout, JSON: o.format == "json"}
			srv.Follow(followCtx, p.Print)
		}
	}()

	status := exitOK
	if view != nil {
		if err := view(ctx); err != nil {
			fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
			status = exitFailed
		}
	} else {
		select {
		case <-ctx.Done():
		case err := <-served:
			fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
			stopFollow()
			<-followed
			return exitFailed
		}
	}
	// Graceful shutdown: no new connections, requests in flight finish
	// (for up to 5 s), then the live log is flushed.
	fmt.Fprintln(e.stderr, "tokensim serve: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		fmt.Fprintf(e.stderr, "tokensim serve: shutdown: %v\n", err)
		status = exitFailed
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
		status = exitFailed
	}
	stopFollow()
	<-followed
	return status
}

// server is the command's wiring: the hosted world o asks for at origin,
// its policy settings applied (each one recorded, so the live log opens
// with them).
func (o serveOpts) server(origin string) (*serve.Server, error) {
	var users []serve.User
	for _, n := range o.userOrder {
		users = append(users, serve.User{Name: n, Password: o.users[n]})
	}
	srv, err := serve.New(serve.Options{Origin: origin, Preset: o.preset, Users: users, Speed: o.speed, Clients: o.clients})
	if err != nil {
		return nil, err
	}
	for _, s := range o.sets {
		if err := srv.World().Set(s.Key, s.Value); err != nil {
			return nil, err
		}
	}
	return srv, nil
}

// follow is how the live traffic follows the banner.
func (o serveOpts) follow() serve.Follow {
	switch {
	case o.tui:
		return serve.FollowTUI
	case o.format == "json":
		return serve.FollowJSON
	}
	return serve.FollowText
}

// serveFlags parses and checks the command line; bad input is exit 2.
func (e *env) serveFlags(args []string) (serveOpts, int, bool) {
	fs := newFlags("serve", "serve [--addr 127.0.0.1:8080] [--preset P] [--set key=value …] [--clock real|xN] [--user name:password …] [--client id[:secret]=uri[,uri…] …] [--format text|json] [--tui] [--allow-remote]", serveExamples, e.stderr)
	o := serveOpts{users: map[string]string{}}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on: a loopback IP literal and port; the issuer is http://<addr>")
	fs.StringVar(&o.preset, "preset", "", "policy preset ("+strings.Join(presetNames(), ", ")+")")
	fs.Var(&o.sets, "set", "change a policy knob, key=value (repeatable); keys: "+strings.Join(sim.Knobs(), ", "))
	clock := fs.String("clock", "real", "real (wall time) or xN (N times as fast, up to x"+strconv.Itoa(sim.MaxClockFactor)+")")
	fs.Func("user", "a user who can log in, name:password (repeatable; replaces alice:wonderland)", func(v string) error {
		name, pw, ok := strings.Cut(v, ":")
		switch {
		case !ok || name == "" || pw == "":
			return fmt.Errorf("want name:password, got %q", v)
		case sim.CheckUserName(name) != nil:
			return sim.CheckUserName(name)
		case o.users[name] != "":
			return fmt.Errorf("user %q given twice", name)
		}
		o.users[name] = pw
		o.userOrder = append(o.userOrder, name)
		return nil
	})
	var clients []string
	fs.Func("client", "register your own client, id[:secret]=redirect-uri[,redirect-uri…] (repeatable): with a secret it is confidential, without it public with PKCE; http://127.0.0.1:*/path accepts any port", func(v string) error {
		clients = append(clients, v) // checked after parsing, so that an error never echoes the secret
		return nil
	})
	fs.StringVar(&o.format, "format", "text", "live log: text (one line per event) or json (the events of run --format json)")
	fs.BoolVar(&o.tui, "tui", false, "show the live traffic in the player's sequence diagram and inspector (q stops the server)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow --addr to name a non-loopback interface (prints a warning)")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return o, code, false
	}
	bad := func(format string, a ...any) (serveOpts, int, bool) {
		fmt.Fprintf(e.stderr, "tokensim serve: "+format+"\n", a...)
		return o, exitUsage, false
	}
	if len(pos) > 0 {
		return bad("unexpected argument %q", pos[0])
	}
	if o.format != "text" && o.format != "json" {
		return bad("--format %q is not text or json", o.format)
	}
	speed, err := parseClock(*clock)
	if err != nil {
		return bad("--clock: %v", err)
	}
	o.speed = speed
	if err := checkServeAddr(o.addr, o.allowRemote); err != nil {
		return bad("--addr: %v", err)
	}
	for _, v := range clients {
		c, err := parseClientFlag(v)
		if err != nil {
			return bad("--client %s: %v", c.ID, err)
		}
		o.clients = append(o.clients, c)
	}
	if i, err := serve.CheckClients(o.clients); err != nil {
		return bad("--client %s: %v", o.clients[i].ID, err)
	}
	if o.tui && !e.interactive {
		return bad("--tui needs a terminal")
	}
	return o, 0, true
}

// parseClientFlag reads one --client: id[:secret]=uri[,uri…]. The id ends
// at the first colon or equals sign, the secret at the first equals sign
// (so it cannot contain one), and the redirect URIs are separated by
// commas (a comma inside a URI is written %2C). What the id, secret and
// URIs may be is sim.Hosting.AddClient's rule, checked by serve.CheckClients.
func parseClientFlag(v string) (serve.Client, error) {
	cred, uris, ok := strings.Cut(v, "=")
	id, secret, hasSecret := strings.Cut(cred, ":")
	c := serve.Client{ID: id, Secret: secret}
	switch {
	case !ok:
		return c, errors.New("want id[:secret]=redirect-uri[,redirect-uri…]: a client needs its redirect URIs after '='")
	case hasSecret && secret == "":
		return c, errors.New("the secret after ':' is empty; leave out the colon for a public client")
	}
	c.RedirectURIs = strings.Split(uris, ",")
	for _, u := range c.RedirectURIs {
		if u == "" {
			return c, errors.New("an empty redirect URI (two commas in a row, or one at the end)")
		}
	}
	if first := c.RedirectURIs[0]; !strings.HasPrefix(first, "http://") && !strings.HasPrefix(first, "https://") && hasSecret {
		return c, fmt.Errorf("the redirect URIs after the first '=' must start with http:// or https://; a secret cannot contain '='")
	}
	return c, nil
}

// parseClock reads --clock: "real" or "xN".
func parseClock(s string) (int, error) {
	if s == "real" {
		return 1, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, "x"))
	if !strings.HasPrefix(s, "x") || err != nil || n < 1 || n > sim.MaxClockFactor {
		return 0, fmt.Errorf("want real or x1..x%d, got %q", sim.MaxClockFactor, s)
	}
	return n, nil
}

// checkServeAddr keeps serve mode on loopback unless told otherwise. The
// host must be one clients can use as the issuer's authority, so neither
// an unspecified address (0.0.0.0, ::) nor an empty host will do, and
// localhost is refused for the reason RFC 8252 §8.3 gives.
func checkServeAddr(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %w", addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("bad port %q", port)
	}
	ip := net.ParseIP(host)
	switch {
	case host == "":
		return errors.New("name the interface, e.g. 127.0.0.1:8080: the address is also the issuer clients must use")
	case strings.EqualFold(host, "localhost"):
		return errors.New("use 127.0.0.1 (or [::1]) rather than localhost: the name may resolve elsewhere (RFC 8252 section 8.3)")
	case ip != nil && ip.IsUnspecified():
		return fmt.Errorf("%s is every interface, which is no issuer a client can use: name one, with --allow-remote", host)
	case ip != nil && ip.IsLoopback():
		return nil
	case !allowRemote:
		return fmt.Errorf("%s is not a loopback address: serve mode is for this machine unless you add --allow-remote", host)
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
