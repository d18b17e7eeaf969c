package tui

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// perfTestFooter is the model's footer drawn without the memo: what the
// remembered footer must always equal.
func perfTestFooter(m Model) string {
	m.footers = nil
	return m.footer()
}

// TestFooterMemoFollowsWhatItShows: the remembered footer is redrawn
// whenever what it shows changes: a key disabled, the full help, the
// width, an error, the background (the styles are rebuilt in place).
func TestFooterMemoFollowsWhatItShows(t *testing.T) {
	m0, err := New(Options{Catalogue: nil})
	if err != nil {
		t.Fatal(err)
	}
	next, _ := m0.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m := next.(Model)
	check := func(what string, before string) string {
		t.Helper()
		got, want := m.footer(), perfTestFooter(m)
		if got != want {
			t.Fatalf("%s: remembered footer\n%q\nwant\n%q", what, got, want)
		}
		if got == before {
			t.Fatalf("%s: the footer did not change: %q", what, got)
		}
		return got
	}
	f := check("first", "")
	if !strings.Contains(ansi.Strip(f), "sandbox") {
		t.Fatalf("picker footer without sandbox: %q", ansi.Strip(f))
	}
	if again := m.footer(); again != f {
		t.Fatalf("unchanged footer drawn differently: %q, then %q", f, again)
	}
	m.keys.Picker.Sandbox.SetEnabled(false)
	f = check("sandbox key disabled", f)
	m.keys.Picker.Sandbox.SetEnabled(true)
	m.help.ShowAll = true
	f = check("full help", f)
	m.help.ShowAll = false
	m.help.SetWidth(30)
	f = check("narrower", f)
	m.help.SetWidth(100)
	m.err = "something went wrong"
	f = check("an error", f)
	m.err = ""
	f = check("error gone", f)
	next, _ = m.Update(tea.BackgroundColorMsg{Color: color.White})
	m = next.(Model)
	check("light background", f)
}
