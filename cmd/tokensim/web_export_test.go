package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Outside a tokensim checkout there is no source to build the player
// from: usage error, saying where to run it, and nothing written.
func TestWebExportOutsideACheckout(t *testing.T) {
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, wd := range map[string]string{"no module": t.TempDir(), "another module": other} {
		t.Run(name, func(t *testing.T) {
			t.Chdir(wd)
			site := filepath.Join(t.TempDir(), "site")
			var stdout, stderr bytes.Buffer
			code := run([]string{"web", "--export", site}, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), "run it in a tokensim checkout") {
				t.Fatalf("exit %d, stderr %q; want %d and where to run it", code, stderr.String(), exitUsage)
			}
			if _, err := os.Stat(site); err == nil {
				t.Fatal("it wrote the directory anyway")
			}
		})
	}
}

// A directory without an export's marker is somebody's: refused,
// untouched. (Run from this package's directory, inside the checkout, so
// the refusal is the directory's, not the checkout's.)
func TestWebExportRefusesADirectoryThatIsNotAnExport(t *testing.T) {
	for name, fill := range map[string]func(dir string) error{
		"a file of someone's": func(dir string) error { return os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644) },
		"a directory named as an export file": func(dir string) error {
			return os.Mkdir(filepath.Join(dir, "index.html"), 0o755)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := fill(dir); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := run([]string{"web", "--export", dir}, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), "is not empty and is not a previous export") {
				t.Fatalf("exit %d, stderr %q; want %d and why", code, stderr.String(), exitUsage)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Fatalf("the directory was changed: %v", ents)
			}
		})
	}
	// A previous export (its marker and files), an empty directory and a
	// new name are accepted.
	prev := t.TempDir()
	fakeExport(t, prev)
	for _, dir := range []string{prev, t.TempDir(), filepath.Join(t.TempDir(), "new")} {
		if err := checkTarget(dir, "/"); err != nil {
			t.Errorf("checkTarget(%s): %v", dir, err)
		}
	}
}

// The new export takes the previous one's place whole: nothing of the
// old is left, nothing beside it either.
func TestReplaceDirSwapsAnExport(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "site")
	for _, d := range []string{target, filepath.Join(parent, ".site.new-1")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.WriteFile(filepath.Join(target, "tokensim.wasm"), []byte("old"), 0o644)
	_ = os.WriteFile(filepath.Join(target, "wasm_exec.js"), []byte("old"), 0o644)
	_ = os.WriteFile(filepath.Join(parent, ".site.new-1", "tokensim.wasm"), []byte("new"), 0o644)
	if err := replaceDir(filepath.Join(parent, ".site.new-1"), target); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(target, "tokensim.wasm"))
	if string(got) != "new" {
		t.Fatalf("tokensim.wasm is %q, want the new one", got)
	}
	if _, err := os.Stat(filepath.Join(target, "wasm_exec.js")); err == nil {
		t.Fatal("a file of the previous export is left")
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Fatalf("left beside the export: %v", ents)
	}
}

// --export is recognised in each spelling the flag package takes, and not
// after "--".
func TestWantsExport(t *testing.T) {
	for args, want := range map[string]bool{
		"--export site": true, "-export site": true, "--export=site": true,
		"--addr :1 --export site": true, "--addr :1": false, "-- --export": false, "exports": false,
	} {
		if got := wantsExport(strings.Fields(args)); got != want {
			t.Errorf("wantsExport(%q) = %v, want %v", args, got, want)
		}
	}
}

// The static index.html is the page's, with Go's wasm_exec.js and the
// boot file before app.js; the page's index.html keeps the one app.js
// line this needs.
func TestStaticIndex(t *testing.T) {
	html, err := os.ReadFile("../../web/page/index.html")
	if err != nil {
		t.Fatal(err)
	}
	got, err := staticIndex(string(html))
	if err != nil {
		t.Fatal(err)
	}
	want := `<script src="wasm_exec.js"></script>` + "\n" + `<script src="wasm-boot.js"></script>` + "\n" + `<script src="app.js"></script>`
	if !strings.Contains(got, want) || strings.Replace(got, want, appScript, 1) != string(html) {
		t.Fatalf("static index.html differs from the page's by more than the boot scripts:\n%s", got)
	}
	if _, err := staticIndex("<html></html>"); err == nil {
		t.Fatal("an index.html without app.js was accepted")
	}
}
