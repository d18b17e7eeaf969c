package tui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
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

// ftHints is every "key desc" the help of km can show, short and full.
func ftHints(km interface {
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}) map[string]bool {
	out := map[string]bool{}
	add := func(b key.Binding) { out[b.Help().Key+" "+b.Help().Desc] = true }
	for _, b := range km.ShortHelp() {
		add(b)
	}
	for _, g := range km.FullHelp() {
		for _, b := range g {
			add(b)
		}
	}
	return out
}

// TestFooterKeepsWholeKeys: at every width from the smallest the TUI
// draws to 200 columns, the footer of the picker, a lesson, a quiz and
// the sandbox is whole "key desc" hints (none cut in half, no "…"), keeps
// "? help" and fits; the full help shows every key of the screen, none
// cut, in columns that fit (issue 14: it lost its right-hand columns).
func TestFooterKeepsWholeKeys(t *testing.T) {
	screens := map[string]func(w int) *btApp{
		"picker": func(w int) *btApp { return btPicker(t, w, 40) },
		"lesson": func(w int) *btApp { a := btLesson(t, btLessonID, w, 40); a.press("n"); return a },
		"quiz": func(w int) *btApp {
			a := btLesson(t, btLessonID, w, 40)
			for !a.pl().tl.hidden(a.pl().tl.cur) {
				a.press("n")
			}
			return a
		},
		"sandbox": func(w int) *btApp { return btSandbox(t, w, 40) },
	}
	for name, open := range screens {
		for _, w := range []int{MinWidth, 61, 67, 72, 80, 95, 100, 120, 140, 200} {
			a := open(w)
			var km help.KeyMap = a.root().picker
			if a.root().screen == screenPlayer {
				km = a.root().player
			}
			hints := ftHints(km)
			m := a.root()
			short := ansi.Strip(m.footer())
			if cellWidth(short) > w || strings.Contains(short, "…") || !strings.HasSuffix(strings.TrimSpace(short), "? help") && !strings.Contains(short, "? help •") {
				t.Errorf("%s at %d: footer %q", name, w, short)
			}
			for _, h := range strings.Split(short, " • ") {
				if !hints[strings.TrimSpace(h)] {
					t.Errorf("%s at %d: %q is not a whole key: %q", name, w, h, short)
				}
			}
			a.press("?")
			full := ansi.Strip(a.root().footer())
			for h := range hints {
				desc := h[strings.Index(h, " ")+1:]
				if !strings.Contains(full, desc) && desc != "help" {
					t.Errorf("%s at %d: the full help lacks %q:\n%s", name, w, h, full)
				}
			}
			for _, l := range strings.Split(full, "\n") {
				if cellWidth(l) > w || strings.Contains(l, "…") {
					t.Errorf("%s at %d: full help line %q", name, w, l)
				}
			}
		}
	}
}

// TestFooterAtQuiz: while a quiz waits, the footer offers the keys that
// answer it where "next step" stood (which refuses until then), and the
// full help says autoplay's speed, which + and - change.
func TestFooterAtQuiz(t *testing.T) {
	a := btLesson(t, btLessonID, 100, 30)
	for !a.pl().tl.hidden(a.pl().tl.cur) {
		a.press("n")
	}
	f := ansi.Strip(a.root().footer())
	n := len(a.pl().tl.steps[a.pl().tl.cur].Text.Quiz.Options)
	if strings.Contains(f, "next step") || !strings.Contains(f, fmt.Sprintf("1–%d answer the quiz", n)) {
		t.Errorf("at a quiz, the footer: %q", f)
	}
	a.press("1")
	if f := ansi.Strip(a.root().footer()); !strings.Contains(f, "next step") || strings.Contains(f, "answer the quiz") {
		t.Errorf("answered, the footer: %q", f)
	}
	a.press("?")
	if f := ansi.Strip(a.root().footer()); !strings.Contains(f, "autoplay, 2s a step") {
		t.Errorf("the full help does not say autoplay's speed:\n%s", f)
	}
	a.press("+")
	if f := ansi.Strip(a.root().footer()); !strings.Contains(f, "autoplay, 1s a step") || !strings.Contains(a.text(), "autoplay 1s a step") {
		t.Errorf("after +, the help and the status do not say 1s:\n%s", a.text())
	}
}

// TestFullHelpFitsSmallest: at the smallest size the TUI draws, the full
// help of every screen fits it whole (bubbles' help cut its columns with
// "…"), and takes the screen rather than leave a sliver of the player.
func TestFullHelpFitsSmallest(t *testing.T) {
	for name, a := range map[string]*btApp{
		"picker":  btPicker(t, MinWidth, MinHeight),
		"lesson":  btLesson(t, btLessonID, MinWidth, MinHeight),
		"sandbox": btSandbox(t, MinWidth, MinHeight),
	} {
		want := ftFullHelpLines(a)
		a.press("?")
		s := a.text()
		lines := strings.Split(s, "\n")
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("%s at %d×%d: the full help lacks %q:\n%s", name, MinWidth, MinHeight, w, s)
			}
		}
		if len(lines) > MinHeight {
			t.Errorf("%s: %d lines", name, len(lines))
		}
		if name != "picker" && strings.Contains(s, "1 Narration") {
			t.Errorf("%s: the help left a sliver of the player instead of taking the screen:\n%s", name, s)
		}
	}
}

// ftFullHelpLines is the description of every key the full help of the
// screen in front shows.
func ftFullHelpLines(a *btApp) []string {
	var km help.KeyMap = a.root().picker
	if a.root().screen == screenPlayer {
		km = a.root().player
	}
	var out []string
	for _, g := range km.FullHelp() {
		for _, b := range g {
			if b.Enabled() {
				out = append(out, b.Help().Desc)
			}
		}
	}
	return out
}
