package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
)

// runeWrap is the text exporter's own wrap before it used internal/text:
// lines of at most width runes. text.Lines counts terminal cells instead,
// takes widths under text.MinWidth as MinWidth, and keeps an empty
// paragraph as a paragraph; none of that differs for the catalogue, whose
// texts are one cell a rune and have no empty paragraphs, at the widths
// the exporter wraps to.
func runeWrap(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, line)
		}
		out = append(out, "")
	}
	if len(out) > 0 {
		out = out[:len(out)-1]
	}
	return out
}

// TestLinesAsBefore: every text of the catalogue breaks where the text
// export broke it before it shared internal/text's Wrap.
func TestLinesAsBefore(t *testing.T) {
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, sc := range cat {
		texts = append(texts, sc.Texts()...)
	}
	for _, s := range texts {
		for width := text.MinWidth; width <= 120; width++ {
			if got, want := text.Lines(s, width), runeWrap(s, width); !slices.Equal(got, want) {
				t.Fatalf("Lines(%q, %d) =\n%q\nthe text export wrapped it\n%q", s, width, got, want)
			}
		}
	}
}
