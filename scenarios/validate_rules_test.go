package scenarios

import (
	"strings"
	"testing"
)

// The validator asks the engine's rules (sim.Config.Resolve,
// sim.Source.Reaches, sim.Topology.CheckRace) instead of keeping copies, so
// a file is refused in the engine's own words, and accepted exactly when
// the world would run it.
func TestValidatorAsksEngineRules(t *testing.T) {
	head := "id: x\ntitle: x\nsummary: x\nlevel: beginner\ntheme: basics\ngoals: [x]\n"
	steal := func(from string) string {
		return "steps:\n  - do: login\n    narration: x\n  - do: call\n    path: /api/orders\n    narration: x\n" +
			"  - do: steal\n    from: " + from + "\n    token: access\n    narration: x\n" +
			"  - do: attacker.call\n    path: /api/orders\n    narration: x\n"
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"race first-party", "topology: first-party\nsteps:\n  - do: login\n    narration: x\n  - do: race\n    narration: x\n",
			"race: a first-party app's refresh token is a cookie the browser sends itself"},
		{"race oauth", "steps:\n  - do: login\n    narration: x\n  - do: race\n    narration: x\n", ""},
		{"race behind a BFF", "storage: cookie\nsteps:\n  - do: login\n    narration: x\n  - do: race\n    narration: x\n",
			"race: the tabs of an app with a BFF or a token-mediating backend hold no refresh token"},
		{"config the engine refuses", "client: web\nstorage: local-storage\nsteps:\n  - do: login\n    narration: x\n",
			"bad world config: a server-side web app keeps its tokens on the server"},
		// Default storage: a single-page app keeps tokens in localStorage,
		// which script injection reads; a first-party app's in a cookie
		// and a variable, which it does not.
		{"script reaches localStorage", steal("script-injection"), ""},
		{"script misses first-party", "topology: first-party\n" + steal("script-injection"), "no earlier step gives it an access token"},
		{"script misses web", "client: web\n" + steal("script-injection"), "no earlier step gives it an access token"},
		{"log reaches access", "client: web\n" + steal("log"), ""},
		// Browser architectures: a token-mediating page holds the access
		// token, never the refresh token; a BFF's browser holds neither,
		// but its session can be ridden (sim.Topology.CheckRide), and the
		// ride hands the attacker no token.
		{"script reaches a mediated access token", "storage: token-mediating\n" + steal("script-injection"), ""},
		{"script misses a mediated refresh token", "storage: token-mediating\nsteps:\n  - do: login\n    narration: x\n  - do: steal\n    from: script-injection\n    token: refresh\n    narration: x\n  - do: attacker.refresh\n    narration: x\n",
			"the attacker refreshes but no earlier step lets it steal a refresh token"},
		{"script misses the BFF", "storage: cookie\n" + steal("script-injection"), "no earlier step gives it an access token"},
		{"ride a BFF", "storage: cookie\nsteps:\n  - do: login\n    narration: x\n  - do: attacker.ride\n    narration: x\n", ""},
		{"a BFF ride gives no token", "storage: cookie\nsteps:\n  - do: login\n    narration: x\n  - do: attacker.ride\n    narration: x\n  - do: attacker.call\n    path: /api/orders\n    narration: x\n",
			"no earlier step gives it an access token"},
		{"ride a mediated backend", "storage: token-mediating\nsteps:\n  - do: login\n    narration: x\n  - do: attacker.ride\n    narration: x\n  - do: attacker.call\n    path: /api/orders\n    narration: x\n", ""},
		{"a script gone takes nothing", "steps:\n  - do: login\n    narration: x\n  - do: attacker.script-gone\n    narration: x\n" + strings.TrimPrefix(steal("script-injection"), "steps:\n  - do: login\n    narration: x\n"),
			"no earlier step gives it an access token"},
		{"no ride in browser-only", "steps:\n  - do: login\n    narration: x\n  - do: attacker.ride\n    narration: x\n", "session riding needs a session cookie"},
		// present's for names the API an access token was obtained for
		// (RFC 8707): it means nothing with a refresh or ID token.
		{"present for with an id token", "steps:\n  - do: login\n    narration: x\n  - do: present\n    token: id\n    for: billing\n    path: /api/orders\n    narration: x\n",
			"for names the API an access token was obtained for"},
		// A token for another API or a narrower scope needs an AS with
		// several resource servers (RFC 8707); the first-party backend
		// serves its own API only (sim.Topology.CheckResource).
		{"refresh resource first-party", "topology: first-party\nsteps:\n  - do: login\n    narration: x\n  - do: refresh\n    resource: billing\n    narration: x\n",
			"refresh with resource or scope: the issuer serves its own API only"},
		{"refresh scope first-party", "topology: first-party\nsteps:\n  - do: login\n    narration: x\n  - do: refresh\n    scope: openid\n    narration: x\n",
			"refresh with resource or scope"},
		{"login resource first-party", "topology: first-party\nsteps:\n  - do: login\n    resource: api\n    narration: x\n",
			"login with resource: the issuer serves its own API only"},
		{"refresh resource oauth", "steps:\n  - do: login\n    narration: x\n  - do: refresh\n    resource: billing\n    narration: x\n", ""},
		{"present for with the access token", "steps:\n  - do: login\n    narration: x\n  - do: present\n    token: access\n    for: billing\n    path: /api/orders\n    narration: x\n", ""},
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
