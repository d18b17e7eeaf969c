package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
)

// The picker does not lay its list out again at the size it has (the
// root re-lays every screen out on each workshop step, the picker behind
// a lesson included), and still does at a new size.
func TestPickerSetSizeSameSize(t *testing.T) {
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t)}, 100, 30)
	a.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.send(tea.WindowSizeMsg{Width: 100, Height: 20})
	a.w, a.h = 100, 20
	if want := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t)}, 100, 20).view(); a.view() != want {
		t.Fatalf("resized to 100×20:\n%s\nwant:\n%s", a.view(), want)
	}
}
