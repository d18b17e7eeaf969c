package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// TestMenuBeyondNine: the what-if preset menu lists every preset of the
// engine (thirteen since issue 12 added entra, cognito, dex, duende and
// node-oidc-provider). Every choice has a key (issue 14 §4): a page shows
// nine, numbered 1 to 9, and PgDn shows the rest, numbered from 1 again.
func TestMenuBeyondNine(t *testing.T) {
	picked := ""
	m := &menu{title: "Preset"}
	for _, p := range sim.Presets() {
		m.choices = append(m.choices, choice{label: p.Name, pick: func() tea.Cmd { picked = p.Name; return nil }})
	}
	if len(m.choices) <= 9 {
		t.Fatal("fewer than ten presets: this test guards nothing")
	}
	keys := DefaultKeyMap()
	m.keys = &keys
	view := ansi.Strip(m.view(NewStyles(true), 80, 0))
	if !strings.Contains(view, "9. "+m.choices[8].label) || strings.Contains(view, "10.") || strings.Contains(view, m.choices[9].label) {
		t.Errorf("the first page:\n%s", view)
	}
	if !strings.Contains(view, "(page 1 of 2)") || !strings.Contains(view, "PgDn") {
		t.Errorf("the first page does not say there is another:\n%s", view)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
	view = ansi.Strip(m.view(NewStyles(true), 80, 0))
	for i, c := range m.choices[9:] {
		if !strings.Contains(view, fmt.Sprintf("%d. %s", i+1, c.label)) {
			t.Errorf("%s is not shown as %d on the second page:\n%s", c.label, i+1, view)
		}
	}
	m.Update(tea.KeyPressMsg{Code: '9', Text: "9"})
	if m.closed() || !strings.Contains(ansi.Strip(m.View()), fmt.Sprintf("no choice 9: press 1–%d", len(m.choices)-9)) {
		t.Fatalf("9 on a page of %d: closed %v\n%s", len(m.choices)-9, m.closed(), ansi.Strip(m.View()))
	}
	m.Update(tea.KeyPressMsg{Code: '2', Text: "2"})
	if !m.closed() || picked != m.choices[10].label {
		t.Fatalf("2 on the second page picked %q (closed %v), want %q", picked, m.closed(), m.choices[10].label)
	}
	// The arrows and enter reach every choice too, across pages.
	m.done, picked, m.sel = false, "", 0
	m.Update(tea.KeyPressMsg{Code: tea.KeyUp})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if !m.closed() || picked != sim.Presets()[len(sim.Presets())-1].Name {
		t.Fatalf("up, enter picked %q (closed %v)", picked, m.closed())
	}
}

// TestServerTabRefreshWords: issue 12 section 4. The Server tab's policy
// line says the refresh token this lesson's app gets, in the engine's
// words: none for spring's single-page app (no lifetime shown for a token
// that is not issued), the web app's 60 min, and Keycloak's offline token.
func TestServerTabRefreshWords(t *testing.T) {
	for _, c := range []struct{ lesson, preset, want, not string }{
		{"presets", "spring", "refresh token: none ·", "1h"},
		{"presets", "google", "refresh token: none ·", "183d"},
		{"presets", "keycloak", "refresh token: offline token: 30d idle, no maximum; without offline_access: 10h absolute, 30m idle", ""},
		{"presets", "entra", "a new refresh token each use; the old one stays valid", ""},
	} {
		sc := tuitest.Lookup(t, c.lesson)
		r, err := scenarios.Execute(sc, scenarios.Options{Preset: c.preset, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		tl := newTimeline(r)
		out := strings.Join(strings.Fields(ansi.Strip(serverTab(&tl, NewStyles(true), 400))), " ")
		if !strings.Contains(out, c.want) || (c.not != "" && strings.Contains(out, "refresh token: "+c.not)) {
			t.Errorf("%s under %s: %s", c.lesson, c.preset, out)
		}
	}
}
