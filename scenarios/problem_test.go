package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestBadFiles loads every file of the committed bad corpus and compares
// the validator's messages with testdata/TestBadFiles/<name>.golden. Every
// problem of a file is reported at once, each as file:line:col: message.
// Refresh deliberately with: go test ./scenarios -run TestBadFiles -update
func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad corpus: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := Load(filepath.ToSlash(f), data)
			if err == nil {
				t.Fatalf("%s loaded as %q; it must be refused", f, sc.ID)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			var probs Problems
			if !errors.As(err, &probs) || len(probs) == 0 {
				t.Fatalf("error is not Problems: %T %v", err, err)
			}
			for _, p := range probs {
				if p.Pos.Line < 1 || p.Pos.Col < 1 {
					t.Errorf("problem without a position: %v", p)
				}
			}
			golden.RequireEqual(t, err.Error()+"\n")
		})
	}
}

// TestTypoSuggestions checks "did you mean" on keys, actions, parameters
// and values, the four places authors misspell.
func TestTypoSuggestions(t *testing.T) {
	data, _ := os.ReadFile("testdata/bad/typos.yaml")
	_, err := Load("typos.yaml", data)
	for _, want := range []string{`"titel" (did you mean "title"?)`, `"lgoin" (did you mean "login"?)`,
		`"pth" (did you mean "path"?)`, `"script-injecton"`, `(did you mean "script-injection"?)`,
		`"stauts" (did you mean "status"?)`, `"beginer"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want a problem mentioning %s; got:\n%v", want, err)
		}
	}
}

// FuzzLoad feeds arbitrary bytes to the loader: it never panics, and it
// returns either a scenario or positioned problems, never both, never
// neither.
func FuzzLoad(f *testing.F) {
	for _, g := range []string{"catalogue/*.yaml", "testdata/bad/*.yaml"} {
		files, _ := filepath.Glob(g)
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("id: x\nsteps: [{do: login, narration: a}]"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("? [a]\n: b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Load("fuzz.yaml", data)
		if err == nil {
			// What validates must run: no step of a valid file may crash the
			// engine (EdDSA keeps each run cheap).
			if _, err := Execute(sc, Options{Set: []Setting{{Key: "alg", Value: "EdDSA"}}}); err != nil {
				t.Fatalf("a valid scenario does not run: %v", err)
			}
		}
		switch {
		case err == nil && sc == nil:
			t.Fatal("neither a scenario nor an error")
		case err != nil && sc != nil:
			t.Fatal("both a scenario and an error")
		case err != nil:
			var probs Problems
			if !errors.As(err, &probs) || len(probs) == 0 {
				t.Fatalf("error is not positioned problems: %v", err)
			}
			for _, p := range probs {
				if p.Pos.Line < 1 || p.Pos.Col < 1 {
					t.Fatalf("problem without a position: %v", p)
				}
			}
		}
	})
}
