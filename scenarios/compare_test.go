package scenarios

import (
	"testing"

	"github.com/tokensim/tokensim/sim"
)

// TestCompareArchitectures: a lesson whose attacker is an injected script
// is compared across the browser architectures too, the lesson's own
// storage first when it is none of the three (memory), its own run reused;
// a lesson without one is not.
func TestCompareArchitectures(t *testing.T) {
	head := "id: x\ntitle: x\nsummary: x\nlevel: beginner\ntheme: basics\ngoals: [x]\n"
	steps := "steps:\n  - do: login\n    narration: x\n  - do: steal\n    from: script-injection\n    token: refresh\n    narration: x\n"
	for _, tc := range []struct {
		name, body string
		want       []sim.Storage
	}{
		{"memory", "storage: memory\n" + steps, []sim.Storage{sim.StorageMemory, sim.StorageLocal, sim.StorageMediated, sim.StorageCookie}},
		{"default", steps, []sim.Storage{sim.StorageLocal, sim.StorageMediated, sim.StorageCookie}},
		{"no script", "steps:\n  - do: login\n    narration: x\n", nil},
		{"first-party", "topology: first-party\n" + steps, nil},
	} {
		sc, err := Load(tc.name+".yaml", []byte(head+tc.body))
		if err != nil {
			t.Fatal(err)
		}
		c, err := Compare(sc, []string{"tokensim", "okta"}, Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Architectures) != len(tc.want) {
			t.Fatalf("%s: architectures %v, want %v", tc.name, c.Architectures, tc.want)
		}
		for k, s := range tc.want {
			if c.Architectures[k] != s {
				t.Errorf("%s: architecture %d is %s, want %s", tc.name, k, c.Architectures[k], s)
			}
			for j := range c.Runs {
				if got := c.ByArchitecture[j][k].World.App().Storage(); got != s {
					t.Errorf("%s: preset %s, architecture %s ran with %s", tc.name, c.Presets[j], s, got)
				}
			}
		}
		for j, r := range c.Runs {
			for k, s := range c.Architectures {
				if s == r.World.App().Storage() && c.ByArchitecture[j][k] != r {
					t.Errorf("%s: preset %s: the lesson's own architecture was run twice", tc.name, c.Presets[j])
				}
			}
		}
	}
}
