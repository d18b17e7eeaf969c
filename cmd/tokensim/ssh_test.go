package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// tokensim ssh refuses bad usage with exit status 2 before it listens.
func TestSSHUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		out  string // substring of stdout
		err  string // substring of stderr
		code int
	}{
		{"help", []string{"ssh", "--help"}, "--allow-remote", "", 0},
		{"help names the login limits", []string{"ssh", "--help"}, "-max-login-failures count", "", 0},
		{"remote without --allow-remote", []string{"ssh", "--addr", "10.0.0.1:2222"}, "", `tokensim ssh: address "10.0.0.1:2222" (10.0.0.1) is reachable from other machines: add --allow-remote to serve the room on the network`, 2},
		{"every interface without --allow-remote", []string{"ssh", "--addr", "0.0.0.0:2222"}, "", `tokensim ssh: address "0.0.0.0:2222" (0.0.0.0) is reachable from other machines: add --allow-remote to serve the room on the network`, 2},
		{"every interface", []string{"ssh", "--addr", ":2222"}, "", `tokensim ssh: address ":2222" (every interface) is reachable from other machines: add --allow-remote to serve the room on the network`, 2},
		{"no port", []string{"ssh", "--addr", "localhost"}, "", `tokensim ssh: address "localhost": address localhost: missing port in address`, 2},
		{"negative limit", []string{"ssh", "--max-sessions", "-1"}, "", "tokensim ssh: timeouts and limits cannot be negative\n", 2},
		{"negative instructor slots", []string{"ssh", "--instructor-slots", "-1"}, "", "tokensim ssh: timeouts and limits cannot be negative\n", 2},
		{"instructor slots leave no attendee", []string{"ssh", "--max-sessions", "3", "--instructor-slots", "3", "--instructor-password", "x"}, "", "tokensim ssh: --instructor-slots (3) must be fewer than --max-sessions (3): attendees need a place\n", 2},
		{"help names the instructor slots", []string{"ssh", "--help"}, "-instructor-slots count", "", 0},
		{"help names the memory budget", []string{"ssh", "--help"}, "-memory-budget", "", 0},
		{"help says no slot is kept without an instructor", []string{"ssh", "--help"}, "none kept without an instructor credential", "", 0},
		{"no instructor: every place is the attendees'", []string{"ssh", "--max-sessions", "3", "--instructor-slots", "3", "--addr", "0.0.0.0:1"}, "", "add --allow-remote", 2},
		{"argument", []string{"ssh", "login"}, "", "unexpected argument", 2},
		{"bad key file", []string{"ssh", "--instructor-key", "testdata/bad_keys"}, "", "testdata/bad_keys:2:1:", 2},
		{"missing key file", []string{"ssh", "--authorized-keys", "testdata/nope"}, "", "tokensim ssh: --authorized-keys: reading keys: open testdata/nope: no such file or directory\n", 2},
		{"empty authorized keys", []string{"ssh", "--authorized-keys", "testdata/empty_keys"}, "", "tokensim ssh: --authorized-keys: testdata/empty_keys: no public key in the file\n", 2},
		{"same passwords", []string{"ssh", "--password", "x", "--instructor-password", "x"}, "", "tokensim ssh: --password and --instructor-password must differ\n", 2},
		{"unknown preset", []string{"ssh", "--preset", "nope"}, "", "unknown preset", 2},
		{"bad duration", []string{"ssh", "--idle-timeout", "abc"}, "", "-idle-timeout: not a duration: write a number and a unit, e.g. 30m", 2},
		{"negative login timeout", []string{"ssh", "--login-timeout", "-1s"}, "", "cannot be negative", 2},
		{"negative pending", []string{"ssh", "--max-pending", "-1"}, "", "cannot be negative", 2},
		{"not a number", []string{"ssh", "--max-pending", "abc"}, "", `invalid value "abc" for flag -max-pending: not a whole number: write a count such as 10 (0 for no limit)`, 2},
		{"bad port", []string{"ssh", "--addr", "127.0.0.1:99999"}, "", `address "127.0.0.1:99999": the port must be a number from 0 to 65535`, 2},
		{"private key as instructor key", []string{"ssh", "--instructor-key", "testdata/id_ed25519"}, "", "tokensim ssh: --instructor-key: testdata/id_ed25519:1:1: this is a private key: it stays with its owner; name its public half (testdata/id_ed25519.pub)", 2},
		{"private key as authorized keys", []string{"ssh", "--authorized-keys", "testdata/id_ed25519"}, "", "--authorized-keys: testdata/id_ed25519:1:1: this is a private key", 2},
		{"unwritable host key", []string{"ssh", "--host-key", "testdata/bad_keys/host_key"}, "", "--host-key: host key file testdata/bad_keys/host_key: ", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := cli(t, "", c.args...)
			if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errs, c.err) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q on stdout and %q on stderr", code, c.code, out, errs, c.out, c.err)
			}
		})
	}
}

