package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/tokensim/tokensim/serve"
)

// TestServeBadInput: bad flags are exit 2 with a clear message, before any
// port is bound (the default port may be taken: every case names :0).
func TestServeBadInput(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"--clock", "fast"}, "want real or x1..x3600"},
		{[]string{"--clock", "x0"}, "want real or x1..x3600"},
		{[]string{"--clock", "x9999"}, "want real or x1..x3600"},
		{[]string{"--format", "yaml"}, `--format "yaml" is not text or json`},
		{[]string{"--addr", "0.0.0.0:0"}, "every interface"},
		{[]string{"--addr", "[::]:0", "--allow-remote"}, "every interface"},
		{[]string{"--addr", "192.0.2.1:0"}, "not a loopback address"},
		{[]string{"--addr", "localhost:0"}, "RFC 8252 section 8.3"},
		{[]string{"--addr", ":0"}, "name the interface"},
		{[]string{"--addr", "127.0.0.1"}, "not host:port"},
		{[]string{"--addr", "127.0.0.1:99999"}, "bad port"},
		{[]string{"--user", "bob"}, "want name:password"},
		{[]string{"--user", "bob:"}, "want name:password"},
		{[]string{"--user", "bob:a", "--user", "bob:b"}, `user "bob" given twice`},
		// OpenID Connect Core 1.0 §2: the name is the sub, ≤ 255 ASCII.
		{[]string{"--user", "bøb:x"}, "printable ASCII"},
		{[]string{"--user", "bob smith:x"}, "without spaces"},
		{[]string{"--user", "bob\x01:x"}, "printable ASCII"},
		{[]string{"--user", strings.Repeat("b", 256) + ":x"}, "1 to 255 characters"},
		{[]string{"--preset", "auth1"}, "unknown preset"},
		{[]string{"--set", "access_ttl=-1m"}, "access_ttl"},
		{[]string{"--set", "acess_ttl=1m"}, `unknown policy key "acess_ttl" (did you mean "access_ttl"?)`},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--tui"}, "--tui needs a terminal"},
		{[]string{"--client", "myapp"}, "--client myapp: want id[:secret]=redirect-uri"},
		{[]string{"--client", "myapp:=http://127.0.0.1:3000/cb"}, "--client myapp: the secret after ':' is empty"},
		{[]string{"--client", "myapp:a=b=http://127.0.0.1:3000/cb"}, "a secret cannot contain '='"},
		{[]string{"--client", "myapp:short=http://127.0.0.1:3000/cb"}, "--client myapp: the secret is 5 characters long; use at least 8"},
		{[]string{"--client", "web:s3cret-pass=http://127.0.0.1:3000/cb"}, `--client web: client id "web" is taken`},
		{[]string{"--client", "cli=http://127.0.0.1:3000/cb"}, `--client cli: client id "cli" is taken`},
		{[]string{"--client", "a=http://127.0.0.1:3000/cb", "--client", "a=http://127.0.0.1:3000/cb2"}, `--client a: client id "a" is registered twice`},
		{[]string{"--client", "a=http://127.0.0.1:3000/cb#x"}, "no fragment (RFC 6749 section 3.1.2)"},
		{[]string{"--client", "a=http://localhost:3000/cb"}, "RFC 8252 section 8.3"},
		{[]string{"--client", "a=https://app.example:*/cb"}, "port * is for loopback redirect URIs only"},
		{[]string{"--client", "a=http://127.0.0.1:3000/cb,"}, "an empty redirect URI"},
		{[]string{"--client", "a=http://127.0.0.1:99999/cb"}, "port 99999 is not 1 to 65535"},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0"}, c.args...)
		code, out, errs := cli(t, "", args...)
		if code != exitUsage || out != "" || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errs, c.err)
		}
	}
	// A refusal names the client, never its secret.
	if _, _, errs := cli(t, "", "serve", "--addr", "127.0.0.1:0", "--client", "myapp:hunter2=http://127.0.0.1:3000/cb#x"); strings.Contains(errs, "hunter2") {
		t.Errorf("the error echoes the secret: %s", errs)
	}
	if code, out, _ := cli(t, "", "serve", "--help"); code != 0 || !strings.Contains(out, "--allow-remote") {
		t.Errorf("serve --help: %d\n%s", code, out)
	}
}

func TestServeAddrRules(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:8080": true, "[::1]:8080": true, "127.0.0.5:1": true, "10.0.0.2:80": false, "example.test:80": false} {
		if err := checkServeAddr(addr, false); (err == nil) != ok {
			t.Errorf("%s without --allow-remote: %v", addr, err)
		}
		if err := checkServeAddr(addr, true); err != nil {
			t.Errorf("%s with --allow-remote: %v", addr, err)
		}
	}
}

