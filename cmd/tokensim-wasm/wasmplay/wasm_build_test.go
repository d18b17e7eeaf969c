//go:build wasmbuild

// Run with: go test -tags wasmbuild ./cmd/tokensim-wasm/wasmplay/
// (needs node, as Go's own js/wasm tests do: $(go env GOROOT)/lib/wasm).
package wasmplay

import (
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWasmBuildPlaysALessonInNode builds the real WebAssembly player with
// build.sh and plays the first step of a lesson in node.
func TestWasmBuildPlaysALessonInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("this test needs node (apt-get install nodejs):", err)
	}
	out := filepath.Join(t.TempDir(), "tokensim.wasm")
	if b, err := exec.Command("../build.sh", out).CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cw := &countWriter{}
	zw, _ := gzip.NewWriterLevel(cw, gzip.BestCompression)
	if _, err := io.Copy(zw, f); err != nil {
		t.Fatal(err)
	}
	_ = zw.Close()
	t.Logf("tokensim.wasm: %d bytes, %d gzip -9", st.Size(), cw.n)

	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	runner := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec_node.js")
	b, err := exec.Command(node, runner, out, "-smoke", "login", "\x1b[C").CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	first, after, ok := strings.Cut(string(b), "---- after keys")
	if !ok || !strings.Contains(first, "Logging in with the authorization code flow") || !strings.Contains(after, "1. Alice signs in at the auth server") {
		t.Fatalf("the wasm player did not show the lesson and its first step:\n%s", b)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
