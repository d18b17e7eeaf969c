package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLifeClockAdvance: the virtual clock starts at Epoch(), moves only when
// told, never backwards, and World.Advance records each jump.
func TestLifeClockAdvance(t *testing.T) {
	c := newClock(Epoch())
	if !c.Now().Equal(Epoch()) {
		t.Fatalf("start %s", c.Now())
	}
	if err := c.Advance(-time.Nanosecond); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("Advance(-1ns) = %v", err)
	}
	if err := c.Advance(0); err != nil || !c.Now().Equal(Epoch()) {
		t.Fatalf("Advance(0): %v, %s", err, c.Now())
	}
	if err := c.Advance(90 * time.Minute); err != nil || c.Elapsed(Epoch()) != 90*time.Minute {
		t.Fatalf("Advance(90m): %v, elapsed %s", err, c.Elapsed(Epoch()))
	}

	w := lifeWorld(t, "")
	n := w.Log().Len()
	if err := w.Advance(-time.Second); err == nil {
		t.Fatal("World.Advance(-1s) accepted")
	}
	if w.Log().Len() != n || !w.Clock().Now().Equal(Epoch()) {
		t.Fatal("a refused Advance moved the clock or logged a jump")
	}
	lifeAdvance(t, w, 26*time.Hour+5*time.Second)
	ev := lifeEvents(w, n, KindClock)
	if len(ev) != 1 || ev[0].Summary != "+26h5s: now Jan 16 11:00:05" || !ev[0].Time.Equal(Epoch().Add(26*time.Hour+5*time.Second)) {
		t.Fatalf("clock event: %+v", ev)
	}
	// Two worlds have two clocks.
	if other := lifeWorld(t, ""); !other.Clock().Now().Equal(Epoch()) {
		t.Fatal("worlds share a clock")
	}
}

// TestLifeEventsCarryVirtualTime: every event is stamped with the virtual
// time at which it happened, sequence numbers count up from 1, and tokens
// carry the virtual iat/exp (RFC 7519 §4.1.4, §4.1.6).
func TestLifeEventsCarryVirtualTime(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	loginEnd := w.Log().Len()
	lifeAdvance(t, w, 3*time.Hour)
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	lifeAdvance(t, w, 2*day)
	lifeOK(t, "refresh", w.App().Refresh(), http.StatusOK)

	evs := w.Log().Events()
	for i, e := range evs {
		if e.Seq != i+1 {
			t.Fatalf("event %d has seq %d", i+1, e.Seq)
		}
		if i > 0 && e.Time.Before(evs[i-1].Time) {
			t.Fatalf("event %d is earlier than event %d", e.Seq, e.Seq-1)
		}
		var want time.Time
		switch {
		case i < loginEnd:
			want = Epoch()
		case e.Kind == KindClock && strings.HasPrefix(e.Summary, "+3h"):
			want = Epoch().Add(3 * time.Hour)
		case e.Time.Before(Epoch().Add(2 * day)):
			want = Epoch().Add(3 * time.Hour)
		default:
			want = Epoch().Add(2*day + 3*time.Hour)
		}
		if !e.Time.Equal(want) {
			t.Fatalf("event %d (%s %s) at %s, want %s", e.Seq, e.Kind, e.Summary, e.Time, want)
		}
	}
	// The refresh happened at the virtual time, and the token says so.
	f := lifeFamily(t, w, "f-1")
	last := f.Access[len(f.Access)-1]
	if want := Epoch().Add(2*day + 3*time.Hour + 15*time.Minute); !last.ExpiresAt.Equal(want) {
		t.Fatalf("newest access token expires %s, want %s", last.ExpiresAt, want)
	}
	// The call at +3h found the token expired and refreshed first (rt-2).
	if r := lifeRT(t, f, "rt-2"); !r.IssuedAt.Equal(Epoch().Add(3*time.Hour)) || !r.ChangedAt.Equal(Epoch().Add(2*day+3*time.Hour)) {
		t.Fatalf("rt-2 issued %s, rotated %s", r.IssuedAt, r.ChangedAt)
	}
	if r := lifeRT(t, f, "rt-3"); !r.IssuedAt.Equal(Epoch().Add(2*day + 3*time.Hour)) {
		t.Fatalf("rt-3 issued %s", r.IssuedAt)
	}
	at := lifeView(t, w.Inspect(), ActorApp, "access")
	if iat, _ := at.Claims["iat"].(float64); int64(iat) != Epoch().Add(2*day+3*time.Hour).Unix() {
		t.Fatalf("iat claim %v", at.Claims["iat"])
	}
	// Since and Events are copies.
	cp := w.Log().Events()
	cp[0].Summary = "edited"
	if w.Log().Events()[0].Summary == "edited" {
		t.Fatal("Events returned the log itself")
	}
	if got := w.Log().Since(len(evs)); len(got) != 0 {
		t.Fatalf("Since(len) = %d events", len(got))
	}
}
