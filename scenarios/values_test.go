package scenarios

import (
	"os"
	"testing"
)

// TestValuesAnyCase: a lesson file writes enum values in any case and
// booleans as yes/no (issue 14, section 6): it loads, every value is kept
// as the engine spells it, and the run holds its expectations.
func TestValuesAnyCase(t *testing.T) {
	data, err := os.ReadFile("testdata/good/any-case.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Load("any-case.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Level != "beginner" || sc.Theme != "basics" || sc.Client != "spa" {
		t.Errorf("header values not canonical: %q %q %q", sc.Level, sc.Theme, sc.Client)
	}
	st := sc.Steps[1]
	if st.Params["from"] != "script-injection" || st.Params["token"] != "refresh" {
		t.Errorf("parameters not canonical: %v", st.Params)
	}
	if e := sc.Steps[0].Expect; e.ASSession != "active" || e.LoggedIn == nil || !*e.LoggedIn {
		t.Errorf("expectations not canonical: %+v", e)
	}
	r, err := Execute(sc, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Failures() {
		t.Error(f)
	}
}
