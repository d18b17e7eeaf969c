//go:build wasmbuild

// Run with: go test -tags wasmbuild -run WasmExport ./cmd/tokensim/
// It builds the real WebAssembly player through tokensim web --export
// (a minute or more on a cold build cache) and needs node, as Go's own
// js/wasm tests do ($(go env GOROOT)/lib/wasm/wasm_exec_node.js).
package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The export writes every file of the static build, and its
// tokensim.wasm plays a lesson's first step in node, with no page: the
// same tea.Program, web/term screen and frame protocol the page gets.
func TestWasmExportPlaysALessonInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("this test needs node (apt-get install nodejs):", err)
	}
	site := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"web", "--export", site}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("export: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	t.Logf("%s", stdout.String())
	for _, f := range append([]string{exportMarker}, exportFiles...) {
		if st, err := os.Stat(filepath.Join(site, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v (or empty)", f, err)
		}
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	runner := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec_node.js")
	out, err := exec.Command(node, runner, filepath.Join(site, "tokensim.wasm"),
		"-smoke", "login", "Logging in with the authorization code flow", "\x1b[C", "1. Alice signs in at the auth server").CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "---- the screen shows \"1. Alice signs in at the auth server\"") {
		t.Fatalf("the wasm player did not take the lesson's first step:\n%s", out)
	}
}
