package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// TestPresetsLesson: curriculum `presets`. The lesson's theft under every
// preset: rotation with reuse detection (tokensim, auth0, okta, hydra,
// node-oidc-provider) stops the attacker at its second refresh; without
// rotation (keycloak, cognito, duende, naive), with a rotation that leaves
// the old token valid (entra) or refuses a replay without revoking the
// family (dex), it is never stopped; spring and google give a single-page
// app no refresh token to steal. The whole comparison is a golden file.
func TestPresetsLesson(t *testing.T) {
	sc, err := scenarios.Lookup("presets")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range sim.Presets() {
		names = append(names, p.Name)
	}
	c, err := scenarios.Compare(sc, names, scenarios.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	stopped := map[string]bool{"tokensim": true, "auth0": true, "okta": true, "hydra": true, "node-oidc-provider": true}
	for i, r := range c.Runs {
		n, _, _ := refreshStopped(r)
		if got := n > 0; got != stopped[c.Presets[i]] {
			t.Errorf("%s: attacker's refresh stopped = %v, want %v", c.Presets[i], got, stopped[c.Presets[i]])
		}
		if p := c.Presets[i]; (p == "spring" || p == "google") && r.Steps[1].Outcome.Error != sim.CodeUnreachable {
			t.Errorf("%s: the steal found a refresh token: %+v", p, r.Steps[1].Outcome)
		}
	}
	var b bytes.Buffer
	if err := WriteComparison(&b, c); err != nil {
		t.Fatal(err)
	}
	for i, r := range c.Runs {
		if p := c.Presets[i]; (p == "keycloak" || p == "entra" || p == "dex") && !strings.HasPrefix(attackerSummary(c, r), "never stopped by the AS") {
			t.Errorf("%s: comparison summary %q", p, attackerSummary(c, r))
		}
	}
	// The lesson's attacker is an injected script: the comparison sets it
	// against each browser architecture too. Behind a token-mediating
	// backend or a BFF the refresh token is out of its reach under every
	// preset, in the engine's words; in the browser, spring and google
	// issue the app none.
	if len(c.Architectures) != 3 || len(c.ByArchitecture) != len(c.Runs) {
		t.Fatalf("architectures %v, %d rows", c.Architectures, len(c.ByArchitecture))
	}
	for i, row := range c.ByArchitecture {
		for k, r := range row {
			got, s := attackerSummary(c, r), c.Architectures[k]
			switch p := c.Presets[i]; {
			case s != sim.StorageLocal && !strings.HasPrefix(got, "never held a refresh token: the refresh token stays on the token-mediating backend") && !strings.HasPrefix(got, "never held a refresh token: the tokens stay on the BFF"),
				s == sim.StorageLocal && (p == "spring" || p == "google") && !strings.HasPrefix(got, "never held a refresh token: the app was issued none"),
				s == sim.StorageCookie && !strings.Contains(got, "through the BFF"):
				t.Errorf("%s under %s: %q", p, s, got)
			}
		}
	}
	golden.RequireEqual(t, b.Bytes())
}

// TestCompareSummaryWords: a comparison's footnote and per-preset summary
// say only what happened. forged-tokens differs under no preset, steals no
// refresh token, and lets three of its ten forgeries in (the vulnerable
// API's alg none, key confusion and jku) whatever the preset.
func TestCompareSummaryWords(t *testing.T) {
	sc, err := scenarios.Lookup("forged-tokens")
	if err != nil {
		t.Fatal(err)
	}
	c, err := scenarios.Compare(sc, []string{"tokensim", "okta"}, scenarios.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteComparison(&b, c); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Every step has the same outcome under every preset.", "tokensim  tried no refresh token in this lesson; 3 of 10 forged tokens got in"} {
		if !strings.Contains(out, want) {
			t.Errorf("comparison lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "* the outcome differs") || strings.Contains(out, "never held a refresh token") {
		t.Errorf("comparison claims what did not happen:\n%s", out)
	}
}

// TestComparisonWidth: the wide table when it fits; otherwise every line of
// the comparison fits the width (80, and 40), for every lesson under every
// preset, and the narrow layout of the presets lesson is a golden file.
// Refresh deliberately: go test ./render -run TestComparisonWidth -update
func TestComparisonWidth(t *testing.T) {
	var names []string
	for _, p := range sim.Presets() {
		names = append(names, p.Name)
	}
	all, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range all {
		c, err := scenarios.Compare(sc, names, scenarios.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		var wide, unlimited bytes.Buffer
		if err := WriteComparison(&wide, c); err != nil {
			t.Fatal(err)
		}
		if err := WriteComparisonWidth(&unlimited, c, 0); err != nil || unlimited.String() != wide.String() {
			t.Errorf("%s: width 0 is not the wide table", sc.ID)
		}
		for _, width := range []int{80, 40} {
			var b bytes.Buffer
			if err := WriteComparisonWidth(&b, c, width); err != nil {
				t.Fatal(err)
			}
			for i, l := range strings.Split(b.String(), "\n") {
				if text.Width(l) > width {
					t.Errorf("%s at %d columns: line %d is %d wide: %q", sc.ID, width, i+1, text.Width(l), l)
				}
			}
			if sc.ID == "presets" && width == 80 {
				golden.RequireEqual(t, b.String())
			}
		}
	}
	sc, _ := scenarios.Lookup("login")
	c, err := scenarios.Compare(sc, []string{"okta", "auth0"}, scenarios.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var wide, fits bytes.Buffer
	_ = WriteComparison(&wide, c)
	_ = WriteComparisonWidth(&fits, c, 80)
	if wide.String() != fits.String() {
		t.Errorf("two presets fit 80 columns: want the wide table, got:\n%s", fits.String())
	}
}

// TestCompareMemoryIsNoDefence: a script lesson whose app keeps its tokens
// in a JavaScript variable is compared with memory as its own row, and the
// row says, in the engine's words, that reading storage finding nothing is
// not a defence; it said the token "stayed out of its reach", as behind a
// BFF.
func TestCompareMemoryIsNoDefence(t *testing.T) {
	sc, err := scenarios.Load("memory.yaml", []byte(`id: memory
title: x
summary: x
level: beginner
theme: theft
goals: [x]
storage: memory
steps:
  - do: login
    narration: x
  - do: steal
    from: script-injection
    token: refresh
    narration: x
`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := scenarios.Compare(sc, []string{"tokensim"}, scenarios.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range c.ByArchitecture[0] {
		if c.Architectures[k] != sim.StorageMemory {
			continue
		}
		if got := attackerSummary(c, r); !strings.Contains(got, "not a defence") || strings.Contains(got, "stayed out of its reach") {
			t.Errorf("memory: %q", got)
		}
		return
	}
	t.Fatalf("no memory row among %v", c.Architectures)
}
