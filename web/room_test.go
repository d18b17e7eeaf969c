package web

import (
	"net/http/httptest"
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
	room := workshop.NewRoom()
	s := New(Config{Catalogue: cat, Run: scenarios.Options{Seed: 1}, Room: room, Logf: t.Logf})
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
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
