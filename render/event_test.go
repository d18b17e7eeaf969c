package render

import (
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim"
)

func TestAccount(t *testing.T) {
	for _, c := range []struct {
		e    sim.Event
		want string
	}{
		{sim.Event{Reason: "the token was replayed", Summary: "family f1 revoked"}, "the token was replayed; family f1 revoked"},
		{sim.Event{Summary: "family f1 revoked"}, "family f1 revoked"},
		{sim.Event{Reason: "the token was replayed"}, "the token was replayed"},
		{sim.Event{}, ""},
	} {
		if got := Account(c.e); got != c.want {
			t.Errorf("Account(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}

// TestLogLine: serve's live log line, for an exchange and a state change.
func TestLogLine(t *testing.T) {
	at := time.Date(2026, 1, 15, 9, 5, 7, 0, time.UTC)
	for _, c := range []struct {
		e    sim.Event
		want string
	}{
		{sim.Event{Time: at, Kind: sim.KindExchange, From: sim.ActorApp, To: sim.ActorAS, Method: "POST", Path: "/token", Status: 400, Error: "invalid_grant",
			Reason: "the refresh token was already used", Token: "rt-2", Family: "f1"},
			"09:05:07  app  → as   POST /token 400  invalid_grant  [rt-2 f1]  - the refresh token was already used"},
		{sim.Event{Time: at, Kind: sim.KindExchange, From: sim.ActorApp, To: sim.ActorAPI, Method: "GET", Path: "/api/orders", Status: 200},
			"09:05:07  app  → api  GET /api/orders 200"},
		{sim.Event{Time: at.In(time.FixedZone("CET", 3600)), Kind: sim.KindFamilyRevoked, Family: "f1", Summary: "every token of family f1 is revoked"},
			"09:05:07  family.revoked  [f1]  - every token of family f1 is revoked"},
	} {
		if got := LogLine(c.e); got != c.want {
			t.Errorf("LogLine =\n%q\nwant\n%q", got, c.want)
		}
	}
}

// TestEventJSON: every field of the event lands in its JSON form, with
// its context.
func TestEventJSON(t *testing.T) {
	e := sim.Event{Seq: 4, Time: sim.Epoch(), Kind: sim.KindExchange, From: sim.ActorApp, To: sim.ActorAS, Method: "POST", Path: "/token",
		Status: 400, Error: "invalid_grant", Reason: "r", Token: "rt-1", Family: "f1", Summary: "s"}
	j := EventJSON("serve", 0, e)
	if j.Scenario != "serve" || j.Step != 0 || j.Seq != 4 || !j.Time.Equal(e.Time) || j.Kind != "exchange" || j.From != "app" || j.To != "as" ||
		j.Method != "POST" || j.Path != "/token" || j.Status != 400 || j.Error != "invalid_grant" || j.Reason != "r" ||
		j.Token != "rt-1" || j.Family != "f1" || j.Summary != "s" {
		t.Errorf("EventJSON = %+v", j)
	}
}
