package text_test

import (
	"testing"

	"github.com/tokensim/tokensim/internal/text"
)

func TestChoose(t *testing.T) {
	modes := []string{"stateless", "introspect", "denylist"}
	for _, c := range []struct{ in, want, err string }{
		{"introspect", "introspect", ""},
		{"Introspect", "introspect", ""},
		{" DENYLIST ", "denylist", ""},
		{"introspec", "", `want stateless, introspect or denylist, got "introspec" (did you mean "introspect"?)`},
		{"x", "", `want stateless, introspect or denylist, got "x"`},
	} {
		got, err := text.Choose(c.in, modes)
		if got != c.want {
			t.Errorf("Choose(%q) = %q, want %q", c.in, got, c.want)
		}
		if (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("Choose(%q) error %v, want %q", c.in, err, c.err)
		}
	}
	if got, _ := text.Choose("rs256", []string{"RS256", "ES256"}); got != "RS256" {
		t.Errorf("Choose keeps the allowed spelling: got %q", got)
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"true": true, "True": true, "yes": true, "ON": true, "1": true,
		"false": false, "No": false, "off": false, "0": false} {
		got, err := text.ParseBool(in)
		if err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "maybe", "2", "y"} {
		if _, err := text.ParseBool(in); err == nil {
			t.Errorf("ParseBool(%q) accepted", in)
		}
	}
}
