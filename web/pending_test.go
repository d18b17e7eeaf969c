package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/workshop"
)

// Sockets that never start a player count against the room's pending
// limits, as SSH connections that never log in do: one address holds at
// most MaxPendingPerAddr, the next is refused with 503 before the
// upgrade, and a socket whose player started gives its place back
// (review 18: they were unlimited).
func TestPendingSocketsBounded(t *testing.T) {
	ctx := testCtx(t)
	lim := workshop.DefaultLoginLimits()
	lim.MaxPendingPerAddr = 3
	_, _, hs := doorServer(t, workshop.Config{Login: lim}, false)
	var conns []*websocket.Conn
	for range lim.MaxPendingPerAddr {
		c, resp, err := dialAs(ctx, hs, nil, "")
		if err != nil {
			t.Fatalf("dial: %v (%v)", err, resp)
		}
		defer c.CloseNow()
		conns = append(conns, c)
	}
	c, resp, err := dialAs(ctx, hs, nil, "")
	if err == nil {
		c.CloseNow()
		t.Fatalf("a socket beyond %d pending from one address was let in", lim.MaxPendingPerAddr)
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("the socket beyond the limit: %v (%v), want 503", err, resp)
	}
	// One starts its player: its place is free again.
	send(t, ctx, conns[0], map[string]any{"type": "resize", "cols": 80, "rows": 24})
	p := &page{}
	p.until(t, ctx, conns[0], "pick a lesson")
	c, resp, err = dialAs(ctx, hs, nil, "")
	if err != nil {
		t.Fatalf("a socket after one started its player: %v (%v)", err, resp)
	}
	c.CloseNow()
}

// Pending sockets through the web door and SSH connections share the
// room's counters (one rule for the room): the door's places held by
// Pending are the SSH door's too.
func TestPendingSharedWithTheRoom(t *testing.T) {
	lim := workshop.DefaultLoginLimits()
	lim.MaxPending = 2
	d, err := workshop.NewDoor(workshop.Config{Login: lim})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := d.Pending("10.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := d.Pending("10.0.0.2:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Pending("10.0.0.3:1"); err == nil || !strings.Contains(err.Error(), "too many connections waiting") {
		t.Fatalf("a third pending connection: %v", err)
	}
	r1()
	r1() // once, however often
	if _, err := d.Pending("10.0.0.3:1"); err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := d.Pending("10.0.0.4:1"); err == nil {
		t.Fatal("a double release gave two places back")
	}
	r2()
}

// A socket's time to say its size is the room's login timeout (tokensim
// ssh --login-timeout), not a web door's own (review 18).
func TestFirstWaitIsTheRoomsLoginTimeout(t *testing.T) {
	lim := workshop.DefaultLoginLimits()
	lim.Timeout = 2 * time.Second
	_, s, _ := doorServer(t, workshop.Config{Login: lim}, false)
	if s.firstWait != lim.Timeout {
		t.Fatalf("firstWait %s, the room's login timeout %s", s.firstWait, lim.Timeout)
	}
	lim.Timeout = 0 // no limit: a socket is not closed at once
	_, s, hs := doorServer(t, workshop.Config{Login: lim}, false)
	if s.firstWait != 0 {
		t.Fatalf("firstWait %s with no login timeout", s.firstWait)
	}
	ctx := testCtx(t)
	c, _ := open(t, ctx, hs, nil)
	p := &page{}
	p.until(t, ctx, c, "pick a lesson")
}

// A page's size is clamped by the room's one rule (workshop.ClampSize:
// the SSH door's bound), and never below one cell (the emulator's floor).
func TestPageSizeClampedByTheRoomsRule(t *testing.T) {
	w, h := clampSize(1<<30, 1<<30)
	if ww, wh := workshop.ClampSize(1<<30, 1<<30); w != ww || h != wh {
		t.Fatalf("a huge page is %d×%d, the room's bound %d×%d", w, h, ww, wh)
	}
	if w, h := clampSize(-5, 0); w != 1 || h != 1 {
		t.Fatalf("a page of -5×0 is %d×%d, want 1×1", w, h)
	}
}
