package text_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
)

// wrapReference is Wrap written the plain way: every word measures the
// whole line again with ansi.StringWidth. Wrap must break every text
// exactly where it does (it keeps a line's width as it goes, for speed).
func wrapReference(s string, width int) string {
	if width < 10 {
		width = 10
	}
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
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

// oddTexts are texts the fast path does not measure: wide runes, combining
// marks, emoji, escape sequences, empty paragraphs, overlong words.
var oddTexts = []string{
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

// catalogueTexts is every text of the built-in lessons.
func catalogueTexts(t *testing.T) []string {
	t.Helper()
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, sc := range cat {
		texts = append(texts, sc.Texts()...)
	}
	return texts
}

// TestWrapMatchesReference: every text of the catalogue, and the odd
// texts, wrap as the reference does at every width from -1 to 120.
func TestWrapMatchesReference(t *testing.T) {
	for _, s := range append(oddTexts, catalogueTexts(t)...) {
		for width := -1; width <= 120; width++ {
			if got, want := text.Wrap(s, width), wrapReference(s, width); got != want {
				t.Fatalf("Wrap(%q, %d) =\n%q\nwant\n%q", s, width, got, want)
			}
		}
	}
}

// TestWrap states Wrap's contract by example.
func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"", 20, ""},
		{"  one  two  ", 20, "one two"},
		{"one two three four", 10, "one two\nthree four"},
		{"one two three four", 3, "one two\nthree four"}, // MinWidth
		{"a\nb\n\nc", 20, "a b\n\nc"},                    // paragraphs kept, lines refilled
		{"averyveryverylongword x", 10, "averyveryverylongword\nx"},
		{"日本語 日本語 日本語", 14, "日本語 日本語\n日本語"}, // two cells a rune
		{"\x1b[1mbold\x1b[0m word", 10, "\x1b[1mbold\x1b[0m word"},
	} {
		if got := text.Wrap(c.in, c.width); got != c.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
	if got := text.Lines("  ", 20); got != nil {
		t.Errorf("Lines of no words = %q, want nil", got)
	}
	if got := text.Lines("a b\n\nc", 20); strings.Join(got, "|") != "a b||c" {
		t.Errorf("Lines = %q", got)
	}
	if got := text.Hang("1. one two three four five", 12, "   "); got != "1. one two\n   three four\n   five" {
		t.Errorf("Hang = %q", got)
	}
}

// TestWidth: the fast path agrees with ansi.StringWidth.
func TestWidth(t *testing.T) {
	for _, s := range append(oddTexts, "┌─┐ ✓ ✗ → ·", "plain", "\x1b[31mred\x1b[0m", "\x1b(B odd escape") {
		for _, line := range strings.Split(s, "\n") {
			if got, want := text.Width(line), ansi.StringWidth(line); got != want {
				t.Errorf("Width(%q) = %d, want %d", line, got, want)
			}
		}
	}
}

// BenchmarkWrap wraps a long narration, as the player does every frame.
func BenchmarkWrap(b *testing.B) {
	s := strings.Repeat("The access token is a bearer token: whoever holds it can call the API → until it expires ✓. ", 20)
	b.ReportAllocs()
	for b.Loop() {
		text.Wrap(s, 72)
	}
}

func TestUnfold(t *testing.T) {
	in := "The app calls\nthe API.\n\n\n  A second\n  paragraph.  \n\n   \n"
	if got, want := text.Unfold(in), "The app calls the API.\n\nA second paragraph."; got != want {
		t.Errorf("Unfold = %q, want %q", got, want)
	}
	if got := text.Unfold(""); got != "" {
		t.Errorf("Unfold(\"\") = %q", got)
	}
}
