package workshop

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/tui"
	gossh "golang.org/x/crypto/ssh"
)

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr          string
		allow, remote bool
		err           error
	}{
		{"127.0.0.1:2222", false, false, nil},
		{"localhost:2222", false, false, nil},
		{"[::1]:2222", false, false, nil},
		{"0.0.0.0:2222", false, true, ErrRemote},
		{":2222", false, true, ErrRemote},
		{"192.168.1.5:2222", false, true, ErrRemote},
		{"0.0.0.0:2222", true, true, nil},
	} {
		remote, err := CheckAddr(tc.addr, tc.allow)
		if remote != tc.remote || !errors.Is(err, tc.err) {
			t.Errorf("CheckAddr(%q, %v) = %v, %v; want %v, %v", tc.addr, tc.allow, remote, err, tc.remote, tc.err)
		}
	}
	if _, err := CheckAddr("2222", false); err == nil || err.Error() != `address "2222": address 2222: missing port in address` {
		t.Errorf("an address without a port: %v", err)
	}
	for _, bad := range []string{"127.0.0.1:99999", "127.0.0.1:ssh", "127.0.0.1:-1"} {
		_, err := CheckAddr(bad, false)
		if want := "address \"" + bad + "\": the port must be a number from 0 to 65535 (0: any free port)"; err == nil || err.Error() != want {
			t.Errorf("CheckAddr(%q): %v, want %q", bad, err, want)
		}
	}
	_, err := CheckAddr(":2222", false)
	if want := `address ":2222" (every interface) is reachable from other machines: add --allow-remote to serve the room on the network`; err == nil || err.Error() != want {
		t.Errorf("every interface: %v, want %q", err, want)
	}
}

// The host key is made once and the same key is loaded after a restart,
// so that clients' known_hosts stay valid.
func TestHostKeyPersisted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir", "key")
	k1, created, err := HostKey(path)
	if err != nil || !created {
		t.Fatalf("first HostKey: created=%v err=%v", created, err)
	}
	if k1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("key type %s, want ed25519", k1.PublicKey().Type())
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", fi.Mode(), err)
	}
	k2, created, err := HostKey(path)
	if err != nil || created {
		t.Fatalf("second HostKey: created=%v err=%v", created, err)
	}
	if Fingerprint(k1) != Fingerprint(k2) {
		t.Fatal("the host key changed on restart")
	}
	bad := filepath.Join(t.TempDir(), "bad")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	if _, _, err := HostKey(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("a bad key file: %v", err)
	}
}

