package workshop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/testclock"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// refusingAgent is an ssh-agent that holds the instructor's public key
// and nothing else: it lists the key, as anyone can who has read
// https://github.com/<user>.keys, and refuses every request to sign.
type refusingAgent struct {
	key gossh.PublicKey

	mu    sync.Mutex
	signs int // sign requests refused
}

var errNoPrivateKey = errors.New("refusing to sign: this agent holds no private key")

func (a *refusingAgent) List() ([]*agent.Key, error) {
	return []*agent.Key{{Format: a.key.Type(), Blob: a.key.Marshal(), Comment: "the instructor's public key"}}, nil
}

func (a *refusingAgent) Sign(gossh.PublicKey, []byte) (*gossh.Signature, error) {
	a.mu.Lock()
	a.signs++
	a.mu.Unlock()
	return nil, errNoPrivateKey
}

func (a *refusingAgent) refused() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.signs
}

func (a *refusingAgent) Add(agent.AddedKey) error         { return errNoPrivateKey }
func (a *refusingAgent) Remove(gossh.PublicKey) error     { return errNoPrivateKey }
func (a *refusingAgent) RemoveAll() error                 { return errNoPrivateKey }
func (a *refusingAgent) Lock([]byte) error                { return errNoPrivateKey }
func (a *refusingAgent) Unlock([]byte) error              { return errNoPrivateKey }
func (a *refusingAgent) Signers() ([]gossh.Signer, error) { return nil, errNoPrivateKey }
func (a *refusingAgent) Extension(string, []byte) ([]byte, error) {
	return nil, agent.ErrExtensionUnsupported
}

// serveAgent serves ag on a unix socket in dir and returns its path.
func serveAgent(t *testing.T, dir string, ag agent.Agent) string {
	t.Helper()
	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatalf("agent socket: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(ag, c)
			}()
		}
	}()
	return sock
}

// opensshPath is the OpenSSH client the impersonation tests drive. .ci/run
// installs it (Debian's openssh-client) where it is missing.
func opensshPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ssh")
	if err != nil {
		t.Fatalf("these tests drive a real OpenSSH client: install it (apt-get install -y openssh-client): %v", err)
	}
	return p
}

// startOpenSSH connects as user with OpenSSH, its agent at sock and, when
// password is not empty, that password typed through SSH_ASKPASS. It asks
// for a terminal, so a session that gets in starts a player, which the q
// sent on its input ends. The channel receives ssh's stderr once ssh has
// exited; the process is killed when the test ends.
func startOpenSSH(t *testing.T, addr, user, sock, password string) <-chan string {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	askpass := filepath.Join(dir, "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho '"+password+"'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(opensshPath(t), "-F", "/dev/null", "-p", port, "-tt",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "IdentityFile=/nonexistent", "-o", "BatchMode=no", "-o", "NumberOfPasswordPrompts=1",
		"-o", "PreferredAuthentications=publickey,keyboard-interactive,password",
		user+"@"+host)
	cmd.Env = []string{"SSH_AUTH_SOCK=" + sock, "SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0", "HOME=" + dir, "TERM=xterm"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Stdin = strings.NewReader("q")
	if err := cmd.Start(); err != nil {
		t.Fatalf("ssh: %v", err)
	}
	done := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
		done <- stderr.String()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	return done
}

// A client whose agent offers the instructor's public key and refuses to
// sign, then logs in another way, is an attendee. Public keys are public;
// only a signature proves the private key (RFC 4252 §7). gliderlabs/ssh
// records the key when it answers the client's query, before any
// signature: trusting that record let anyone who had the instructor's .pub
// lead the room (the CVE-2024-45337 pattern).
func TestSSHInstructorKeyQueryWithoutSignature(t *testing.T) {
	lead := sshTestKey(t)
	for _, tc := range []struct {
		name     string
		auth     Auth
		password string
	}{
		{"room password", Auth{Password: "room42", InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}, "room42"},
		{"open room", Auth{InstructorKeys: []gossh.PublicKey{lead.PublicKey()}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := sshTestCtx(t, 60*time.Second)
			joined := make(chan string, 4)
			_, addr := sshTestServer(t, Config{Auth: tc.auth, Logf: func(f string, a ...any) {
				if l := fmt.Sprintf(f, a...); strings.Contains(l, "joined") {
					joined <- l
				}
			}})
			ag := &refusingAgent{key: lead.PublicKey()}
			sock := serveAgent(t, t.TempDir(), ag)
			done := startOpenSSH(t, addr, "mallory", sock, tc.password)
			select {
			case l := <-joined:
				if !strings.HasPrefix(l, `attendee "mallory" joined`) {
					t.Fatalf("logged %q: a client that only offered the instructor's public key got in as instructor", l)
				}
			case stderr := <-done:
				t.Fatalf("mallory did not get in at all; ssh said:\n%s", stderr)
			case <-ctx.Done():
				t.Fatal("no session joined")
			}
			if ag.refused() == 0 {
				t.Fatal("ssh never asked the agent to sign: the test did not offer the instructor's key")
			}
		})
	}
}

// sshTestDialBanner dials like sshTestTryDial and returns what the server
// said in banners (RFC 4252 §5.4) on the way.
func sshTestDialBanner(srv *Server, addr, user string, auth ...gossh.AuthMethod) (string, error) {
	var banners strings.Builder
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: user, Auth: auth,
		HostKeyCallback: gossh.FixedHostKey(srv.cfg.HostKey.PublicKey()),
		BannerCallback:  func(m string) error { banners.WriteString(m); return nil },
		Timeout:         10 * time.Second,
	})
	if c != nil {
		c.Close()
	}
	return banners.String(), err
}

