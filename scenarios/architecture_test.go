package scenarios

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureNamesExist keeps ARCHITECTURE.md true: every file and
// folder it names in backquotes (a name with ".go" or a trailing "/", or a
// glob such as as*.go) exists in the repository. A rename that leaves the
// map behind fails here.
func TestArchitectureNamesExist(t *testing.T) {
	doc, err := os.ReadFile("../ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{"..", "../sim", "../sim/jose", "../scenarios", "../render", "../serve", "../tui", "../workshop", "../internal/text", "../internal/tuitest", "../internal/hostcheck", "../internal/procmem", "../internal/loadmodel", "../cmd/tokensim", "../progress", "../web", "../web/term", "../cmd/tokensim-wasm", "../cmd/tokensim-wasm/wasmplay"}
	named := 0
	for _, m := range regexp.MustCompile("`([^`\\s]+)`").FindAllStringSubmatch(string(doc), -1) {
		name := strings.TrimSuffix(m[1], ",")
		if !strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "/") {
			continue
		}
		named++
		found := false
		for _, d := range dirs {
			if hits, _ := filepath.Glob(filepath.Join(d, strings.TrimSuffix(name, "/"))); len(hits) > 0 {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("ARCHITECTURE.md names %s, which is not in the repository", name)
		}
	}
	if named < 30 {
		t.Fatalf("only %d file and folder names found in ARCHITECTURE.md", named)
	}
}
