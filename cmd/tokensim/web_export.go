package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// tokensim web --export DIR writes a static build: the page (web/page) and
// the player compiled to WebAssembly (cmd/tokensim-wasm), which any web
// server can serve. No tokensim runs behind it, so it has no room and no
// tokensim serve.

// exportFiles are the files an export writes, and with exportMarker the
// only names a previous export holds (checkTarget).
var exportFiles = []string{"index.html", "app.js", "style.css", "wasm-boot.js", "wasm_exec.js", "tokensim.wasm"}

// exportMarker is the file an export writes beside exportFiles (its
// text: markerText): a DIR that holds it, and nothing but exportFiles
// beside it, is a previous export and is replaced; names alone are no
// proof (a hand-written site has an index.html too).
const exportMarker = ".tokensim-export"

// The module an export is built from.
const modulePath = "github.com/tokensim/tokensim"

var (
	errNotCheckout = errors.New("tokensim web --export builds the player from tokensim's source: run it in a tokensim checkout (e.g. go run ./cmd/tokensim web --export DIR)")
	errNotExport   = errors.New("is not empty and is not a previous export")
)

const webExportExamples = `  go run ./cmd/tokensim web --export site     # in a tokensim checkout; then: python3 -m http.server -d site
`

// wantsExport says whether args of tokensim web ask for --export: then
// webExport takes them all (cmd/tokensim/web.go's hook).
func wantsExport(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "export" {
			return true
		}
	}
	return false
}

// webExport is tokensim web --export DIR.
func (e *env) webExport(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return e.webExportUntil(ctx, args)
}

// webExportUntil is webExport with its interrupt in the caller's hands.
func (e *env) webExportUntil(ctx context.Context, args []string) int {
	fl := newFlags("web", "web --export DIR", webExportExamples, e.stderr)
	dir := fl.String("export", "", "write a static build to DIR (the player as WebAssembly; no server, no room)")
	pos, code, ok := fl.parse(args, e.stdout)
	if !ok {
		return code
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "tokensim web: "+format+"\n", a...)
		return exitUsage
	}
	if len(pos) > 0 {
		return bad("unexpected argument %q (with --export, only --export DIR)", pos[0])
	}
	if *dir == "" {
		return bad("--export needs a directory")
	}
	wd, err := os.Getwd()
	if err != nil {
		return bad("%v", err)
	}
	target, err := filepath.Abs(*dir)
	if err != nil {
		return bad("%v", err)
	}
	if err := checkTarget(target, wd); err != nil {
		return bad("%v", err)
	}
	// On ctrl+c the go command is killed (exec.CommandContext) and
	// export removes its temporary directory: target is as it was, as
	// export renames into it only once the build is whole and ctx live.
	// Exit 1, not 130: cmd/tokensim has three statuses (main.go).
	interrupted := func() int {
		fmt.Fprintf(e.stderr, "tokensim web: export interrupted; %s is unchanged\n", target)
		return exitFailed
	}
	root, err := moduleRoot(ctx, wd)
	if ctx.Err() != nil {
		return interrupted()
	}
	if err != nil {
		return bad("%v", err)
	}
	fmt.Fprintf(e.stderr, "tokensim web: building the WebAssembly player from %s (GOOS=js GOARCH=wasm; a minute on a slow machine)\n", root)
	if err := export(ctx, root, target, wd); err != nil {
		if ctx.Err() != nil {
			return interrupted()
		}
		// A failed build is not bad input: exit 1, with the go tool's stderr.
		fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(e.stdout, "tokensim web: wrote %s\n", target)
	for _, name := range exportFiles {
		raw, gz, err := sizes(filepath.Join(target, name))
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim web: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(e.stdout, "  %-14s %10s  (%s gzip -9)\n", name, mb(raw), mb(gz))
	}
	fmt.Fprintf(e.stdout, "Serve it over HTTP (a page opened as a file may not load tokensim.wasm), for example:\n"+
		"  python3 -m http.server -d %s 8000    # then open http://127.0.0.1:8000/\n"+
		"A server that sends tokensim.wasm as Content-Type: application/wasm lets the browser compile it while it downloads;\n"+
		"with another type the page downloads it first, then compiles.\n", shellQuote(target))
	return exitOK
}

