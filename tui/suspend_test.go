package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// ctrl+z's suspend becomes a resume; every other message passes.
func TestNoSuspend(t *testing.T) {
	if _, ok := NoSuspend(nil, tea.SuspendMsg{}).(tea.ResumeMsg); !ok {
		t.Fatal("a suspend was let through")
	}
	key := tea.KeyPressMsg{Code: 'z', Mod: tea.ModCtrl}
	if got := NoSuspend(nil, key); got != key {
		t.Fatalf("a key became %#v", got)
	}
}
