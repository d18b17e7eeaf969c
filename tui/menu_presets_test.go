package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/sim"
)

// TestMenuBeyondNine: the what-if preset menu lists every preset of the
// engine (thirteen since issue 12 added entra, cognito, dex, duende and
// node-oidc-provider). Only choices 1 to 9 have a key, so the later ones
// show no number that typing could not choose, and the arrows and enter
// reach them.
func TestMenuBeyondNine(t *testing.T) {
	picked := ""
	m := &menu{title: "Preset"}
	for _, p := range sim.Presets() {
		m.choices = append(m.choices, choice{label: p.Name, pick: func() tea.Cmd { picked = p.Name; return nil }})
	}
	if len(m.choices) <= 9 {
		t.Fatal("fewer than ten presets: this test guards nothing")
	}
	view := ansi.Strip(m.view(NewStyles(true), 80, 0))
	if !strings.Contains(view, "9. "+m.choices[8].label) || strings.Contains(view, "10.") {
		t.Errorf("numbers in the menu:\n%s", view)
	}
	for _, c := range m.choices[9:] {
		if !strings.Contains(view, c.label) {
			t.Errorf("%s is not shown:\n%s", c.label, view)
		}
	}
	keys := DefaultKeyMap()
	m, _, _ = m.update(tea.KeyPressMsg{Code: tea.KeyUp}, &keys)
	if _, res, _ := m.update(tea.KeyPressMsg{Code: tea.KeyEnter}, &keys); res != menuPicked || picked != sim.Presets()[len(sim.Presets())-1].Name {
		t.Fatalf("up, enter picked %q (%v)", picked, res)
	}
}
