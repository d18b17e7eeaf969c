package text_test

import (
	"testing"

	"github.com/tokensim/tokensim/internal/text"
)

func TestDidYouMean(t *testing.T) {
	commands := []string{"play", "sandbox", "list", "run", "validate", "compare", "decode", "presets", "serve", "ssh", "version", "help"}
	for _, c := range []struct {
		s          string
		candidates []string
		want       string
	}{
		{"logn", []string{"login", "logout", "call"}, ` (did you mean "login"?)`},          // a typo
		{"acess_ttl", []string{"access_ttl", "code_ttl"}, ` (did you mean "access_ttl"?)`}, // the closest, not the first
		{"val", commands, ` (did you mean "validate"?)`},                                   // an abbreviation
		{"runn", commands, ` (did you mean "run"?)`},
		{"p", commands, ` (did you mean "play"?)`}, // the first that begins so, in order
		{"zzzzzz", []string{"login", "call"}, ""},  // nothing plausible
		{"", []string{"login"}, ""},
		{"x", nil, ""},
		{`a"b`, []string{`a"bc`}, ` (did you mean "a\"bc"?)`}, // quoted as %q quotes
	} {
		if got := text.DidYouMean(c.s, c.candidates); got != c.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestNamesAndPlural(t *testing.T) {
	type storage string
	if got := text.Names([]storage{"local", "memory"}); len(got) != 2 || got[0] != "local" || got[1] != "memory" {
		t.Errorf("Names = %q", got)
	}
	if text.Plural(1, "step", "steps") != "step" || text.Plural(0, "step", "steps") != "steps" || text.Plural(2, "step", "steps") != "steps" {
		t.Error("Plural")
	}
}
