package scenarios

import (
	"os"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/sim"
)

// TestFormatDocCoversEverything keeps docs/scenario-format.md honest: every
// action, parameter and policy knob the loader accepts is documented.
func TestFormatDocCoversEverything(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, name := range Actions() {
		if !strings.Contains(text, "| `"+name+"` |") {
			t.Errorf("action %s is not in the actions table", name)
		}
		for _, p := range actions[name].params {
			if !strings.Contains(text, "`"+p.name+"`") {
				t.Errorf("parameter %s of %s is not documented", p.name, name)
			}
		}
	}
	for _, k := range sim.Knobs() {
		if !strings.Contains(text, "`"+k+"`") {
			t.Errorf("policy knob %s is not documented", k)
		}
	}
	for _, k := range []string{"status", "error", "reason", "logged_in", "reuse_detected", "family_revoked", "as_contacted", "introspections", "tokens", "attacker_holds"} {
		if !strings.Contains(text, "| `"+k+"` |") {
			t.Errorf("expectation %s is not documented", k)
		}
	}
}

// TestFormatDocExample loads and runs the complete example of the format
// document: it must validate, and every expectation in it must hold.
func TestFormatDocExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenario-format.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "```yaml\n")
	example, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("no yaml example in the format document")
	}
	sc, err := Load("scenario-format.md", []byte(example))
	if err != nil {
		t.Fatalf("the documented example does not load:\n%v", err)
	}
	r, err := Execute(sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Failures() {
		t.Error(f)
	}
}
