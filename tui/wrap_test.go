package tui

import (
	"github.com/tokensim/tokensim/internal/tuitest"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// perfTestWrapReference is wrap as it was before it kept a line's width as
// it went: every word measured the whole line again. wrap must break every
// text exactly where it did.
func perfTestWrapReference(text string, width int) string {
	if width < 10 {
		width = 10
	}
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && ansi.StringWidth(line)+1+ansi.StringWidth(w) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line, "")
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n")
}

// TestWrapMatchesReference: every text of the catalogue's lessons, and
// text that the fast path does not measure (wide runes, combining marks,
// emoji, escape sequences, empty paragraphs), wraps as the reference does
// at every width from 1 to 120.
func TestWrapMatchesReference(t *testing.T) {
	cat := tuitest.Catalogue(t)
	texts := []string{
		"",
		"   ",
		"one",
		"a\n\n\n\nb",
		"a\n\n \n\nb\n\n",
		"line one\nline two\n\nnext paragraph  with   spaces",
		"超长的词语 と 日本語のテキスト mixed with ASCII words that wrap",
		"e\u0301 cafe\u0301 \u0301combining at a word's start, na\u0308ive",
		"emoji 👩‍💻 and 🇫🇷 flags ⏱ ✓ ✗ ▶ ◆ ☠ · … arrows → ←",
		"\x1b[1mbold words\x1b[0m inside \x1b]8;;https://example.com\x07a link\x1b]8;;\x07 and more words",
		strings.Repeat("averyveryverylongwordthatdoesnotfit ", 4),
	}
	for _, sc := range cat {
		texts = append(texts, sc.Title, sc.Summary)
		texts = append(texts, sc.Goals...)
		for _, st := range sc.Steps {
			texts = append(texts, st.Title, st.Narration)
			if q := st.Quiz; q != nil {
				texts = append(texts, q.Question, q.Explain)
				texts = append(texts, q.Options...)
			}
		}
	}
	for _, text := range texts {
		for width := 1; width <= 120; width++ {
			if got, want := wrap(text, width), perfTestWrapReference(text, width); got != want {
				t.Fatalf("wrap(%q, %d) =\n%q\nwant\n%q", text, width, got, want)
			}
		}
	}
}
