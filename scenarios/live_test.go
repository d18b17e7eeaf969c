package scenarios

import "testing"

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
