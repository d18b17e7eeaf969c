package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The AS-session actions run only where there is an AS: the validator asks
// the engine (sim.Topology.CheckASSession), so a first-party lesson with end-session or
// attacker.silent-login is refused before it runs. login's prompt and
// max_age are checked against OIDC Core §3.1.2.1.
func TestASSessionActionsValidated(t *testing.T) {
	head := "id: x\ntitle: x\nsummary: x\nlevel: beginner\ntheme: basics\ngoals: [x]\n"
	for _, tc := range []struct {
		name, body, want string
	}{
		{"end-session first-party", "topology: first-party\nsteps:\n  - do: login\n    narration: x\n  - do: end-session\n    narration: x\n", "no authorization server"},
		{"silent-login first-party", "topology: first-party\nsteps:\n  - do: login\n    narration: x\n  - do: attacker.silent-login\n    narration: x\n", "no authorization server"},
		{"prompt first-party", "topology: first-party\nsteps:\n  - do: login\n    prompt: login\n    narration: x\n", "no authorization server"},
		{"bad prompt", "steps:\n  - do: login\n    prompt: consent\n    narration: x\n", "prompt"},
		{"bad max_age", "steps:\n  - do: login\n    max_age: 5m\n    narration: x\n", "max_age"},
		{"ok", "steps:\n  - do: login\n    narration: x\n  - do: forget\n    narration: x\n  - do: login\n    prompt: none\n    max_age: \"0\"\n    narration: x\n  - do: attacker.silent-login\n    narration: x\n  - do: attacker.call\n    path: /api/orders\n    narration: x\n  - do: end-session\n    narration: x\n", ""},
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

// The expectations login_form and as_session read what the engine reports
// (sim.Event.IsLoginForm, the snapshot's AS session): a silent login, a forced
// form and an ended session each fail the wrong expectation.
func TestLoginFormAndASSessionExpectations(t *testing.T) {
	head := "id: x\ntitle: x\nsummary: x\nlevel: beginner\ntheme: basics\ngoals: [x]\nsteps:\n"
	steps := "  - do: login\n    narration: x\n    expect: {login_form: %s, as_session: active}\n" +
		"  - do: forget\n    narration: x\n" +
		"  - do: login\n    narration: x\n    expect: {login_form: %s}\n" +
		"  - do: login\n    prompt: login\n    narration: x\n    expect: {login_form: %s}\n" +
		"  - do: end-session\n    narration: x\n    expect: {as_session: %s}\n"
	for _, tc := range []struct {
		vals  []any
		fails []string
	}{
		{[]any{"true", "false", "true", "none"}, nil},
		{[]any{"false", "true", "false", "active"}, []string{"login_form", "login_form", "login_form", "as_session"}},
	} {
		sc, err := Load("x.yaml", []byte(head+fmt.Sprintf(steps, tc.vals...)))
		if err != nil {
			t.Fatal(err)
		}
		run, err := Execute(sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range run.Failures() {
			got = append(got, f.Key)
		}
		if !slices.Equal(got, tc.fails) {
			t.Errorf("values %v: failures %v, want %v", tc.vals, got, tc.fails)
		}
	}
	if _, err := Load("x.yaml", []byte(head+"  - do: login\n    narration: x\n    expect: {as_session: gone}\n")); err == nil || !strings.Contains(err.Error(), "as_session") {
		t.Errorf("as_session: gone: %v, want a validation error", err)
	}
}
