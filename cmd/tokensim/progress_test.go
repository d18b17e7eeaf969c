package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// lessonCount is the catalogue's size, which the path's header states.
func lessonCount(t *testing.T) string {
	t.Helper()
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(len(cat))
}

// progressHome points the state directory at a temporary one and returns
// the progress file's path there.
func progressHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv(progress.EnvDisable, "")
	path, err := progress.DefaultPath(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProgressCommand(t *testing.T) {
	path := progressHome(t)
	f, err := progress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Save("login", progress.Record{Steps: 2, Step: 2, Done: true, Right: 1, Quizzes: 1})
	f.Save("expiry", progress.Record{Steps: 7, Step: 3})
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := cli(t, "", "progress")
	if code != exitOK || errOut != "" {
		t.Fatalf("progress: %d, %q", code, errOut)
	}
	for _, want := range []string{
		"Your path: 1 of " + lessonCount(t) + " lessons done (" + path + ")",
		"\nbeginner\n", "\nintermediate\n", "\nadvanced\n",
		"  1  login                       ✓ done · quiz 1 of 1 right\n",
		"  3  expiry                      ◐ in progress: step 3 of 7\n",
		"  2  bearer-calls                ○ not started\n",
		"Next: tokensim play bearer-calls",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}
	// A stable width off a terminal: the lines of lessons all fit 80
	// columns, whatever the terminal.
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, " ") && len([]rune(l)) > 80 {
			t.Errorf("line wider than 80 columns: %q", l)
		}
	}

	code, out, _ = cli(t, "", "progress", "--reset")
	if code != exitOK || out != "Cleared the progress of 2 lessons in "+path+".\n" {
		t.Errorf("--reset: %d %q", code, out)
	}
	_, out, _ = cli(t, "", "progress")
	if !strings.Contains(out, "0 of "+lessonCount(t)+" lessons done") || strings.Contains(out, "✓") {
		t.Errorf("after --reset:\n%s", out)
	}
}

// A corrupt file: one warning line, the path unmarked, the file kept.
func TestProgressCommandCorrupt(t *testing.T) {
	path := progressHome(t)
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("{not json"), 0o600)
	code, out, errOut := cli(t, "", "progress")
	if code != exitOK || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "kept as") {
		t.Errorf("corrupt file: exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "0 of "+lessonCount(t)+" lessons done") {
		t.Errorf("corrupt file: %s", out)
	}
	if bad, _ := filepath.Glob(path + ".bad-*"); len(bad) != 1 {
		t.Errorf("backups: %v", bad)
	}
}

func TestProgressCommandOff(t *testing.T) {
	progressHome(t)
	t.Setenv(progress.EnvDisable, "1")
	code, out, _ := cli(t, "", "progress")
	if code != exitOK || !strings.Contains(out, "turned off") {
		t.Errorf("off: %d %q", code, out)
	}
	if f, _ := openProgress(false); f != nil {
		t.Error("TOKENSIM_NO_PROGRESS=1 opened the progress file")
	}
	t.Setenv(progress.EnvDisable, "")
	if f, _ := openProgress(true); f != nil {
		t.Error("--no-progress opened the progress file")
	}
	f, warn := openProgress(false)
	if f == nil || warn != "" {
		t.Fatalf("progress on: %v %q", f, warn)
	}
	f.Close()
}
