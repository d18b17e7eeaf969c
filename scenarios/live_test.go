package scenarios

import (
	"reflect"
	"testing"
)

// TestLive drives a sandbox session: steps accumulate with their outcomes,
// bad actions and parameters are refused without touching the world.
func TestLive(t *testing.T) {
	l, err := NewLive("", "", "", Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mustDo := func(action string, p map[string]string) StepResult {
		t.Helper()
		r, err := l.Do(action, p)
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		return r
	}
	if r := mustDo("login", nil); r.Outcome.Status != 200 || r.Index != 1 {
		t.Fatalf("login: %+v", r)
	}
	mustDo("steal", map[string]string{"from": "script-injection", "token": "refresh"})
	mustDo("advance", map[string]string{"until": "access-expiry"})
	if r := mustDo("attacker.refresh", nil); r.Outcome.Status != 200 {
		t.Fatalf("attacker refresh: %+v", r.Outcome)
	}
	r := mustDo("call", map[string]string{"path": "/api/orders"})
	if r.Outcome.Error != "invalid_grant" || r.Step.Title != "the app calls GET /api/orders" {
		t.Fatalf("victim call after the theft: %+v %q", r.Outcome, r.Step.Title)
	}
	if len(l.Steps) != 5 || l.Steps[4].Snapshot.LoggedIn {
		t.Fatalf("want 5 steps ending logged out, got %d", len(l.Steps))
	}
	n := l.World.Log().Len()
	for _, bad := range []struct {
		action string
		p      map[string]string
	}{
		{"lgoin", nil},
		{"advance", map[string]string{"by": "soon"}},
		{"steal", map[string]string{"from": "moon", "token": "access"}},
		{"call", nil},
		{"call", map[string]string{"path": "/x", "colour": "red"}},
		{"set", map[string]string{"key": "rotation", "value": "maybe"}},
	} {
		if _, err := l.Do(bad.action, bad.p); err == nil {
			t.Errorf("%s %v was accepted", bad.action, bad.p)
		}
	}
	if l.World.Log().Len() != n || len(l.Steps) != 5 {
		t.Error("a refused action changed the world")
	}
}

// TestLiveBranch: a branch replays the first n steps on a fresh world and
// goes on from there. The replayed steps are the steps they replay, event
// for event and snapshot for snapshot (a world is deterministic), the
// branch's world is the world after step n, the steps after n are not in
// it, and the live it came from is unchanged.
func TestLiveBranch(t *testing.T) {
	l, err := NewLive("", "", "", Options{Preset: "okta", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	acts := []struct {
		action string
		p      map[string]string
	}{
		{"login", nil},
		{"steal", map[string]string{"from": "script-injection", "token": "refresh"}},
		{"advance", map[string]string{"by": "2h"}},
		{"attacker.refresh", nil},
		{"refresh", nil},
		{"call", map[string]string{"path": "/api/orders"}},
	}
	for _, a := range acts {
		if _, err := l.Do(a.action, a.p); err != nil {
			t.Fatalf("%s: %v", a.action, err)
		}
	}
	before := l.World.Log().Len()
	for n := 0; n <= len(acts); n++ {
		b, err := l.Branch(n)
		if err != nil {
			t.Fatalf("branch %d: %v", n, err)
		}
		if len(b.Steps) != n || b.Preset != "okta" {
			t.Fatalf("branch %d: %d steps, preset %q", n, len(b.Steps), b.Preset)
		}
		for i := range n {
			got, want := b.Steps[i], l.Steps[i]
			if !reflect.DeepEqual(got.Events, want.Events) || !reflect.DeepEqual(got.Snapshot, want.Snapshot) || got.Outcome != want.Outcome || got.Index != want.Index {
				t.Fatalf("branch %d: step %d replays differently:\n got %+v\nwant %+v", n, i+1, got.Outcome, want.Outcome)
			}
		}
		want := l.Initial
		if n > 0 {
			want = l.Steps[n-1].Snapshot
		}
		if got := b.World.Inspect(); !reflect.DeepEqual(got, want) {
			t.Fatalf("branch %d: the world is not the world after step %d:\n got %+v\nwant %+v", n, n, got, want)
		}
	}
	// Going on from step 3 (the refresh token stolen, two hours later),
	// the victim refreshes first: under okta's rotation the attacker's
	// replay of the old token, past the 30 s grace, is then reuse, where
	// in l it was the first use.
	b, err := l.Branch(3)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts[4:5] {
		if _, err := b.Do(a.action, a.p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Do("advance", map[string]string{"by": "1m"}); err != nil {
		t.Fatal(err)
	}
	r, err := b.Do("attacker.refresh", nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Index != 6 || r.Outcome.OK() || !l.Steps[3].Outcome.OK() {
		t.Errorf("branch: attacker refresh step %d %+v; in the original %+v", r.Index, r.Outcome, l.Steps[3].Outcome)
	}
	if len(l.Steps) != len(acts) || l.World.Log().Len() != before {
		t.Error("branching changed the live it came from")
	}
	if _, err := l.Branch(len(acts) + 1); err == nil {
		t.Error("a branch beyond the last step was made")
	}
}
