package main

import (
	"strings"
	"testing"
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
		{"help names the login limits", []string{"ssh", "--help"}, "-max-login-failures int", "", 0},
		{"remote without --allow-remote", []string{"ssh", "--addr", "0.0.0.0:2222"}, "", "--allow-remote", 2},
		{"every interface", []string{"ssh", "--addr", ":2222"}, "", "every interface", 2},
		{"no port", []string{"ssh", "--addr", "localhost"}, "", "missing port", 2},
		{"negative limit", []string{"ssh", "--max-sessions", "-1"}, "", "cannot be negative", 2},
		{"argument", []string{"ssh", "login"}, "", "unexpected argument", 2},
		{"bad key file", []string{"ssh", "--instructor-key", "testdata/bad_keys"}, "", "testdata/bad_keys:2:1:", 2},
		{"missing key file", []string{"ssh", "--authorized-keys", "testdata/nope"}, "", "--authorized-keys", 2},
		{"same passwords", []string{"ssh", "--password", "x", "--instructor-password", "x"}, "", "must differ", 2},
		{"unknown preset", []string{"ssh", "--preset", "nope"}, "", "unknown preset", 2},
		{"bad duration", []string{"ssh", "--idle-timeout", "abc"}, "", "-idle-timeout: not a duration: write a number and a unit, e.g. 30m", 2},
		{"negative login timeout", []string{"ssh", "--login-timeout", "-1s"}, "", "cannot be negative", 2},
		{"negative pending", []string{"ssh", "--max-pending", "-1"}, "", "cannot be negative", 2},
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
