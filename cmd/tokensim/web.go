package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tokensim/tokensim/web"
	"github.com/tokensim/tokensim/workshop"
)

// webDefaultAddr is where tokensim web listens: this machine only.
const webDefaultAddr = "127.0.0.1:8443"

const webExamples = `  tokensim web                                          # http://127.0.0.1:8443/, this machine only
  tokensim web --addr 0.0.0.0:8443 --allow-remote --password room42 --instructor-password lead42 \
      --tls-cert cert.pem --tls-key key.pem             # https://, a room password, an instructor
  tokensim ssh --web 127.0.0.1:8443                     # one room, SSH and web doors
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
	addr := fs.String("addr", webDefaultAddr, "address to listen on")
	allowRemote := fs.Bool("allow-remote", false, "allow an address other machines can reach")
	rf := addRoomFlags(fs)
	tf := addTLSFlags(fs)
	// --export's hook goes here (cmd/tokensim/web_export.go).
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
	if msg := rf.check(false); msg != "" {
		return bad("%s", msg)
	}
	if msg := tf.check(); msg != "" {
		return bad("%s", msg)
	}
	// The same rule as tokensim ssh: loopback unless --allow-remote.
	remote, err := workshop.CheckAddr(*addr, *allowRemote)
	if err != nil {
		return bad("%v", err)
	}
	cat, run, badRun, broken := rf.lessons()
	if badRun != nil {
		return bad("%v", badRun)
	}
	if broken != nil {
		fmt.Fprintf(e.stderr, "tokensim: %v\n", broken)
		return exitFailed
	}
	logf := func(format string, a ...any) { fmt.Fprintf(e.stderr, "tokensim web: "+format+"\n", a...) }
	cfg := rf.config()
	cfg.Catalogue, cfg.Run, cfg.Logf = cat, run, logf
	door, err := workshop.NewDoor(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
		return exitFailed
	}
	wd, err := startWeb(*addr, tf, door, logf)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
		return exitFailed
	}
	e.webLines("tokensim web", *addr, remote, tf, door, wd)
	fmt.Fprintln(e.stdout, "tokensim web: ctrl+c stops the server")
	if ready != nil {
		ready(wd.addr)
	}
	select {
	case err := <-wd.done:
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
		return exitFailed
	case <-ctx.Done():
	}
	fmt.Fprintf(e.stdout, "tokensim web: shutting down %s\n", sessionCount(door.Sessions()))
	// Hijacked WebSockets are not the http.Server's to wait for: the
	// players end first (each page gets its "bye"), then the listener.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := door.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
	}
	wd.stop(e.stderr, "tokensim web")
	return exitOK
}

// webDoor is a room's web door being served.
type webDoor struct {
	srv  *web.Server
	hs   *http.Server
	addr string // listened on
	url  string // http:// or https://
	done chan error
}

// startWeb listens on addr and serves door's web page there, over TLS
// when tf names a certificate (http.Server.ServeTLS, as ListenAndServeTLS
// serves).
func startWeb(addr string, tf *tlsFlags, door *workshop.Door, logf func(string, ...any)) (*webDoor, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	// Addr: on loopback, Hosts that name another server are refused (DNS
	// rebinding; web.Config.Addr).
	wd := &webDoor{srv: web.New(web.Config{Door: door, Addr: ln.Addr().String(), Logf: logf}), addr: ln.Addr().String(), done: make(chan error, 1)}
	// Slow clients: 10 s for a request's headers (the login's body has
	// its own deadline in package web; a WebSocket, once upgraded, is
	// the room's to time out), and a kept-alive connection with no
	// request is closed after 2 minutes.
	wd.hs = &http.Server{Handler: wd.srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	wd.url = webURL(wd.addr, tf.on())
	go func() {
		var err error
		if tf.on() {
			err = wd.hs.ServeTLS(ln, tf.cert, tf.key)
		} else {
			err = wd.hs.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			wd.done <- err
		}
		close(wd.done)
	}()
	return wd, nil
}

// webURL is the page's address for the startup lines. An unspecified
// host (0.0.0.0, ::) is no address a browser can open: attendees use
// this machine's name or address, as tokensim ssh says "<this host>".
func webURL(addr string, tls bool) string {
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			addr = net.JoinHostPort("<this host>", port)
		}
	}
	return scheme + addr + "/"
}

// webLines prints where the web door is and what crosses the network.
func (e *env) webLines(prefix, addr string, remote bool, tf *tlsFlags, door *workshop.Door, wd *webDoor) {
	fmt.Fprintf(e.stdout, "%s: open %s\n", prefix, wd.url)
	if door.HasInstructorPassword() {
		fmt.Fprintf(e.stdout, "%s: in the browser, the instructor logs in at %slogin as %q\n", prefix, wd.url, workshop.InstructorUser)
	}
	if !remote {
		return
	}
	if !door.NeedsPassword() {
		fmt.Fprintf(e.stderr, "%s: warning: %s is reachable from other machines; anyone who can reach it gets a player in the browser (no --password)\n", prefix, addr)
	}
	if !tf.on() {
		fmt.Fprintf(e.stderr, "%s: warning: %s is plain HTTP: the passwords typed at /login and the session cookie cross the network in clear (add --tls-cert and --tls-key)\n", prefix, addr)
	}
}

// stop ends the web door once the room's sessions have ended: the
// sockets still waiting to start, then the listener.
func (wd *webDoor) stop(stderr io.Writer, prefix string) {
	wd.srv.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wd.hs.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	}
	if err := <-wd.done; err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	}
}
