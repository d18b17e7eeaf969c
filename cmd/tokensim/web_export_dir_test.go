package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// exportRun is tokensim web --export dir run from the test's working
// directory: exit status and stderr.
func exportRun(t *testing.T, dir string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run([]string{"web", "--export", dir}, strings.NewReader(""), &stdout, &stderr)
	return code, stderr.String()
}

// fakeExport fills dir as a previous export: the marker and every file.
func fakeExport(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range append([]string{exportMarker}, exportFiles...) {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("old "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Review 18: a site of the user's own whose files all carry names an
// export writes (a hand-written index.html) was taken for a previous
// export and deleted. Without the marker an export leaves, it is
// refused, the file that makes it somebody's named, nothing touched.
func TestWebExportKeepsAHandWrittenSite(t *testing.T) {
	site := filepath.Join(t.TempDir(), "mysite")
	if err := os.Mkdir(site, 0o755); err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(site, "index.html")
	if err := os.WriteFile(own, []byte("<h1>my own homepage</h1>"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := exportRun(t, site)
	if code != exitUsage || !strings.Contains(stderr, `"index.html"`) || !strings.Contains(stderr, exportMarker) {
		t.Fatalf("exit %d, stderr %q; want %d, naming index.html and the missing %s", code, stderr, exitUsage, exportMarker)
	}
	if b, err := os.ReadFile(own); err != nil || string(b) != "<h1>my own homepage</h1>" {
		t.Fatalf("the user's index.html is gone or changed: %q, %v", b, err)
	}
}

// A previous export (the marker and its files) is accepted; the marker
// with a file of someone's beside it is not, and that file is named.
func TestCheckTargetWantsTheMarkerAndNothingElse(t *testing.T) {
	prev := filepath.Join(t.TempDir(), "site")
	fakeExport(t, prev)
	if err := checkTarget(prev, "/"); err != nil {
		t.Fatalf("a previous export was refused: %v", err)
	}
	if err := os.WriteFile(filepath.Join(prev, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkTarget(prev, "/"); err == nil || !strings.Contains(err.Error(), `"notes.txt"`) {
		t.Fatalf("a previous export with notes.txt added: %v; want a refusal naming it", err)
	}
}

// Review 18: DIR a symlink was replaced by a directory, the directory
// it pointed to left with the old export. It is refused, the link kept.
func TestWebExportRefusesASymlink(t *testing.T) {
	parent := t.TempDir()
	real := filepath.Join(parent, "real")
	fakeExport(t, real)
	link := filepath.Join(parent, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	code, stderr := exportRun(t, link)
	if code != exitUsage || !strings.Contains(stderr, "symbolic link") || !strings.Contains(stderr, real) {
		t.Fatalf("exit %d, stderr %q; want %d, saying it is a link to %s", code, stderr, exitUsage, real)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
}

// Review 18: --export . from an empty directory (or from a previous
// export) would rename the working directory away. Refused, untouched.
func TestWebExportRefusesTheWorkingDirectory(t *testing.T) {
	for name, fill := range map[string]func(string){
		"empty":           func(string) {},
		"previous export": func(dir string) { fakeExport(t, dir) },
	} {
		t.Run(name, func(t *testing.T) {
			wd := filepath.Join(t.TempDir(), "here")
			if err := os.Mkdir(wd, 0o755); err != nil {
				t.Fatal(err)
			}
			fill(wd)
			t.Chdir(wd)
			for _, dir := range []string{".", wd, ".."} {
				code, stderr := exportRun(t, dir)
				if code != exitUsage || !strings.Contains(stderr, "working directory") {
					t.Fatalf("--export %s: exit %d, stderr %q; want %d and why", dir, code, stderr, exitUsage)
				}
			}
			if fi, err := os.Stat(wd); err != nil || !fi.IsDir() {
				t.Fatalf("the working directory is gone: %v", err)
			}
		})
	}
}

// cancelOn is a writer that cancels when it is written text holding
// what: an interrupt at a known point of the command.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	what   string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if strings.Contains(string(p), w.what) {
		w.cancel()
	}
	return w.buf.Write(p)
}

// ctrl+c during the build: "export interrupted; DIR is unchanged", and
// it is: the previous export as it was, no temporary directory beside
// it; exit 1, as every failure of cmd/tokensim that is not bad input.
func TestWebExportInterrupted(t *testing.T) {
	parent := t.TempDir()
	site := filepath.Join(parent, "site")
	fakeExport(t, site)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &cancelOn{what: "building the WebAssembly player", cancel: cancel}
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: stderr}
	code := e.webExportUntil(ctx, []string{"--export", site})
	if want := "tokensim web: export interrupted; " + site + " is unchanged\n"; code != exitFailed || !strings.HasSuffix(stderr.buf.String(), want) {
		t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.buf.String(), exitFailed, want)
	}
	for _, f := range append([]string{exportMarker}, exportFiles...) {
		if b, err := os.ReadFile(filepath.Join(site, f)); err != nil || string(b) != "old "+f {
			t.Fatalf("%s changed: %q %v", f, b, err)
		}
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Fatalf("left beside the export: %v", ents)
	}
}
