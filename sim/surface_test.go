package sim

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSurfaceFitsOneScreen keeps the engine's root package readable in one
// listing (issue 13: `go doc -short ./sim` at most 80 lines). A new concept
// with no world state belongs in a package of its own (sim/jose); a name no
// other package uses is not exported.
func TestSurfaceFitsOneScreen(t *testing.T) {
	out, err := exec.Command("go", "doc", "-short", ".").Output()
	if err != nil {
		t.Fatalf("go doc: %v", err)
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > 80 {
		t.Errorf("go doc -short ./sim prints %d lines, more than 80:\n%s", len(lines), out)
	}
}