// sshTestBare opens a TCP connection that says nothing, and waits for the
// server's first line: the server has admitted (or refused) it by then.
func sshTestBare(t *testing.T, from, addr string) (net.Conn, string) {
	t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil && line == "" {
		t.Fatalf("no first line from the server: %v", err)
	}
	_ = c.SetReadDeadline(time.Time{})
	return c, line
}

// Connections that never log in hold no place of the address's logged-in
// limit: ten bare TCP connections (a scanner, or one person's script) no
// longer lock out everyone behind the same address. The limit is reached
// by logged-in connections only, and the one refused is told why.
func TestSSHBareConnectionsLockNobodyOut(t *testing.T) {
	srv, addr := sshTestServer(t, Config{Auth: Auth{Password: "room42"}, MaxPerAddr: 2,
		Login: LoginLimits{Timeout: time.Minute, MaxPending: 64, MaxPendingPerAddr: 16}})
	for range 10 {
		if _, line := sshTestBare(t, "127.0.0.1", addr); !strings.HasPrefix(line, "SSH-2.0-") {
			t.Fatalf("a bare connection got %q, want the server's version", line)
		}
	}
	// ada and bob log in beside ten bare connections and stay connected
	// (a client that logs in and leaves is released by the server only
	// once it sees the close, which a next login could overtake): the
	// third is refused, and told.
	a := sshTestDial(t, srv, addr, "ada", gossh.Password("room42"))
	b := sshTestDial(t, srv, addr, "bob", gossh.Password("room42"))
	_, _ = a, b
	banner, err := sshTestDialBanner(srv, addr, "cy", gossh.Password("room42"))
	if err == nil {
		t.Fatal("a third logged-in connection from one address got in (limit 2)")
	}
	if want := "tokensim: 2 connections from your address: ask to raise --max-per-addr."; !strings.Contains(banner, want) {
		t.Fatalf("the refused client was told %q, want %q", banner, want)
	}
}

// A connection that has not logged in within the login timeout is
// closed; one that has logged in stays.
func TestSSHLoginTimeout(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	const timeout = 300 * time.Millisecond
	srv, addr := sshTestServer(t, Config{Login: LoginLimits{Timeout: timeout}})
	term := sshTestOpen(t, sshTestDial(t, srv, addr, "ada"), 80, 24)
	start := time.Now()
	bare, _ := sshTestBare(t, "127.0.0.1", addr)
	_ = bare.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, bare); err != nil {
		t.Fatalf("the silent connection was not closed by the server: %v", err)
	}
	if waited := time.Since(start); waited < timeout {
		t.Fatalf("closed after %v, before the login timeout of %v", waited, timeout)
	}
	// ada logged in before the timeout and is still served after it.
	term.waitFor(ctx, "pick a lesson")
	term.press("\r")
	term.waitFor(ctx, "take the first step")
}

