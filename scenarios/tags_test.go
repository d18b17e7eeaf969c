package scenarios

import (
	"strings"
	"testing"
)

// Tags are search words: one lower-case word each, once each.
func TestTags(t *testing.T) {
	head := "id: x\ntitle: x\nsummary: x\nlevel: beginner\ntheme: basics\ngoals: [x]\nsteps:\n  - do: login\n    narration: x\n"
	for _, tc := range []struct{ tags, want string }{
		{"[xss, jku, alg-none]", ""},
		{"[Refresh Token]", `tag "Refresh Token" must be one lower-case word`},
		{"[xss, xss]", `tag "xss" is listed twice`},
		{"xss", "tags must be a list"},
	} {
		sc, err := Load("x.yaml", []byte(head+"tags: "+tc.tags+"\n"))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("tags %s: %v", tc.tags, err)
		case tc.want == "" && len(sc.Tags) != 3:
			t.Errorf("tags %s: loaded %q", tc.tags, sc.Tags)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("tags %s: error %v, want one with %q", tc.tags, err, tc.want)
		}
	}
	cat, err := Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range cat {
		if len(sc.Tags) == 0 {
			t.Errorf("%s has no tags", sc.ID)
		}
	}
}
