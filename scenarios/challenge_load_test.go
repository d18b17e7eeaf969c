package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestBadChallenges is TestBadFiles for challenge files: each bad file is
// refused with every problem positioned, and the messages match the
// goldens (go test ./scenarios -run TestBadChallenges -update).
func TestBadChallenges(t *testing.T) {
	files, err := filepath.Glob("testdata/bad-challenges/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad corpus: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := LoadChallenge(filepath.ToSlash(f), data)
			if err == nil {
				t.Fatalf("%s loaded as %q; it must be refused", f, c.ID)
			}
			var probs Problems
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &probs) || len(probs) == 0 {
				t.Fatalf("error is not Problems matching ErrInvalid: %T %v", err, err)
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