// Connections not yet logged in are capped per address and in all, apart
// from the logged-in limits; the refused connection gets a line saying
// why before the server's version (RFC 4253 §4.2), and its place comes
// back when a pending connection goes.
func TestSSHPendingLimits(t *testing.T) {
	srv, addr := sshTestServer(t, Config{Login: LoginLimits{Timeout: time.Minute, MaxPending: 3, MaxPendingPerAddr: 2}})
	first, _ := sshTestBare(t, "127.0.0.1", addr)
	sshTestBare(t, "127.0.0.1", addr)
	if _, line := sshTestBare(t, "127.0.0.1", addr); line != "tokensim: too many logins pending from your address (2): retry in a minute.\r\n" {
		t.Fatalf("a third pending connection from one address got %q", line)
	}
	sshTestBare(t, "127.0.0.2", addr) // another machine (Linux routes all of 127/8 to lo)
	if _, line := sshTestBare(t, "127.0.0.3", addr); line != "tokensim: too many connections waiting to log in (3): try again in a minute.\r\n" {
		t.Fatalf("a fourth pending connection got %q", line)
	}
	first.Close()
	ctx := sshTestCtx(t, 10*time.Second)
	for {
		_, err := sshTestDialBanner(srv, addr, "ada")
		if err == nil {
			break
		}
		select { // the server sees the close a moment later
		case <-ctx.Done():
			t.Fatalf("the closed connection's place did not come back: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Password guessing is slowed and then stopped: each wrong password waits
// before its answer; MaxFailures within a minute lock the address's
// passwords out, logged once, with the right password refused too (so a
// guesser learns nothing) and a banner saying why; keys still work; the
// lockout ends.
func TestSSHPasswordGuessing(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	var (
		mu     sync.Mutex
		pauses []time.Duration
		logged []string
	)
	key := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{
		Auth:  Auth{Password: "room42", AuthorizedKeys: []gossh.PublicKey{key.PublicKey()}, InstructorPassword: "lead42"},
		Login: LoginLimits{MaxFailures: 3, Lockout: time.Minute, FailDelay: 2 * time.Second},
		now:   clock.Now,
		pause: func(_ context.Context, d time.Duration) { mu.Lock(); pauses = append(pauses, d); mu.Unlock() },
		Logf:  func(f string, a ...any) { mu.Lock(); logged = append(logged, fmt.Sprintf(f, a...)); mu.Unlock() },
	})
	// The instructor's password under another name is a wrong password.
	for _, guess := range []struct{ user, pw string }{{"eve", "guess1"}, {"eve", "lead42"}, {"mallory", "guess3"}} {
		if _, err := sshTestDialBanner(srv, addr, guess.user, gossh.Password(guess.pw)); err == nil {
			t.Fatalf("%s got in with %q", guess.user, guess.pw)
		}
	}
	banner, err := sshTestDialBanner(srv, addr, "ada", gossh.Password("room42"))
	if err == nil {
		t.Fatal("the right password got in during a lockout: a guesser would learn it was right")
	}
	if want := "tokensim: too many failed passwords: refused for 1m; wait, or use a key."; !strings.Contains(banner, want) {
		t.Fatalf("banner %q, want %q", banner, want)
	}
	if _, err := sshTestDialBanner(srv, addr, "ada", gossh.PublicKeys(key)); err != nil {
		t.Fatalf("a key was refused during a password lockout: %v", err)
	}
	clock.Advance(time.Minute)
	if _, err := sshTestDialBanner(srv, addr, "ada", gossh.Password("room42")); err != nil {
		t.Fatalf("the right password after the lockout: %v", err)
	}
	if _, err := sshTestDialBanner(srv, addr, InstructorUser, gossh.Password("lead42")); err != nil {
		t.Fatalf("the instructor's password as %s: %v", InstructorUser, err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(pauses) != 3 || pauses[0] != 2*time.Second {
		t.Errorf("waits before answering %v, want 2s after each of the 3 wrong passwords only", pauses)
	}
	var lockouts []string
	for _, l := range logged {
		if strings.HasPrefix(l, "locked out") {
			lockouts = append(lockouts, l)
		}
	}
	if len(lockouts) != 1 || lockouts[0] != "locked out 127.0.0.1: 3 failed passwords within a minute; its passwords are refused for 1m" {
		t.Errorf("lockout lines %q, want one", lockouts)
	}
}

// The wait after a wrong password comes before the answer: the client
// hears nothing until it is over.
func TestSSHWrongPasswordWaits(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	paused, resume := make(chan time.Duration, 1), make(chan struct{})
	srv, addr := sshTestServer(t, Config{Auth: Auth{Password: "room42"}, Login: LoginLimits{FailDelay: time.Second},
		pause: func(_ context.Context, d time.Duration) { paused <- d; <-resume }})
	answered := make(chan error, 1)
	go func() {
		_, err := sshTestDialBanner(srv, addr, "eve", gossh.Password("guess"))
		answered <- err
	}()
	select {
	case d := <-paused:
		if d != time.Second {
			t.Fatalf("waited %v, want 1s", d)
		}
	case err := <-answered:
		t.Fatalf("a wrong password was answered (%v) without the wait", err)
	case <-ctx.Done():
		t.Fatal("no wait after a wrong password")
	}
	select {
	case err := <-answered:
		t.Fatalf("the client was answered (%v) during the wait", err)
	default:
	}
	close(resume)
	if err := <-answered; err == nil {
		t.Fatal("a wrong password got in")
	}
}

// Hostile bytes and absurd terminal sizes end at most their own
// connection: garbage instead of SSH, an endless version line, a packet
// that never finishes (closed by the login timeout), a pty of 0×0 resized
// to 65535×65535 and back. Meanwhile another attendee is
// served, and the hostile session's player itself survives.
func TestSSHSurvivesHostileClients(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	srv, addr := sshTestServer(t, Config{Login: LoginLimits{Timeout: 2 * time.Second}})
	other := sshTestOpen(t, sshTestDial(t, srv, addr, "ada"), 80, 24)
	other.waitFor(ctx, "pick a lesson")

	for name, junk := range map[string][]byte{
		"binary":               {0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0x00, 0x0c, 0x0a},
		"version then garbage": []byte("SSH-2.0-evil\r\n\x00\x00\x10\x00\x07garbage-packet-garbage-packet"),
		"endless version":      []byte("SSH-2.0-" + strings.Repeat("A", 70000)),
		"huge packet length":   []byte("SSH-2.0-evil\r\n\x7f\xff\xff\xff\x04"),
	} {
		c, _ := sshTestBare(t, "127.0.0.1", addr)
		if _, err := c.Write(junk); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		// A close with our bytes unread arrives as a reset.
		if _, err := io.Copy(io.Discard, c); err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("%s: the server did not close the connection: %v", name, err)
		}
	}

	c := sshTestDial(t, srv, addr, "mallory")
	raw, err := sshTestOpenRaw(c, 0, 0)
	if err != nil {
		t.Fatalf("a 0×0 pty: %v", err)
	}
	// The player's first bytes (its terminal set-up) mean the handler has
	// read the pty: gliderlabs v0.3.8 races a window-change sent before
	// that against the handler's read of the size.
	select {
	case <-raw.got:
	case <-ctx.Done():
		t.Fatal("nothing from a 0×0 pty")
	}
	// Drawn as asked, 65535×65535 is four billion cells: no frame for
	// minutes and a core kept busy. Clamped, the frame comes at once.
	if err := raw.sess.WindowChange(65535, 65535); err != nil {
		t.Fatal(err)
	}
	huge, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := raw.until(huge, "pick a lesson"); err != nil {
		t.Fatalf("no frame for a 65535×65535 window: %v", err)
	}
	for _, size := range [][2]int{{0, 0}, {65535, 1}, {80, 24}} {
		if err := raw.sess.WindowChange(size[1], size[0]); err != nil {
			t.Fatalf("window-change to %d×%d: %v", size[0], size[1], err)
		}
	}
	if err := raw.until(ctx, "pick a lesson"); err != nil {
		t.Fatalf("the player did not survive the sizes: %v", err)
	}
	other.press("\r")
	other.waitFor(ctx, "take the first step")
}

// A user name longer than MaxUserLen bytes is refused at login, whatever
// the method, with a banner saying why; one of MaxUserLen gets in. x/crypto
// alone would take names up to its packet size, and the server keeps them.
func TestSSHLongUserNameRefused(t *testing.T) {
	key := sshTestKey(t)
	long := strings.Repeat("a", MaxUserLen+1)
	want := fmt.Sprintf("tokensim: user names are at most %d bytes", MaxUserLen)
	for _, c := range []struct {
		name string
		cfg  Config
		auth []gossh.AuthMethod
	}{
		{"open room", Config{}, nil},
		{"password", Config{Auth: Auth{Password: "pw"}}, []gossh.AuthMethod{gossh.Password("pw")}},
		{"key", Config{Auth: Auth{AuthorizedKeys: []gossh.PublicKey{key.PublicKey()}}}, []gossh.AuthMethod{gossh.PublicKeys(key)}},
		{"instructor key", Config{Auth: Auth{InstructorKeys: []gossh.PublicKey{key.PublicKey()}}}, []gossh.AuthMethod{gossh.PublicKeys(key)}},
	} {
		srv, addr := sshTestServer(t, c.cfg)
		banner, err := sshTestDialBanner(srv, addr, long, c.auth...)
		if err == nil {
			t.Errorf("%s: a %d-byte user name got in", c.name, len(long))
		}
		if !strings.Contains(banner, want) {
			t.Errorf("%s: banner %q, want %q", c.name, banner, want)
		}
		if _, err := sshTestDialBanner(srv, addr, long[1:], c.auth...); err != nil {
			t.Errorf("%s: a %d-byte user name was refused: %v", c.name, MaxUserLen, err)
		}
	}
}
