package workshop

import (
	"fmt"
	"testing"
)

// The display names a room remembers are bounded (Config.KeptWorlds on a
// server): a flood of user names setting names keeps the newest, and a
// member whose name was dropped shows their user name.
func TestRoomNamesBounded(t *testing.T) {
	r := NewRoom()
	r.keepNames(2)
	ada := r.Join(Who{User: "ada"})
	ada.SetName("Ada L.")
	for i := range 50 {
		m := r.Join(Who{User: fmt.Sprintf("u%d", i)})
		m.SetName(fmt.Sprintf("name %d", i))
		m.Leave()
	}
	r.mu.Lock()
	n := r.names.len()
	r.mu.Unlock()
	if n != 2 {
		t.Fatalf("%d display names kept, want 2", n)
	}
	if got := ada.Name(); got != "ada" {
		t.Errorf("the oldest name was not dropped: %q", got)
	}
	last := r.Join(Who{User: "u49"})
	if got := last.Name(); got != "name 49" {
		t.Errorf("the newest name was dropped: %q", got)
	}
}
