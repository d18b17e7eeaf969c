package progress

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "tokensim", FileName)
}

func mustOpen(t *testing.T, path string) *File {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatalf("Open: unexpected warning: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A record saved survives a restart: Close writes it, Open reads it.
func TestFileRoundTrip(t *testing.T) {
	path := testPath(t)
	f := mustOpen(t, path)
	want := Record{Steps: 9, Step: 4, Answers: map[int]int{3: 2}}
	if err := f.Save("login", want); err != nil {
		t.Fatal(err)
	}
	want.Answers[3] = 1 // the store keeps its own copy
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	g := mustOpen(t, path)
	got, ok := g.Load("login")
	if !ok || got.Step != 4 || got.Steps != 9 || got.Answers[3] != 2 {
		t.Fatalf("after a restart: %+v, %v", got, ok)
	}
	if _, ok := g.Load("expiry"); ok {
		t.Error("a lesson never saved has a record")
	}
	data, _ := os.ReadFile(path)
	var ff fileFormat
	if err := json.Unmarshal(data, &ff); err != nil || ff.Version != Version {
		t.Errorf("file: version %d, %v", ff.Version, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v, %v", fi.Mode(), err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// The writer writes in the background: Flush is what Close waits for.
func TestFileFlushWritesLatest(t *testing.T) {
	path := testPath(t)
	f := mustOpen(t, path)
	for i := 1; i <= 20; i++ {
		f.Save("login", Record{Steps: 20, Step: i})
	}
	if err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var ff fileFormat
	if err := json.Unmarshal(data, &ff); err != nil || ff.Lessons["login"].Step != 20 {
		t.Fatalf("written: %s (%v)", data, err)
	}
}

// setAside opens a File over content that must not be read, and checks
// the warning, the empty progress and the backup holding the old bytes.
func setAside(t *testing.T, content, wantWhy string) {
	t.Helper()
	path := testPath(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, warn := Open(path)
	defer f.Close()
	if warn == nil || !strings.Contains(warn.Error(), wantWhy) || strings.Contains(warn.Error(), "\n") {
		t.Fatalf("warning %v, want one line with %q", warn, wantWhy)
	}
	if _, ok := f.Load("login"); ok {
		t.Error("progress is not empty")
	}
	bad, _ := filepath.Glob(path + ".bad-*")
	if len(bad) != 1 {
		t.Fatalf("backups: %v", bad)
	}
	if kept, _ := os.ReadFile(bad[0]); string(kept) != content {
		t.Errorf("backup holds %q, want %q", kept, content)
	}
	if !strings.Contains(warn.Error(), bad[0]) {
		t.Errorf("warning %q does not name the backup %s", warn, bad[0])
	}
	// Saving afterwards writes a new file and leaves the backup alone.
	f.Save("login", Record{Steps: 3, Step: 1})
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if kept, _ := os.ReadFile(bad[0]); string(kept) != content {
		t.Errorf("backup changed to %q", kept)
	}
	g := mustOpen(t, path)
	if r, ok := g.Load("login"); !ok || r.Step != 1 {
		t.Errorf("new file: %+v %v", r, ok)
	}
}

func TestFileCorrupt(t *testing.T) {
	setAside(t, `{"version":1,"lessons":{"login":{"step":`, "not a progress file")
}

func TestFileFutureVersion(t *testing.T) {
	setAside(t, `{"version":99,"lessons":{"login":{"step":2,"steps":9}},"streaks":[1]}`, "version 99, newer")
}

func TestFileNoVersion(t *testing.T) {
	setAside(t, `{"lessons":{"login":{"step":2,"steps":9}}}`, "no version")
}

// A path that cannot be read (here a directory, which root cannot read
// as a file either) is set aside too.
func TestFileUnreadable(t *testing.T) {
	path := testPath(t)
	if err := os.MkdirAll(filepath.Join(path, "inside"), 0o700); err != nil {
		t.Fatal(err)
	}
	f, warn := Open(path)
	defer f.Close()
	if warn == nil || !strings.Contains(warn.Error(), "cannot read") {
		t.Fatalf("warning: %v", warn)
	}
	bad, _ := filepath.Glob(path + ".bad-*")
	if len(bad) != 1 {
		t.Fatalf("backups: %v", bad)
	}
	if _, err := os.Stat(filepath.Join(bad[0], "inside")); err != nil {
		t.Errorf("the unreadable entry was not kept: %v", err)
	}
}

// A state directory that cannot be made (a file stands in its place):
// one warning, empty progress kept in memory, and no crash on Save.
func TestFileUnwritable(t *testing.T) {
	root := t.TempDir()
	blocker := filepath.Join(root, "tokensim")
	if err := os.WriteFile(blocker, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, warn := Open(filepath.Join(blocker, FileName))
	if warn == nil || !strings.Contains(warn.Error(), "will not be saved") {
		t.Fatalf("warning: %v", warn)
	}
	if err := f.Save("login", Record{Steps: 3, Step: 2}); err != nil {
		t.Errorf("Save: %v", err)
	}
	if r, ok := f.Load("login"); !ok || r.Step != 2 {
		t.Errorf("in memory: %+v %v", r, ok)
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if b, _ := os.ReadFile(blocker); string(b) != "not a directory" {
		t.Errorf("the file in the way was changed: %q", b)
	}
}

// A write that fails after Open (the directory gone read-only, or here
// replaced by a file) is reported once by Save, then not again.
func TestFileWriteFailureReportedOnce(t *testing.T) {
	path := testPath(t)
	f := mustOpen(t, path)
	dir := filepath.Dir(path)
	os.RemoveAll(dir)
	os.WriteFile(dir, []byte("x"), 0o600)
	f.Save("login", Record{Steps: 3, Step: 1})
	if err := f.Flush(); err == nil {
		t.Fatal("Flush into a file succeeded")
	}
	if err := f.Save("login", Record{Steps: 3, Step: 2}); err == nil || !strings.Contains(err.Error(), "not saved") {
		t.Errorf("first Save after the failure: %v", err)
	}
	f.Flush()
	if err := f.Save("login", Record{Steps: 3, Step: 3}); err != nil {
		t.Errorf("second Save reported again: %v", err)
	}
}

func TestFileReset(t *testing.T) {
	path := testPath(t)
	f := mustOpen(t, path)
	f.Save("login", Record{Steps: 3, Step: 1})
	f.Save("expiry", Record{Steps: 3, Step: 3, Done: true})
	n, err := f.Reset()
	if err != nil || n != 2 {
		t.Fatalf("Reset: %d, %v", n, err)
	}
	f.Close()
	g := mustOpen(t, path)
	if _, ok := g.Load("login"); ok {
		t.Error("a record survived Reset")
	}
}

func TestSaveAfterClose(t *testing.T) {
	f := mustOpen(t, testPath(t))
	f.Close()
	if err := f.Save("login", Record{}); err != ErrClosed {
		t.Errorf("Save after Close: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		env  func(string) string
		want string
	}{
		{env("XDG_STATE_HOME", "/s", "HOME", "/h"), "/s/tokensim/progress.json"},
		{env("HOME", "/h"), "/h/.local/state/tokensim/progress.json"},
		{env("XDG_STATE_HOME", "rel", "HOME", "/h"), "/h/.local/state/tokensim/progress.json"},
	} {
		if got, err := DefaultPath(c.env); err != nil || got != c.want {
			t.Errorf("DefaultPath = %q, %v; want %q", got, err, c.want)
		}
	}
	if Disabled(env()) || !Disabled(env(EnvDisable, "1")) {
		t.Error("Disabled")
	}
}

func TestMark(t *testing.T) {
	for _, c := range []struct {
		r    Record
		ok   bool
		want string
	}{
		{Record{}, false, "○ not started"},
		{Record{Steps: 9}, true, "○ not started"},
		{Record{Steps: 9, Step: 4}, true, "◐ in progress: step 4 of 9"},
		{Record{Steps: 9, Step: 9, Done: true, Right: 2, Quizzes: 3}, true, "✓ done · quiz 2 of 3 right"},
		{Record{Steps: 9, Step: 9, Done: true}, true, "✓ done · no quiz"},
	} {
		if got := Mark(c.r, c.ok); got != c.want {
			t.Errorf("Mark(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}
