package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// tokensim web refuses bad usage with exit status 2 before it listens.
func TestWebUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		out  string // substring of stdout
		err  string // substring of stderr
		code int
	}{
		{"help", []string{"web", "--help"}, "--allow-remote", "", 0},
		{"remote without --allow-remote", []string{"web", "--addr", "10.0.0.1:8443"}, "", `tokensim web: address "10.0.0.1:8443" (10.0.0.1) is reachable from other machines: add --allow-remote to serve the room on the network`, 2},
		{"every interface", []string{"web", "--addr", ":8443"}, "", `(every interface) is reachable from other machines`, 2},
		{"bad port", []string{"web", "--addr", "127.0.0.1:99999"}, "", `the port must be a number from 0 to 65535`, 2},
		{"argument", []string{"web", "login"}, "", "unexpected argument", 2},
		{"unknown preset", []string{"web", "--preset", "nope"}, "", "unknown preset", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := cli(t, "", c.args...)
			if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.err) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q on stdout and %q on stderr", code, c.code, out, errs, c.out, c.err)
			}
		})
	}
}

// The command prints the URL it serves, the page is there, a player
// answers on /ws, and ctrl+c (the context) says bye to it and exits 0.
func TestWebServes(t *testing.T) {
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ready := make(chan string, 1)
	code := make(chan int, 1)
	go func() { code <- e.webUntil(ctx, []string{"--addr", "127.0.0.1:0"}, func(a string) { ready <- a }) }()
	var addr string
	select {
	case addr = <-ready:
	case c := <-code:
		t.Fatalf("tokensim web exited %d before listening; stderr: %s", c, stderr)
	}
	url := "http://" + addr + "/"
	if !strings.Contains(stdout.String(), "tokensim web: open "+url+"\n") {
		t.Fatalf("stdout does not name %s:\n%s", url, stdout)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	dctx, dcancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer dcancel()
	c, _, err := websocket.Dial(dctx, "ws://"+addr+"/ws", &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://" + addr}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(dctx, websocket.MessageText, []byte(`{"type":"resize","cols":80,"rows":24}`)); err != nil {
		t.Fatal(err)
	}
	for {
		_, b, err := c.Read(dctx)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "pick a lesson") {
			break
		}
	}
	cancel()
	for {
		_, b, err := c.Read(dctx)
		if err != nil {
			t.Fatalf("no bye before the socket closed: %v", err)
		}
		if strings.Contains(string(b), `"type":"bye"`) {
			if !strings.Contains(string(b), "shutting down") {
				t.Fatalf("bye: %s", b)
			}
			break
		}
	}
	if got := <-code; got != 0 {
		t.Fatalf("exit %d; stderr: %s", got, stderr)
	}
}
