package workshop

import (
	"context"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// sshTestLimit records the soft memory limits a server sets.
type sshTestLimit struct {
	mu   sync.Mutex
	last int64
	set  chan int64
}

func newSSHTestLimit() *sshTestLimit { return &sshTestLimit{last: 1 << 40, set: make(chan int64, 64)} }

func (l *sshTestLimit) setLimit(n int64) int64 {
	l.mu.Lock()
	prev := l.last
	l.last = n
	l.mu.Unlock()
	l.set <- n
	return prev
}

// until waits for the limit to be set to want.
func (l *sshTestLimit) until(ctx context.Context, t *testing.T, what string, want int64) {
	t.Helper()
	for {
		select {
		case got := <-l.set:
			if got == want {
				return
			}
		case <-ctx.Done():
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("%s: the limit is %d, want %d (%+d)", what, l.last, want, want-l.last)
		}
	}
}

// The memory budget follows the room: a session at its window's size, a
// resize, a departed world kept for its reconnect and taken back, and the
// limit the server found restored at shutdown.
func TestMemoryBudgetFollowsTheRoom(t *testing.T) {
	ctx := sshTestCtx(t, 60*time.Second)
	lim := newSSHTestLimit()
	log := newSSHTestLog()
	key := sshTestKey(t)
	srv, addr := sshTestServer(t, Config{MemoryBudget: true, setMemoryLimit: lim.setLimit, Logf: log.logf,
		Auth: Auth{AuthorizedKeys: []gossh.PublicKey{key.PublicKey()}}})
	base := srv.budget.base
	lim.until(ctx, t, "at start", base)

	c := sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(key))
	ada := sshTestOpen(t, c, 100, 30)
	ada.waitFor(ctx, "pick a lesson")
	lim.until(ctx, t, "a session at 100×30", base+budgetSession+screenBudget(100, 30))
	ada.resize(200, 60)
	lim.until(ctx, t, "resized to 200×60", base+budgetSession+screenBudget(200, 60))
	c.Close() // the network drops: the world is kept
	log.waitFor(ctx, t, `^attendee "ada" from .* left after .*: connection lost$`)
	lim.until(ctx, t, "a world kept", base+budgetWorld)

	back := sshTestOpen(t, sshTestDial(t, srv, addr, "ada", gossh.PublicKeys(key)), 80, 24)
	back.waitFor(ctx, "pick a lesson")
	lim.until(ctx, t, "the world taken back by a session at 80×24", base+budgetSession+screenBudget(80, 24))
	back.press("q")
	back.wait(ctx)
	lim.until(ctx, t, "quit: nothing kept", base)

	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	lim.until(ctx, t, "shut down: the limit found", 1<<40)
}

// The budget of a screen is Bubble Tea's two cell buffers: at 120×40
// about 1.08 MB (BenchmarkRSSPerActiveSession's heap profile).
func TestScreenBudget(t *testing.T) {
	if got := screenBudget(120, 40); got < 1<<20 || got > 1200<<10 {
		t.Fatalf("screenBudget(120, 40) = %d bytes, want about 1.08 MB", got)
	}
}
