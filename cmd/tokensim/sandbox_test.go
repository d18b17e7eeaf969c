package main

import (
	"strings"
	"testing"
)

// TestSandboxPreset: polish.md, "sandbox --preset okta is rejected". Every
// preset is accepted (off a terminal the command then says only that the
// sandbox is interactive); an unknown one is named, with the likeliest
// preset and the list, and exits 2.
func TestSandboxPreset(t *testing.T) {
	for _, p := range presetNames() {
		code, _, stderr := cli(t, "", "sandbox", "--preset", p)
		if code != exitUsage || stderr != "tokensim sandbox: the sandbox is interactive; run it in a terminal\n" {
			t.Errorf("--preset %s: %d %q", p, code, stderr)
		}
	}
	code, _, stderr := cli(t, "", "sandbox", "--preset", "okat")
	if code != exitUsage || !strings.HasPrefix(stderr, `tokensim sandbox: unknown preset "okat" (did you mean "okta"?)`+"\npresets: tokensim, auth0, okta,") {
		t.Errorf("--preset okat: %d %q", code, stderr)
	}
	code, _, stderr = cli(t, "", "sandbox", "--set", "rotaton=true")
	if code != exitUsage || !strings.Contains(stderr, `did you mean "rotation"?`) {
		t.Errorf("--set rotaton=true: %d %q", code, stderr)
	}
	code, out, _ := cli(t, "", "sandbox", "--help")
	if code != exitOK || !strings.Contains(out, "-preset") || !strings.Contains(out, "tokensim sandbox --preset okta") {
		t.Errorf("sandbox --help: %d\n%s", code, out)
	}
}
