package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The web door's access flags refuse bad usage with exit status 2.
func TestWebDoorUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		err  string
	}{
		{"cert alone", []string{"web", "--tls-cert", "cert.pem"}, "--tls-cert and --tls-key go together"},
		{"key alone", []string{"web", "--tls-key", "key.pem"}, "--tls-cert and --tls-key go together"},
		{"missing files", []string{"web", "--tls-cert", "nope.pem", "--tls-key", "nope.key"}, "--tls-cert/--tls-key: open nope.pem"},
		{"same passwords", []string{"web", "--password", "x", "--instructor-password", "x"}, "--password and --instructor-password must differ"},
		{"negative", []string{"web", "--max-sessions", "-1"}, "cannot be negative"},
		{"slots", []string{"web", "--max-sessions", "2", "--instructor-slots", "2", "--instructor-password", "lead"}, "--instructor-slots (2) must be fewer than --max-sessions (2)"},
		{"ssh tls without web", []string{"ssh", "--tls-cert", "c", "--tls-key", "k"}, "--tls-cert and --tls-key are for the web door: add --web host:port"},
		{"ssh web remote", []string{"ssh", "--web", "0.0.0.0:8443"}, "tokensim ssh: --web: address"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := cli(t, "", c.args...)
			if code != exitUsage || !strings.Contains(errs, c.err) {
				t.Errorf("exit %d (want 2), stderr: %s\nwant %q", code, errs, c.err)
			}
		})
	}
}

// startWebCmd runs tokensim web with args and returns its address, its
// output and its stop.
func startWebCmd(t *testing.T, args ...string) (addr string, stdout, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	code := make(chan int, 1)
	go func() { code <- e.webUntil(ctx, args, func(a string) { ready <- a }) }()
	select {
	case addr = <-ready:
	case c := <-code:
		cancel()
		t.Fatalf("tokensim web %v exited %d; stderr: %s", args, c, stderr)
	}
	status := -1
	stop = func() int {
		if status < 0 {
			cancel()
			status = <-code
		}
		return status
	}
	t.Cleanup(func() { stop() })
	return addr, stdout, stderr, stop
}

// A room with a password sends the page to /login; on a remote address
// without TLS the command warns that passwords cross in clear.
func TestWebCommandPasswordAndWarning(t *testing.T) {
	addr, _, stderr, stop := startWebCmd(t, "--addr", "0.0.0.0:0", "--allow-remote", "--password", "room42")
	_, port, _ := net.SplitHostPort(addr)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://127.0.0.1:" + port + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / with --password: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	stop()
	want := "tokensim web: warning: 0.0.0.0:0 is plain HTTP: the passwords typed at /login and the session cookie cross the network in clear (add --tls-cert and --tls-key)"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant %q", stderr, want)
	}
}

// With --tls-cert and --tls-key the page is served over HTTPS and the
// URL printed says so.
func TestWebCommandTLS(t *testing.T) {
	cert, key := selfSigned(t)
	addr, stdout, _, _ := startWebCmd(t, "--addr", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key)
	if want := "tokensim web: open https://" + addr + "/\n"; !strings.Contains(stdout.String(), want) {
		t.Fatalf("stdout:\n%s\nwant %q", stdout, want)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // the test's own certificate
	resp, err := client.Get("https://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Fatalf("GET over TLS: %s", resp.Status)
	}
	if set := resp.Header.Get("Set-Cookie"); !strings.Contains(set, "Secure") {
		t.Fatalf("the open room's cookie over TLS: %q, want Secure", set)
	}
}

// tokensim ssh --web: one process, both doors; the startup lines name
// both addresses, and both answer.
func TestSSHCommandWebDoor(t *testing.T) {
	addr, stdout, stderr, stop := startSSH(t, "--web", "127.0.0.1:0", "--instructor-password", "lead42")
	m := regexp.MustCompile(`tokensim ssh: open (http://127\.0\.0\.1:\d+/)\n`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("stdout names no web address:\n%s", stdout)
	}
	if !strings.Contains(stdout.String(), "tokensim ssh: listening on "+addr) {
		t.Fatalf("stdout names no SSH address:\n%s", stdout)
	}
	if !strings.Contains(stdout.String(), "tokensim ssh: in the browser, the instructor logs in at "+m[1]+`login as "instructor"`) {
		t.Fatalf("stdout does not say where the instructor logs in:\n%s", stdout)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", m[1], resp.Status)
	}
	if _, err := sshCLIDial(addr, "ada", gossh.Password("any")); err != nil { // an open room: any password
		t.Fatalf("the SSH door: %v", err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, PEM.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// tokensim web on loopback refuses a Host that names another server (DNS
// rebinding) with 421: the command passes its listen address to the
// server.
func TestWebCommandRefusesRebindingHost(t *testing.T) {
	addr, _, _, _ := startWebCmd(t, "--addr", "127.0.0.1:0")
	req, err := http.NewRequest("GET", "http://"+addr+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Fatalf("GET / for Host evil.example: %s, want 421", resp.Status)
	}
	resp, err = http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / for its own Host: %s", resp.Status)
	}
}

// The startup line gives an address a browser can open: an unspecified
// host becomes "<this host>", as tokensim ssh says it.
func TestWebURL(t *testing.T) {
	for _, c := range []struct {
		addr string
		tls  bool
		want string
	}{
		{"127.0.0.1:8443", false, "http://127.0.0.1:8443/"},
		{"0.0.0.0:8443", false, "http://<this host>:8443/"},
		{"[::]:8443", true, "https://<this host>:8443/"},
		{"[::1]:8443", false, "http://[::1]:8443/"},
	} {
		if got := webURL(c.addr, c.tls); got != c.want {
			t.Errorf("webURL(%q, %v) = %q, want %q", c.addr, c.tls, got, c.want)
		}
	}
}