func TestReadKeys(t *testing.T) {
	dir := t.TempDir()
	pub := string(gossh.MarshalAuthorizedKey(sshTestKey(t).PublicKey()))
	good := filepath.Join(dir, "authorized_keys")
	os.WriteFile(good, []byte("# the room\n\n"+pub+pub), 0o600)
	if keys, err := ReadKeys(good); err != nil || len(keys) != 2 {
		t.Fatalf("ReadKeys: %d keys, %v", len(keys), err)
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte(pub+"ssh-ed25519 notbase64\n"), 0o600)
	if _, err := ReadKeys(bad); err == nil || !strings.Contains(err.Error(), bad+":2:1:") {
		t.Fatalf("a bad line: %v, want file:2:1", err)
	}
	// An instructor who names their private key by mistake is told so,
	// and nothing of the key is echoed.
	priv := filepath.Join(dir, "id_ed25519")
	os.WriteFile(priv, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"), 0o600)
	_, err := ReadKeys(priv)
	if !errors.Is(err, ErrPrivateKey) || err.Error() != priv+":1:1: this is a private key: it stays with its owner; name its public half ("+priv+".pub)" {
		t.Fatalf("a private key: %v", err)
	}
	indented := filepath.Join(dir, "indented")
	os.WriteFile(indented, []byte("  ssh-ed25519 notbase64\n"), 0o600)
	if _, err := ReadKeys(indented); err == nil || !strings.HasPrefix(err.Error(), indented+":1:3: not a public key") {
		t.Fatalf("an indented bad line: %v, want file:1:3", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	if _, err := ReadKeys(empty); err == nil || err.Error() != empty+": no public key in the file" {
		t.Fatalf("a file without keys: %v", err)
	}
}

// RFC 4252 §7 (publickey) and §8 (password): who gets in, and who leads.
func TestSSHAuth(t *testing.T) {
	attendee, lead, stranger := sshTestKey(t), sshTestKey(t), sshTestKey(t)
	srv, addr := sshTestServer(t, Config{Auth: Auth{
		Password:           "room",
		AuthorizedKeys:     []gossh.PublicKey{attendee.PublicKey()},
		InstructorKeys:     []gossh.PublicKey{lead.PublicKey()},
		InstructorPassword: "lead",
	}})
	for _, tc := range []struct {
		name, user string
		auth       gossh.AuthMethod
		ok         bool
	}{
		{"authorized key", "ada", gossh.PublicKeys(attendee), true},
		{"room password", "ada", gossh.Password("room"), true},
		{"instructor key", "any", gossh.PublicKeys(lead), true},
		{"instructor password", InstructorUser, gossh.Password("lead"), true},
		{"unknown key", "ada", gossh.PublicKeys(stranger), false},
		{"wrong password", "ada", gossh.Password("nope"), false},
		{"no auth", "ada", nil, false},
		// The instructor's name takes only the instructor's password: the
		// room's password or key there would pose as the instructor.
		{"room password as instructor", InstructorUser, gossh.Password("room"), false},
		{"attendee key as instructor", InstructorUser, gossh.PublicKeys(attendee), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var auth []gossh.AuthMethod
			if tc.auth != nil {
				auth = append(auth, tc.auth)
			}
			c, err := sshTestTryDial(srv, addr, tc.user, auth...)
			if c != nil {
				c.Close()
			}
			if (err == nil) != tc.ok {
				t.Fatalf("dial: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// Who is the instructor decides what the session's model is told.
func TestSSHInstructorByPassword(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	srv, addr := sshTestServer(t, Config{Auth: Auth{InstructorPassword: "lead"}})
	in := sshTestOpen(t, sshTestDial(t, srv, addr, InstructorUser, gossh.Password("lead")), 100, 30)
	in.waitFor(ctx, "instructor · 0 attendees connected")
	// A password that is not the instructor's in an open room: an attendee.
	a := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.Password("whatever")), 100, 30)
	a.waitFor(ctx, "pick a lesson")
	in.waitFor(ctx, "instructor · 1 attendee connected")
}

// The per-address limit closes a connection over it before the
// handshake; the limit on sessions answers with a line.
func TestSSHLimits(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	srv, addr := sshTestServer(t, Config{MaxPerAddr: 2, MaxSessions: 1})
	c1 := sshTestDial(t, srv, addr, "a")
	c2 := sshTestDial(t, srv, addr, "b")
	if c, err := sshTestTryDial(srv, addr, "c"); err == nil {
		c.Close()
		t.Fatal("a third connection from one address got in (limit 2)")
	}
	first := sshTestOpen(t, c1, 80, 24)
	first.waitFor(ctx, "pick a lesson")
	second := sshTestOpen(t, c2, 80, 24)
	second.waitFor(ctx, "the room is full (1 attendee)")
	var exit *gossh.ExitError
	if err := second.wait(ctx); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("a session over the limit ended with %v, want exit status 1", err)
	}
	c2.Close()
	// c2's slot is free once its connection is gone: a new one gets in.
	// The server may take a moment to see the close, so retry until the
	// deadline rather than sleeping.
	for {
		c, err := sshTestTryDial(srv, addr, "d")
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after a close the address is still at its limit: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Shutdown ends every player and returns.
func TestSSHShutdown(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	srv, addr := sshTestServer(t, Config{})
	term := sshTestOpen(t, sshTestDial(t, srv, addr, "a"), 80, 24)
	term.waitFor(ctx, "pick a lesson")
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	term.wait(ctx)
	term.mu.Lock()
	out := string(term.out)
	term.mu.Unlock()
	sshTestEndsProperly(t, out, msgGoodbye)
	if n := srv.Sessions(); n != 0 {
		t.Fatalf("%d sessions after shutdown", n)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("still listening after shutdown")
	}
}

// The room counts answers per attendee (a second answer replaces the
// first) while an instructor leads, keeps a leaver's, ignores the
// instructor's and those given when no one leads, and sends a late joiner
// where the instructor is.
func TestRoom(t *testing.T) {
	r := NewRoom()
	in := r.Join(Who{User: "teacher", Instructor: true})
	a, b := r.Join(Who{User: "ann"}), r.Join(Who{User: "bob"})
	a.Answer(sshTestAt("login", 1, 1), 1) // no one leads: not the room's
	in.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true)
	a.Answer(sshTestAt("login", 1, 1), 2)
	a.Answer(sshTestAt("login", 1, 1), 3)
	b.Answer(sshTestAt("login", 1, 1), 3)
	in.Answer(sshTestAt("login", 1, 1), 1)
	if st := in.Status(tui.FollowMsg{Scenario: "login", Step: 1}); st.Attendees != 2 || len(st.Answers) != 3 || st.Answers[2] != 2 || st.Answers[0] != 0 {
		t.Fatalf("status %+v, want 2 attendees, option 3 twice", st)
	}
	b.Leave()
	if st := in.Status(tui.FollowMsg{Scenario: "login", Step: 1}); st.Attendees != 1 || st.Answers[2] != 2 {
		t.Fatalf("after a leave: %+v, want 1 attendee and the leaver's answer kept", st)
	}
	in.Push(tui.FollowMsg{Scenario: "logout", Step: 4}, true)
	late := r.Join(Who{User: "cy"})
	var got []tea.Msg
	ctx, cancel := context.WithCancel(t.Context())
	go late.Deliver(ctx, func(m tea.Msg) {
		got = append(got, m)
		cancel()
	})
	<-ctx.Done()
	if len(got) != 1 || got[0] != (tui.FollowMsg{Scenario: "logout", Step: 4, Run: 2}) {
		t.Fatalf("a late joiner got %v, want the instructor's step", got)
	}
	a.Lead(tui.FollowMsg{Scenario: "login", Step: 1}, true) // an attendee cannot lead
	if st := in.Status(tui.FollowMsg{}); !st.Leading {
		t.Fatal("the room stopped being led")
	}
	in.Release()
	if st := in.Status(tui.FollowMsg{}); st.Leading {
		t.Fatal("the room is still led after a release")
	}
}

// sshTestNext is the next message delivered to m.
func sshTestNext(t *testing.T, m *Member) tea.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, done := make(chan tea.Msg, 1), make(chan struct{})
	// Deliver has returned when sshTestNext does: a later message must
	// not go to this call's callback.
	defer func() { <-done }()
	go func() {
		defer close(done)
		m.Deliver(ctx, func(msg tea.Msg) {
			if _, ok := msg.(tui.RoomChangedMsg); ok {
				return
			}
			select {
			case got <- msg:
			default:
			}
			cancel()
		})
	}()
	select {
	case msg := <-got:
		return msg
	case <-ctx.Done():
		// The callback cancels ctx right after it hands a message over:
		// both cases are then ready and select picks either.
		select {
		case msg := <-got:
			return msg
		default:
		}
		t.Fatal("nothing was delivered")
		return nil
	}
}

// When the instructor who leads leaves, the room is released and the
// attendees are told the instructor left; another instructor's leaving
// releases nothing.
func TestRoomLeaderLeaves(t *testing.T) {
	r := NewRoom()
	lead, other := r.Join(Who{User: "teacher", Instructor: true}), r.Join(Who{User: "tess", Instructor: true})
	a := r.Join(Who{User: "ann"})
	lead.Lead(tui.FollowMsg{Scenario: "login", Step: 2}, true)
	if msg := sshTestNext(t, a); msg != (tui.FollowMsg{Scenario: "login", Step: 2, Run: 1}) {
		t.Fatalf("the attendee got %v, want the step", msg)
	}
	other.Leave()
	if !a.Status(tui.FollowMsg{}).Leading {
		t.Fatal("another instructor's leaving released the room")
	}
	lead.Leave()
	if st := a.Status(tui.FollowMsg{}); st.Leading {
		t.Fatal("the room is still led after its instructor left")
	}
	if msg := sshTestNext(t, a); msg != (tui.ReleaseMsg{LeaderLeft: true}) {
		t.Fatalf("the attendee got %v, want a release saying the instructor left", msg)
	}
	back := r.Join(Who{User: "teacher", Instructor: true}) // the instructor reconnects
	if back.Status(tui.FollowMsg{}).Leading {
		t.Fatal("the reconnected instructor finds the room led")
	}
}

// sshTestAt is a lesson's step as an answer gives it, in a run.
func sshTestAt(scenario string, step, run int) tui.FollowMsg {
	return tui.FollowMsg{Scenario: scenario, Step: step, Run: run}
}

// A room where nobody can be an instructor (no instructor key or password)
// keeps no place for one: with two sessions and one "kept", both go to
// attendees.
func TestSSHNoInstructorKeepsNoPlace(t *testing.T) {
	ctx := sshTestCtx(t, 30*time.Second)
	srv, addr := sshTestServer(t, Config{MaxSessions: 2, InstructorSlots: 1})
	for _, user := range []string{"ada", "bob"} {
		sshTestOpen(t, sshTestDial(t, srv, addr, user), 80, 24).waitFor(ctx, "pick a lesson")
	}
}
