package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

const serveExamples = `  tokensim serve
  tokensim serve --set code_ttl=1h --set access_ttl=1h --clock x60   # a minute of wall time each
  tokensim serve --user bob:builder --user carol:secret --format json > traffic.jsonl
  tokensim serve --tui
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

	w, err := sim.New(sim.Config{Preset: o.preset, Serve: &sim.ServeOptions{Origin: origin, Users: o.users, Speed: o.speed}})
	if err == nil {
		for _, s := range o.sets {
			if err = w.Set(s.Key, s.Value); err != nil {
				break
			}
		}
	}
	if err != nil {
		l.Close()
		fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
		return exitUsage
	}
	srv, err := w.NewServer()
	if err != nil {
		l.Close()
		fmt.Fprintf(e.stderr, "tokensim serve: %v\n", err)
		return exitFailed
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() { // only --allow-remote gets here
		fmt.Fprintf(e.stderr, "tokensim serve: WARNING: serving %s to other machines, over plain HTTP. Anyone who can reach it can sign in with the printed demo credentials. Use it on a workshop network only, never on the internet.\n", origin)
	}
	if o.format == "json" {
		writeServeBanner(e.stderr, w, o) // stdout stays pure JSON lines, for pipes
	} else {
		writeServeBanner(e.stdout, w, o) // with --tui, it is there again when the view closes
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
		view = e.serveTUI(w, srv, origin, serveGuide(w, o))
	}
	go func() {
		defer close(followed)
		if view == nil {
			p := serveLine{w: e.stdout, json: o.format == "json"}
			srv.Follow(followCtx, p.print)
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

// serveFlags parses and checks the command line; bad input is exit 2.
func (e *env) serveFlags(args []string) (serveOpts, int, bool) {
	fs := newFlags("serve", "serve [--addr 127.0.0.1:8080] [--preset P] [--set key=value …] [--clock real|xN] [--user name:password …] [--format text|json] [--tui] [--allow-remote]", serveExamples, e.stderr)
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
	if o.tui && !e.interactive {
		return bad("--tui needs a terminal")
	}
	return o, 0, true
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

// writeServeBanner prints what a workshop needs to start: the issuer, the
// clock, the policy, the endpoints, the demo clients and users, and a curl
// walk-through.
func writeServeBanner(out io.Writer, w *sim.World, o serveOpts) {
	pol := w.Policy()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("tokensim serve: the simulator's authorization server and API, over real HTTP.")
	p("")
	p("Issuer   %s", w.Issuer())
	clock := "wall time"
	if o.speed > 1 {
		clock = fmt.Sprintf("x%d (a minute passes every %s)", o.speed, (time.Minute / time.Duration(o.speed)).Round(time.Millisecond))
	}
	p("Clock    %s; advance it with POST %s", clock, sim.ServeClockPath)
	if o.speed > 1 {
		p("         %s", serveRealLifetimes(pol, o.speed))
	}
	p("Policy   preset %s: %s", w.PresetName(), strings.Join(servePolicyKnobs(w.PresetName(), pol), " "))
	p("Keys     generated for this run (the demo keys are public); see /jwks.json")
	p("")
	b.WriteString(serveGuide(w, o))
	p("")
	switch {
	case o.tui:
		p("The live view follows; q stops the server, and this banner is here again when it does.")
	case o.format == "json":
		p("Live traffic follows on stdout, one JSON object per event. Ctrl+C stops the server.")
	default:
		p("Live traffic follows, one line per event. Ctrl+C stops the server.")
	}
	_, _ = io.WriteString(out, b.String())
}

// serveRealLifetimes says how long a code and an access token live in wall
// time on a clock running xspeed: at x60 a 1m code is gone before anyone
// can paste it into curl, which the banner must say rather than let the
// walk-through fail.
func serveRealLifetimes(pol sim.Policy, speed int) string {
	line := fmt.Sprintf("at x%d a code lives %s and an access token %s of wall time", speed, serveWall(pol.CodeTTL, speed), serveWall(pol.AccessTTL, speed))
	// Below half a minute of wall time, a person cannot paste a code or a
	// token into curl in time; a minute of wall time is speed minutes.
	var fix []string
	minute := sim.FormatDuration(time.Duration(speed) * time.Minute)
	if pol.CodeTTL/time.Duration(speed) < 30*time.Second {
		fix = append(fix, "--set code_ttl="+minute)
	}
	if pol.AccessTTL/time.Duration(speed) < 30*time.Second {
		fix = append(fix, "--set access_ttl="+minute)
	}
	if len(fix) > 0 {
		line += "\n         too short to follow the curl steps by hand; for a minute of wall time each: " + strings.Join(fix, " ")
	}
	return line
}

// servePolicyKnobs lists the banner's policy: the knobs it always shows,
// then every other knob whose value differs from the preset's, so that a
// --set (dpop=true, reuse_grace=30s…) is never silently missing.
func servePolicyKnobs(preset string, pol sim.Policy) []string {
	always := []string{"access_ttl", "rotation", "reuse_detection", "refresh_idle", "refresh_absolute", "api_mode", "alg"}
	var base *sim.Policy
	if pr, err := sim.LookupPreset(preset); err == nil {
		base = &pr.Policy
	}
	var out []string
	add := func(k string) {
		if v, err := pol.Get(k); err == nil {
			out = append(out, k+"="+v)
		}
	}
	for _, k := range always {
		add(k)
	}
	for _, k := range sim.Knobs() {
		if slices.Contains(always, k) {
			continue
		}
		v, err := pol.Get(k)
		if err != nil {
			continue
		}
		if base != nil {
			if was, err := base.Get(k); err == nil && was == v {
				continue
			}
		}
		add(k)
	}
	return out
}

// serveGuide is the banner's essentials: the endpoints, the demo clients
// and users, and the curl walk-through. The --tui view shows it too, in
// the Narration tab before the first request, where the banner is hidden.
func serveGuide(w *sim.World, o serveOpts) string {
	iss := w.Issuer()
	pol := w.Policy()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("Endpoints")
	b.WriteString(sim.ServeEndpointList(iss, "  "))
	p("  The API's audience (aud) is %s.", sim.ServeAudience(iss))
	p("")
	p("Clients")
	p("  cli  public, PKCE (S256) required; redirect_uri: any http://127.0.0.1:PORT/... or")
	p("       http://[::1]:PORT/... (RFC 8252 7.3); localhost is refused (RFC 8252 8.3)")
	p("  web  confidential, secret %s (client_secret_basic or client_secret_post);", sim.DemoWebSecret)
	p("       redirect_uri %s", iss+sim.ServeCallbackPath)
	p("       post_logout_redirect_uri %s/", iss)
	p("")
	p("Users")
	user, password := sim.DemoUser, sim.DemoPassword
	if len(o.userOrder) == 0 {
		p("  %s / %s", sim.DemoUser, sim.DemoPassword)
	} else {
		for _, n := range o.userOrder {
			p("  %s / %s", n, o.users[n])
		}
		user, password = o.userOrder[0], o.users[o.userOrder[0]]
	}
	redirect := iss + sim.ServeCallbackPath
	authURL := iss + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {"web"}, "redirect_uri": {redirect},
		"scope": {"openid profile orders:read offline_access"}, "state": {"xyz"}}.Encode()
	ttl := pol.AccessTTL + time.Minute
	p("")
	p("Try it with curl")
	p("  1. Log in: open this in a browser, sign in as %s / %s; the page you land on shows the code", user, password)
	p("     %s", authURL)
	p("  2. Exchange the code for tokens (the code lives %s)", serveLifetime(pol.CodeTTL, o.speed))
	p("     curl -s -u web:%s %s/token -d grant_type=authorization_code -d code=CODE -d redirect_uri=%s", sim.DemoWebSecret, iss, url.QueryEscape(redirect))
	p("  3. Call the API")
	p("     curl -s -H 'Authorization: Bearer ACCESS_TOKEN' %s/api/orders", iss)
	p("  4. Let the access token expire (lifetime %s, so jump %s)", serveLifetime(pol.AccessTTL, o.speed), sim.FormatDuration(ttl))
	p("     curl -s -X POST %s%s -d by=%s", iss, sim.ServeClockPath, sim.FormatDuration(ttl))
	// Steps 5 and 6 follow the policy: a response without rotation carries
	// no refresh token (sim/rotation.go), and Entra's rotation leaves the
	// old one valid (Policy.RotationKeepsOld).
	switch {
	case !pol.Rotation:
		p("  5. Refresh: without rotation the answer carries no refresh token; keep the one you have")
	case pol.RotationKeepsOld:
		p("  5. Refresh: the answer carries a new refresh token; the one you sent stays valid too")
	default:
		p("  5. Refresh: the answer carries a new refresh token; keep it (rotation)")
	}
	p("     curl -s -u web:%s %s/token -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN", sim.DemoWebSecret, iss)
	switch {
	case pol.Rotation && pol.RotationKeepsOld:
		p("  6. Replay the old refresh token: it still works; this AS never retires a used refresh token, so there is no reuse to detect")
	case !pol.Rotation:
		p("  6. Replay the old refresh token: without rotation it is the same token, and it still works")
	case !pol.ReuseDetection:
		p("  6. Replay the old refresh token: invalid_grant; reuse detection is off, so the family lives on")
	case pol.ReuseGrace > 0:
		p("  6. Replay the old refresh token more than %s after the refresh (the grace interval; jump the clock): invalid_grant, and its whole family is revoked (reuse detection); within %s it is forgiven", sim.FormatDuration(pol.ReuseGrace), sim.FormatDuration(pol.ReuseGrace))
	default:
		p("  6. Replay the old refresh token: invalid_grant, and its whole family is revoked (reuse detection)")
	}
	p("     curl -s -u web:%s %s/token -d grant_type=refresh_token -d refresh_token=OLD_REFRESH_TOKEN", sim.DemoWebSecret, iss)
	p("  7. Log out: revoke the refresh token")
	p("     curl -s -u web:%s %s/revoke -d token=REFRESH_TOKEN", sim.DemoWebSecret, iss)
	// The AS session outlives step 7 (curriculum idea 10): open step 1's
	// URL again and the code comes without the form.
	p("  8. The browser is still signed in at the AS: step 1's URL now gives a code without the form,")
	p("     unless prompt=login (the session ends %s).", serveSessionLimit(pol, o.speed))
	p("     End the AS session too (RP-initiated logout), in the browser:")
	p("     %s/end_session?id_token_hint=ID_TOKEN&post_logout_redirect_uri=%s&state=xyz", iss, url.QueryEscape(iss+"/"))
	return b.String()
}

// serveSessionLimit says how long the AS session lasts under pol, in the
// walk-through's words.
func serveSessionLimit(pol sim.Policy, speed int) string {
	switch {
	case pol.SessionIdle > 0 && pol.SessionMax > 0:
		return "after " + serveLifetime(pol.SessionIdle, speed) + " without a visit, or " + serveLifetime(pol.SessionMax, speed) + " after sign-in"
	case pol.SessionIdle > 0:
		return "after " + serveLifetime(pol.SessionIdle, speed) + " without a visit"
	case pol.SessionMax > 0:
		return serveLifetime(pol.SessionMax, speed) + " after sign-in"
	}
	return "when the browser closes: this preset sets no session limit"
}

// serveLifetime is a virtual lifetime as the walk-through states it, with
// its wall time when the clock runs faster than that.
func serveLifetime(d time.Duration, speed int) string {
	if speed <= 1 {
		return sim.FormatDuration(d)
	}
	return fmt.Sprintf("%s, %s of wall time at x%d", sim.FormatDuration(d), serveWall(d, speed), speed)
}

// serveWall is how long a virtual d lasts on the wall at xspeed, rounded
// to the second (the millisecond below one).
func serveWall(d time.Duration, speed int) string {
	r := d / time.Duration(speed)
	if r >= time.Second {
		r = r.Round(time.Second)
	} else {
		r = r.Round(time.Millisecond)
	}
	return sim.FormatDuration(r)
}

// serveLine prints the live log: one readable line per event, or the JSON
// lines of `run --format json` (scenario "serve", step 0).
type serveLine struct {
	w    io.Writer
	json bool
}

func (s *serveLine) print(evs []sim.Event) {
	for _, e := range evs {
		s.line(e)
	}
}

func (s *serveLine) line(e sim.Event) {
	if s.json {
		b, err := json.Marshal(scenarios.JSONEvent{Scenario: "serve", Seq: e.Seq, Time: e.Time, Kind: string(e.Kind),
			From: string(e.From), To: string(e.To), Method: e.Method, Path: e.Path, Status: e.Status,
			Error: e.Error, Reason: e.Reason, Token: e.Token, Family: e.Family, Summary: e.Summary})
		if err == nil {
			_, _ = s.w.Write(append(b, '\n'))
		}
		return
	}
	_, _ = io.WriteString(s.w, serveEventLine(e)+"\n")
}

// serveEventLine is one event as a line a person reads as it scrolls by.
func serveEventLine(e sim.Event) string {
	parts := []string{e.Time.UTC().Format("15:04:05")}
	if e.Kind == sim.KindExchange {
		parts = append(parts, fmt.Sprintf("%-4s → %-4s %s %s %d", e.From, e.To, e.Method, e.Path, e.Status))
		if e.Error != "" {
			parts = append(parts, e.Error)
		}
	} else {
		parts = append(parts, string(e.Kind))
	}
	var ids []string
	for _, id := range []string{e.Token, e.Family} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		parts = append(parts, "["+strings.Join(ids, " ")+"]")
	}
	for _, t := range []string{e.Reason, e.Summary} {
		if t != "" && !slices.Contains(parts, t) {
			parts = append(parts, "- "+t)
			break
		}
	}
	return strings.Join(parts, "  ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