// The shutdown line counts sessions in words.
func TestSSHSessionCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 sessions", 1: "1 session", 2: "2 sessions"} {
		if got := sessionCount(n); got != want {
			t.Errorf("sessionCount(%d) = %q, want %q", n, got, want)
		}
	}
}

// lockedBuffer is an output the server writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSSH runs tokensim ssh with args on a free loopback port, as the
// command wires it, and returns its address and a function that stops it
// and returns its exit status.
func startSSH(t *testing.T, args ...string) (addr string, stdout, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	code := make(chan int, 1)
	args = append([]string{"--host-key", filepath.Join(t.TempDir(), "host_key")}, args...)
	go func() { code <- e.sshUntil(ctx, args, func(a string) { ready <- a }) }()
	select {
	case addr = <-ready:
	case c := <-code:
		cancel()
		t.Fatalf("tokensim ssh %v exited %d before listening; stderr: %s", args, c, stderr)
	}
	var once sync.Once
	status := -1
	stop = func() int {
		once.Do(func() { cancel(); status = <-code })
		return status
	}
	t.Cleanup(func() { stop() })
	return addr, stdout, stderr, stop
}

// sshCLIDial logs in to the command's server; the host key is not checked
// (the test has only the command's word for it, on stdout).
func sshCLIDial(addr, user string, auth ...gossh.AuthMethod) (banner string, err error) {
	var b strings.Builder
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: user, Auth: auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		BannerCallback: func(m string) error { b.WriteString(m); return nil }})
	if c != nil {
		c.Close()
	}
	return b.String(), err
}

// The command's own wiring reaches the server: the room password, the
// instructor password and the login limits are the flags given, and the
// remote-address warning says who gets in.
func TestSSHCommandWiring(t *testing.T) {
	addr, stdout, stderr, stop := startSSH(t, "--addr", "0.0.0.0:0", "--allow-remote",
		"--password", "room42", "--instructor-password", "lead42", "--max-login-failures", "1")
	_, port, _ := net.SplitHostPort(addr)
	local := net.JoinHostPort("127.0.0.1", port)
	if _, err := sshCLIDial(local, "ada", gossh.Password("room42")); err != nil {
		t.Fatalf("the room password given with --password: %v", err)
	}
	if _, err := sshCLIDial(local, "instructor", gossh.Password("lead42")); err != nil {
		t.Fatalf("the instructor password given with --instructor-password: %v", err)
	}
	banner, err := sshCLIDial(local, "eve", gossh.Password("guess"))
	if err == nil {
		t.Fatal("a wrong password got in")
	}
	if want := "tokensim: too many failed passwords: refused for 1m"; !strings.Contains(banner, want) {
		t.Fatalf("after one wrong password with --max-login-failures 1 the banner was %q, want %q", banner, want)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d after the stop; stderr: %s", code, stderr)
	}
	want := "tokensim ssh: warning: 0.0.0.0:0 is reachable from other machines; anyone who can reach it and has the password or an authorized key gets a player\n"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant the warning %q", stderr, want)
	}
	for _, line := range []string{"tokensim ssh: listening on " + addr, "tokensim ssh: the instructor runs: ssh -p " + port + " instructor@<this host>", "tokensim ssh: shutting down 0 sessions"} {
		if !strings.Contains(stdout.String(), line) {
			t.Errorf("stdout:\n%s\nwant %q", stdout, line)
		}
	}
}

// An open room on a remote address warns that anyone gets in, and anyone
// does.
func TestSSHCommandOpenRoomWarning(t *testing.T) {
	addr, _, stderr, stop := startSSH(t, "--addr", "0.0.0.0:0", "--allow-remote")
	_, port, _ := net.SplitHostPort(addr)
	if _, err := sshCLIDial(net.JoinHostPort("127.0.0.1", port), "anyone"); err != nil {
		t.Fatalf("an open room refused a login: %v", err)
	}
	stop()
	if want := "anyone who can reach it gets a player (no --password or --authorized-keys)"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant %q", stderr, want)
	}
}
