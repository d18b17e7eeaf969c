// Package tuitest is the harness the terminal interface's tests share:
// key presses by name, the built-in lessons, and a clock the test moves.
// It exists so that each test file does not grow its own copy of them.
package tuitest

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
)

// special are the keys whose press is not their text. Their names are the
// ones tea.Key.String() gives, which is what key.Matches compares.
var special = map[string]tea.KeyPressMsg{
	"right": {Code: tea.KeyRight}, "left": {Code: tea.KeyLeft},
	"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown},
	"home": {Code: tea.KeyHome}, "end": {Code: tea.KeyEnd},
	"pgup": {Code: tea.KeyPgUp}, "pgdown": {Code: tea.KeyPgDown},
	"enter": {Code: tea.KeyEnter}, "tab": {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"esc":       {Code: tea.KeyEscape},
	"space":     {Code: tea.KeySpace, Text: " "},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
}

// Key is the KeyPressMsg a terminal sends for the key named as
// tea.Key.String() spells it ("right", "shift+tab", "space", "q", "R").
// It panics on a name it cannot build, or one whose press would not
// String() back to the name: a test pressing a key that no binding could
// ever match proves nothing.
func Key(name string) tea.KeyPressMsg {
	k, ok := special[name]
	if !ok {
		r := []rune(name)
		if len(r) != 1 {
			panic("tuitest.Key: no key " + name)
		}
		k = tea.KeyPressMsg{Code: r[0], Text: name}
	}
	if got := k.String(); got != name {
		panic("tuitest.Key(" + name + ").String() = " + got)
	}
	return k
}

// Catalogue returns the built-in lessons.
func Catalogue(tb testing.TB) []*scenarios.Scenario {
	tb.Helper()
	cat, err := scenarios.Catalogue()
	if err != nil {
		tb.Fatalf("catalogue: %v", err)
	}
	return cat
}

// Lookup returns one built-in lesson.
func Lookup(tb testing.TB, id string) *scenarios.Scenario {
	tb.Helper()
	sc, err := scenarios.Lookup(id)
	if err != nil {
		tb.Fatalf("lookup %s: %v", id, err)
	}
	return sc
}