// moduleRoot is the directory of tokensim's go.mod, as `go env GOMOD`
// finds it from wd, or errNotCheckout.
func moduleRoot(ctx context.Context, wd string) (string, error) {
	out, err := goCmd(ctx, wd, nil, "env", "GOMOD")
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(out)
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("%s is not in a Go module: %w", wd, errNotCheckout)
	}
	f, err := os.Open(gomod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if mod, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			if strings.Trim(strings.TrimSpace(mod), `"`) != modulePath {
				return "", fmt.Errorf("%s is module %s: %w", gomod, strings.TrimSpace(mod), errNotCheckout)
			}
			return filepath.Dir(gomod), nil
		}
	}
	return "", fmt.Errorf("%s names no module: %w", gomod, errNotCheckout)
}

// export builds the static site into a temporary directory beside
// target and puts it in target's place: a reader of target sees the old
// export or the new one, never half of one (two renames; between them,
// for an instant, no directory).
func export(ctx context.Context, root, target, wd string) error {
	parent, base := filepath.Dir(target), filepath.Base(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // after a successful rename there is nothing left here
	if err := buildWasm(ctx, root, filepath.Join(tmp, "tokensim.wasm")); err != nil {
		return err
	}
	if err := writePage(ctx, root, tmp); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, exportMarker), []byte(markerText()), 0o644); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return err
	}
	if err := ctx.Err(); err != nil { // interrupted: target stays as it was
		return err
	}
	// Checked again: the build took a minute, and a directory filled
	// meanwhile must not be replaced.
	if err := checkTarget(target, wd); err != nil {
		return err
	}
	return replaceDir(tmp, target)
}

