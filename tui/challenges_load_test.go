package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// TestChallengesLoadAfterFirstFrame: New does not load the built-in
// challenges (loading plays each one's setup, which doubled the time to
// the first frame); Init brings them in a command whose message fills the
// picker, and C loads them itself when it comes first.
func TestChallengesLoadAfterFirstFrame(t *testing.T) {
	calls := 0
	load := func() ([]*scenarios.Challenge, error) { calls++; return scenarios.Challenges() }
	m, err := New(Options{Catalogue: tuitest.Catalogue(t)})
	if err != nil {
		t.Fatal(err)
	}
	m.picker.loadChallenges = load
	if m.picker.challenges != nil || calls != 0 {
		t.Fatal("New loaded the challenges before the first frame")
	}
	var got *challengesMsg
	var walk func(cmd tea.Cmd)
	walk = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				walk(c)
			}
		case challengesMsg:
			got = &msg
		}
	}
	walk(m.Init())
	if got == nil || calls != 1 {
		t.Fatalf("Init's commands brought no challenges (%d loads)", calls)
	}
	next, _ := m.Update(*got)
	if n := len(next.(Model).picker.challenges); n == 0 {
		t.Fatal("the challenges message left the picker without challenges")
	}

	// C before the message: the picker loads them itself.
	a := btPicker(t, 80, 24)
	a.root().picker.loadChallenges = load
	a.press("C")
	if !a.root().picker.showChallenges || len(a.root().picker.challenges) == 0 || calls != 2 {
		t.Fatalf("C did not list the challenges (%d loads):\n%s", calls, a.text())
	}
}
