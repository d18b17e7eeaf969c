package scenarios

import (
	"strings"
	"testing"
)

// The service's actions need an AS with the client credentials grant (RFC
// 6749 §4.4): the validator asks the engine
// (sim.Topology.CheckClientCredentials), so a first-party lesson with them
// is refused before it runs. They need no login: no user is involved.
func TestServiceActionsValidated(t *testing.T) {
	head := "id: x\ntitle: x\nsummary: x\nlevel: beginner\ntheme: basics\ngoals: [x]\n"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"service.token first-party", "topology: first-party\nsteps:\n  - do: service.token\n    narration: x\n", "no authorization server"},
		{"service.call first-party", "topology: first-party\nsteps:\n  - do: service.call\n    path: /api/orders\n    narration: x\n", "no authorization server"},
		{"unknown parameter", "steps:\n  - do: service.token\n    user: alice\n    narration: x\n", "has no parameter"},
		{"ok without a login", "steps:\n  - do: service.call\n    path: /api/orders\n    narration: x\n  - do: service.token\n    scope: orders:write\n    narration: x\n", ""},
	} {
		_, err := Load(tc.name+".yaml", []byte(head+tc.body))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}
