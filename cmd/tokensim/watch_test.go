package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWatcher: a watcher reports a path when its content, size, time or
// existence changes, and only then; in a directory, only its scenario
// files count. It is driven by calls, never by the wall clock.
func TestWatcher(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.yaml")
	write := func(path, s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(f, "id: a\n")
	w := newWatcher([]string{f, dir})
	if got := w.changed(); len(got) != 0 {
		t.Fatalf("nothing changed, got %v", got)
	}
	// Another content of the same size, with the same modification time:
	// the hash tells them apart.
	st, _ := os.Stat(f)
	write(f, "id: b\n")
	if err := os.Chtimes(f, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if got := w.changed(); !slices.Equal(got, []string{f, dir}) {
		t.Errorf("same size, same time, new content: changed %v", got)
	}
	if got := w.changed(); len(got) != 0 {
		t.Errorf("a second look without a change: %v", got)
	}
	write(filepath.Join(dir, "notes.txt"), "not a lesson")
	if got := w.changed(); len(got) != 0 {
		t.Errorf("a file that is not a scenario changed the directory: %v", got)
	}
	write(filepath.Join(dir, "b.yml"), "id: c\n")
	if got := w.changed(); !slices.Equal(got, []string{dir}) {
		t.Errorf("a new lesson in the directory: changed %v", got)
	}
	os.Remove(f)
	if got := w.changed(); !slices.Equal(got, []string{f, dir}) {
		t.Errorf("a removed file: changed %v", got)
	}
	write(f, "id: b\n")
	if got := w.changed(); !slices.Equal(got, []string{f, dir}) {
		t.Errorf("the file back: changed %v", got)
	}
}

// TestValidateWatch: validate --watch validates, then again on each tick
// that finds a file changed, saying when and which; problems show as
// file:line:col and the watch goes on, with the last status. Ticks are
// calls here (the command's ticker calls the same), so no test sleeps.
func TestValidateWatch(t *testing.T) {
	src, err := os.ReadFile("../../scenarios/catalogue/login.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "my-lesson.yaml")
	write := func(b []byte) {
		t.Helper()
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(src)
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb}
	v, ok := e.startRevalidation([]string{f, "login"})
	if !ok || v.status != exitOK {
		t.Fatalf("start: %v, status %d\n%s", ok, v.status, errb.String())
	}
	at := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	tick := func() { at = at.Add(time.Second); v.tick(at) }

	tick() // no change: nothing printed
	write(bytes.Replace(src, []byte("do: call"), []byte("do: cal"), 1))
	tick()
	if v.status != exitUsage {
		t.Errorf("status %d for the typo, want 2", v.status)
	}
	write(src)
	tick()
	tick()
	if v.status != exitOK {
		t.Errorf("status %d after the fix, want 0", v.status)
	}
	ok1 := f + ": ok (login, 2 steps)\nlogin: ok (login, 2 steps)\n"
	want := ok1 +
		"\n— 14:00:02: " + f + " changed —\nlogin: ok (login, 2 steps)\n" +
		"\n— 14:00:03: " + f + " changed —\n" + ok1
	if out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
	}
	if e := errb.String(); !strings.HasPrefix(e, "watching "+f+"; ctrl+c to stop\n"+f+":") || !strings.Contains(e, `unknown action "cal"`) {
		t.Errorf("stderr:\n%s", e)
	}
}

// TestEvery: the loop behind the ticker calls f once a tick, in order, and
// ends when its ticks end or its context does.
func TestEvery(t *testing.T) {
	ticks := make(chan time.Time)
	var got []int
	done := make(chan struct{})
	go func() {
		every(context.Background(), ticks, func(at time.Time) { got = append(got, at.Second()) })
		close(done)
	}()
	for s := range 3 {
		ticks <- time.Date(2026, 1, 1, 0, 0, s, 0, time.UTC)
	}
	close(ticks)
	<-done
	if !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("calls %v, want [0 1 2]", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	every(ctx, make(chan time.Time), func(time.Time) { t.Error("a tick that never came") })
}

// TestWatchRefusals: --watch needs something that can change, and play
// --watch needs the interactive player.
func TestWatchRefusals(t *testing.T) {
	for _, c := range []struct {
		args []string
		err  string
	}{
		{[]string{"validate", "--watch", "login"}, "tokensim validate: --watch needs a file or directory to watch"},
		{[]string{"play", "--watch", "testdata/bad.yaml"}, "tokensim play: --watch needs the interactive player"},
		{[]string{"play", "--watch", "--plain", "testdata/bad.yaml"}, "tokensim play: --watch needs the interactive player"},
	} {
		code, _, stderr := cli(t, "", c.args...)
		if code != exitUsage || !strings.HasPrefix(stderr, c.err) {
			t.Errorf("%v: %d %q", c.args, code, stderr)
		}
	}
}