// TestServeBanner: what `tokensim serve` prints at start, for a fixed
// address. Refresh deliberately: go test ./cmd/tokensim -run TestServeBanner -update
func TestServeBanner(t *testing.T) {
	for name, args := range map[string][]string{
		"default": nil,
		"custom": {"--user", "bob:builder", "--user", "carol:s3cret", "--clock", "x60", "--set", "access_ttl=2m", "--preset", "okta",
			"--set", "dpop=true", "--set", "reuse_grace=45s", "--set", "api_validation=vulnerable"},
	} {
		t.Run(name, func(t *testing.T) {
			e := &env{stdout: io.Discard, stderr: io.Discard}
			o, _, ok := e.serveFlags(args)
			if !ok {
				t.Fatalf("flags %v refused", args)
			}
			// The command's own wiring, not a world built here: what
			// `tokensim serve` would print at this address.
			srv, err := o.server("http://127.0.0.1:8080")
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			srv.Banner(&b, o.follow())
			golden.RequireEqual(t, b.String())
		})
	}
}

// serveCmdTestRun runs `tokensim serve` on an ephemeral loopback port,
// calls visit with its origin, then stops it as ctrl+c would.
func serveCmdTestRun(t *testing.T, args []string, visit func(origin string)) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- e.serveUntil(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), func(origin string) {
			visit(origin)
			cancel()
		})
	}()
	code := <-done
	return code, out.String(), errb.String()
}

func serveCmdTestGet(t *testing.T, target string) {
	resp, err := http.Get(target)
	if err != nil {
		t.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// TestServeCommandLive: the command serves, logs each exchange as one
// line as it happens, and shuts down gracefully, exit 0.
func TestServeCommandLive(t *testing.T) {
	code, out, errs := serveCmdTestRun(t, []string{"--set", "access_ttl=1m"}, func(origin string) {
		serveCmdTestGet(t, origin+"/.well-known/openid-configuration")
		serveCmdTestGet(t, origin+"/api/orders")
		resp, err := http.PostForm(origin+"/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}, "client_id": {"cli"}})
		if err == nil {
			resp.Body.Close()
		}
	})
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"Issuer   http://127.0.0.1:",
		"policy.changed  - access_ttl = 1m",
		"app  → as   GET /.well-known/openid-configuration 200",
		"app  → api  GET /api/orders 401",
		"app  → as   POST /token 400  invalid_grant",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "shutting down") {
		t.Errorf("stderr: %s", errs)
	}
}

// TestServeCommandJSON: with --format json, stdout is only JSON lines in
// run --format json's schema; the banner goes to stderr.
func TestServeCommandJSON(t *testing.T) {
	code, out, errs := serveCmdTestRun(t, []string{"--format", "json"}, func(origin string) {
		serveCmdTestGet(t, origin+"/jwks.json")
		resp, err := http.PostForm(origin+serve.ClockPath, url.Values{"by": {"5m"}})
		if err == nil {
			resp.Body.Close()
		}
	})
	if code != exitOK || !strings.Contains(errs, "Issuer") {
		t.Fatalf("exit %d\nstderr: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out)
	}
	var kinds []string
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		for _, f := range []string{"scenario", "step", "seq", "time", "kind", "from", "to", "method", "path", "status", "error", "reason"} {
			if _, ok := ev[f]; !ok {
				t.Errorf("line %q lacks %q", l, f)
			}
		}
		kinds = append(kinds, ev["kind"].(string))
	}
	if kinds[0] != "exchange" || kinds[1] != "clock.advanced" {
		t.Fatalf("kinds %v", kinds)
	}
}

// TestServeBannerTUI: with --tui the view owns the terminal, so the banner
// (printed again when the view closes) does not promise a live log.
func TestServeBannerTUI(t *testing.T) {
	o := serveOpts{tui: true, speed: 1, format: "text"}
	srv, err := o.server("http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	srv.Banner(&b, o.follow())
	if strings.Contains(b.String(), "Live traffic follows") || !strings.Contains(b.String(), "The live view follows") {
		t.Fatalf("--tui banner:\n%s", b.String())
	}
}

// TestServeCommandClient: --client reaches the AS (the login page for the
// client's redirect URI on any port) and the banner.
func TestServeCommandClient(t *testing.T) {
	status := 0
	code, out, errs := serveCmdTestRun(t, []string{"--client", "myapp:s3cret-pass=http://127.0.0.1:*/cb"}, func(origin string) {
		q := url.Values{"response_type": {"code"}, "client_id": {"myapp"}, "redirect_uri": {"http://127.0.0.1:4000/cb"}}
		resp, err := http.Get(origin + "/authorize?" + q.Encode())
		if err != nil {
			t.Error(err)
			return
		}
		status = resp.StatusCode
		resp.Body.Close()
	})
	if code != exitOK || status != http.StatusOK {
		t.Fatalf("exit %d, /authorize %d\n%s\n%s", code, status, out, errs)
	}
	if !strings.Contains(out, "  myapp  confidential") || strings.Contains(out+errs, "s3cret-pass") {
		t.Errorf("the banner's clients:\n%s", out)
	}
}