// writePage copies the page from the source tree (the one the wasm was
// built from), the boot file included, and Go's wasm_exec.js from the
// toolchain. index.html loads wasm_exec.js and wasm-boot.js before
// app.js: that is the only difference from the page tokensim web serves.
func writePage(ctx context.Context, root, dir string) error {
	page := filepath.Join(root, "web", "page")
	for _, name := range []string{"app.js", "style.css", "wasm-boot.js"} {
		if err := copyFile(filepath.Join(page, name), filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	html, err := os.ReadFile(filepath.Join(page, "index.html"))
	if err != nil {
		return err
	}
	static, err := staticIndex(string(html))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(static), 0o644); err != nil {
		return err
	}
	goroot, err := goCmd(ctx, root, nil, "env", "GOROOT")
	if err != nil {
		return err
	}
	// Go 1.24 moved it from misc/wasm to lib/wasm.
	return copyFile(filepath.Join(strings.TrimSpace(goroot), "lib", "wasm", "wasm_exec.js"), filepath.Join(dir, "wasm_exec.js"))
}

// appScript is how index.html loads app.js.
const appScript = `<script src="app.js"></script>`

// staticIndex is index.html for the static build.
func staticIndex(html string) (string, error) {
	if strings.Count(html, appScript) != 1 {
		return "", fmt.Errorf("web/page/index.html: want one %s to put the wasm boot before", appScript)
	}
	return strings.Replace(html, appScript, `<script src="wasm_exec.js"></script>`+"\n"+`<script src="wasm-boot.js"></script>`+"\n"+appScript, 1), nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// sizes is the file's size and its size gzipped at level 9.
func sizes(path string) (raw, gz int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	var c counter
	zw, err := gzip.NewWriterLevel(&c, gzip.BestCompression)
	if err != nil {
		return 0, 0, err
	}
	if raw, err = io.Copy(zw, f); err != nil {
		return 0, 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, 0, err
	}
	return raw, c.n, nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func mb(n int64) string {
	if n < 100_000 {
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

func shellQuote(s string) string {
	if !strings.ContainsAny(s, " '\"\\$`!*?&;|<>(){}[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// goCmd runs the go command in dir with env added and returns its output.
func goCmd(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	// Interrupted, the go command is asked to stop as a terminal's
	// ctrl+c would, and removes its work directory; killed if it has
	// not ended 5 s later (go build waits for its running compiles, 37 s
	// measured on a loaded 2-core machine), or where it takes no
	// interrupt. A killed build's work directory is under buildWasm's
	// GOTMPDIR, which buildWasm removes.
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(err, exec.ErrNotFound) {
		return "", fmt.Errorf("the Go toolchain (go) is not on PATH: %w", err)
	}
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// modInfo is what `go mod download -json` says of a module.
type modInfo struct{ Path, Version, Dir, Error string }

// wasmPatched are the modules that do not compile for js/wasm as they
// are, and the file of ours (cmd/tokensim-wasm/_overlay) each needs.
var wasmPatched = []struct{ path, overlay string }{
	{"charm.land/bubbletea/v2", "bubbletea_js.go"},
	{"github.com/atotto/clipboard", "clipboard_js.go"},
}

// buildWasm builds cmd/tokensim-wasm for GOOS=js GOARCH=wasm into out.
// bubbletea v2.1.1 and atotto/clipboard v0.1.4 lack a js file for a few
// unexported symbols (cmd/tokensim-wasm/NOTES.md), and `go build
// -overlay` refuses files under GOMODCACHE: each module is copied
// unchanged from the module cache (at go.mod's version) into a temporary
// directory, our file is added to the copy, and a temporary go.work's
// replace directives point the build at the copies. Nothing third-party
// is written into the repository; go.mod is not touched.
func buildWasm(ctx context.Context, root, out string) error {
	tmp, err := os.MkdirTemp("", "tokensim-wasm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	args := []string{"mod", "download", "-json"}
	for _, m := range wasmPatched {
		args = append(args, m.path)
	}
	js, err := goCmd(ctx, root, nil, args...)
	if err != nil {
		return err
	}
	goVersion, err := goCmd(ctx, root, nil, "list", "-m", "-f", "{{.GoVersion}}")
	if err != nil {
		return err
	}
	work := fmt.Sprintf("go %s\nuse %s\n", strings.TrimSpace(goVersion), root)
	dec := json.NewDecoder(strings.NewReader(js))
	for _, m := range wasmPatched {
		var info modInfo
		if err := dec.Decode(&info); err != nil {
			return fmt.Errorf("go mod download -json: %w", err)
		}
		if info.Path != m.path || info.Error != "" || info.Dir == "" {
			return fmt.Errorf("go mod download %s: %q %s", m.path, info.Path, info.Error)
		}
		copyDir := filepath.Join(tmp, strings.ReplaceAll(m.path, "/", "_"))
		if err := os.CopyFS(copyDir, os.DirFS(info.Dir)); err != nil {
			return fmt.Errorf("copying %s: %w", m.path, err)
		}
		if err := copyFile(filepath.Join(root, "cmd", "tokensim-wasm", "_overlay", m.overlay), filepath.Join(copyDir, "zz_tokensim_js.go")); err != nil {
			return err
		}
		work += fmt.Sprintf("replace %s %s => %s\n", m.path, info.Version, copyDir)
	}
	if err := os.WriteFile(filepath.Join(tmp, "go.work"), []byte(work), 0o644); err != nil {
		return err
	}
	// GOTMPDIR: go build's work directory inside tmp, removed with it
	// even when an interrupted build had to be killed.
	gotmp := filepath.Join(tmp, "gotmp")
	if err := os.Mkdir(gotmp, 0o700); err != nil {
		return err
	}
	env := []string{"GOWORK=" + filepath.Join(tmp, "go.work"), "GOOS=js", "GOARCH=wasm", "GOTMPDIR=" + gotmp}
	// -trimpath: no paths of this machine in the file; -s -w: no symbol
	// table or DWARF (the page never debugs it).
	_, err = goCmd(ctx, root, env, "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/tokensim-wasm")
	return err
}
