package scenarios

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFileLines is issue 13's rule, ARCHITECTURE.md invariant 9: a source
// file past one long read is two concepts, and is split by concept.
const maxFileLines = 400

// TestNoFileOverLimit walks the repository's non-test Go files and fails on
// any over maxFileLines lines, naming each with its count.
func TestNoFileOverLimit(t *testing.T) {
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != ".." && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		if n := bytes.Count(data, []byte("\n")); n > maxFileLines {
			t.Errorf("%s has %d lines, over %d: split it by concept (ARCHITECTURE.md invariant 9)", path, n, maxFileLines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d Go files found: the walk did not reach the repository", checked)
	}
}
