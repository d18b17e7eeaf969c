package web

import (
	"context"
	"net/http/httptest"

	"github.com/coder/websocket"
	"testing"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/workshop"
)

// A web visitor is an attendee of the room the server was given: an
// instructor of that room (as an SSH session joins it) broadcasts, and
// the page shows it.
func TestVisitorJoinsTheGivenRoom(t *testing.T) {
	ctx := testCtx(t)
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	door, err := workshop.NewDoor(workshop.Config{Catalogue: cat, Run: scenarios.Options{Seed: 1}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	room := door.Room()
	s := New(Config{Door: door, Logf: t.Logf})
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		_ = door.Shutdown(context.Background())
		s.Close()
		hs.Close()
	})
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 100, "rows": 30})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	lead := room.Join(workshop.Who{User: "instructor", Credential: "password", Instructor: true})
	defer lead.Leave()
	lead.Broadcast("hello from the front")
	p.until(t, ctx, c, "hello from the front")
	var web int
	for _, a := range lead.Attendees() {
		if a.Name == "web-1" {
			web++
		}
	}
	if web != 1 {
		t.Fatalf("the instructor's list of attendees %+v, want web-1 once", lead.Attendees())
	}
}

// A page that closes its socket ends its player and leaves the room.
func TestClosedPageLeavesTheRoom(t *testing.T) {
	ctx := testCtx(t)
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	door, err := workshop.NewDoor(workshop.Config{Catalogue: cat, Run: scenarios.Options{Seed: 1}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	room := door.Room()
	s := New(Config{Door: door, Logf: t.Logf})
	left := make(chan string, 1)
	s.left = func(_ workshop.Who, why string) { left <- why }
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		_ = door.Shutdown(context.Background())
		s.Close()
		hs.Close()
	})
	c := dial(t, ctx, hs)
	send(t, ctx, c, map[string]any{"type": "resize", "cols": 80, "rows": 24})
	var p page
	p.until(t, ctx, c, "tokensim — pick a lesson")
	lead := room.Join(workshop.Who{User: "instructor", Credential: "password", Instructor: true})
	defer lead.Leave()
	if n := len(lead.Attendees()); n != 1 {
		t.Fatalf("%d attendees before the page closed, want 1", n)
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	select {
	case why := <-left:
		if why != "the page closed" {
			t.Fatalf("left: %q", why)
		}
	case <-ctx.Done():
		t.Fatal("the session did not end after its page closed")
	}
	if a := lead.Attendees(); len(a) != 0 {
		t.Fatalf("attendees after the page closed: %+v", a)
	}
}
