package text

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// MinWidth is the narrowest width Wrap wraps to: a narrower one is taken
// as MinWidth, so that a panel squeezed to nothing still shows words
// rather than one letter per line.
const MinWidth = 10

// Wrap breaks text into lines of at most width terminal cells, breaking
// only between words, and keeps paragraphs: text is trimmed, split at
// blank lines ("\n\n"), each paragraph's words (strings.Fields) are
// refilled, and paragraphs are joined by one empty line. A word wider than
// the line gets a line of its own, unbroken. Cells are counted as
// ansi.StringWidth counts them: escape sequences take none, and wide runes
// (CJK, most emoji) two. A width under MinWidth is taken as MinWidth. The
// result has no trailing newline; empty text gives "".
//
// It is the TUI's wrap, moved here unchanged (it must break every text
// exactly where the TUI's did: TestWrapMatchesReference).
//
// A line's width is kept as words are added, not measured again for every
// word (that was quadratic in the line's length, and wrapping a step's
// narration was a tenth of a frame); a line with a word the fast path does
// not know is measured whole.
func Wrap(text string, width int) string {
	if width < MinWidth {
		width = MinWidth
	}
	var b strings.Builder
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString("\n\n")
		}
		start := b.Len() // where the line begins in b
		n, simple := 0, true
		for _, w := range strings.Fields(para) {
			ww, ok := simpleWidth(w)
			if b.Len() > start {
				var fit bool
				if simple && ok {
					fit = n+1+ww <= width
				} else {
					fit = ansi.StringWidth(b.String()[start:])+1+ansi.StringWidth(w) <= width
				}
				if !fit {
					b.WriteByte('\n')
					start, n, simple = b.Len(), 0, true
				}
			}
			if b.Len() > start {
				b.WriteByte(' ')
				n++
			}
			b.WriteString(w)
			n += ww
			simple = simple && ok
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Unfold is text as Wrap reads it, with no width: each paragraph's line
// breaks (a YAML block's, written to fit the author's editor) become
// spaces, and paragraphs stay apart, joined by one empty line. It is what
// a reader that wraps for itself gets (the JSON export).
func Unfold(text string) string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	out := paras[:0]
	for _, p := range paras {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// Lines is Wrap's result as lines, for writers that prefix or colour each
// line: nil for text with no words, where splitting "" would give one
// empty line.
func Lines(text string, width int) []string {
	s := Wrap(text, width)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Hang wraps text to width with every line after the first indented by
// indent (numbered options, list items); the first line is not indented,
// and the text is wrapped to width less the indent's length in bytes.
func Hang(text string, width int, indent string) string {
	lines := strings.Split(Wrap(text, width-len(indent)), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// Width is the width of one line in terminal cells, equal to
// ansi.StringWidth(s) but some ten times faster for what the front ends
// draw: printable ASCII, CSI and OSC escape sequences, and runes from the
// symbol blocks they use (box drawing, arrows, ✓ ✗ ▶ ◆ ⏱ ☠ · …), each one
// cell and a grapheme cluster of its own. Anything else goes to
// ansi.StringWidth, which segments graphemes.
func Width(s string) int {
	if n, ok := simpleWidth(s); ok {
		return n
	}
	return ansi.StringWidth(s)
}

// simpleWidth is Width's fast path: the width of s, and true, when s holds
// only printable ASCII, CSI and OSC sequences and narrowTable's runes, each
// a one-cell grapheme cluster of its own (so that the widths of such
// strings add up when they are joined).
func simpleWidth(s string) (int, bool) {
	narrow := narrowTable()
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
			continue
		case c == 0x1b:
			j := SkipEscape(s, i)
			if j < 0 {
				return 0, false
			}
			i = j
			continue
		case c < 0x80:
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if int(r) >= len(narrow) || !narrow[r] {
			return 0, false
		}
		n++
		i += size
	}
	return n, true
}

// SkipEscape returns the index after the CSI or OSC sequence at s[i], or
// -1 for any other sequence (ECMA-48 §5.4 for CSI; OSC ends at BEL or ST).
func SkipEscape(s string, i int) int {
	if i+1 >= len(s) {
		return -1
	}
	switch s[i+1] {
	case '[': // CSI: parameters and intermediates, then a final byte
		for j := i + 2; j < len(s); j++ {
			switch c := s[j]; {
			case c >= 0x40 && c <= 0x7e:
				return j + 1
			case c < 0x20 || c > 0x7e:
				return -1
			}
		}
	case ']': // OSC: up to BEL or ST
		for j := i + 2; j < len(s); j++ {
			switch {
			case s[j] == 0x07:
				return j + 1
			case s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\':
				return j + 2
			}
		}
	}
	return -1
}

// narrowTable marks the runes below U+27C0 that Width counts as one cell
// without segmenting: Latin-1 and the symbol blocks from General
// Punctuation to Dingbats, less marks, format characters and anything
// ansi.StringWidth does not measure as exactly one cell (wide emoji).
var narrowTable = sync.OnceValue(func() []bool {
	t := make([]bool, 0x27C0)
	for r := rune(0xA0); r < 0x27C0; r++ {
		if r >= 0x100 && r < 0x2010 || r >= 0x2028 && r <= 0x202F || r >= 0x2060 && r <= 0x206F {
			continue
		}
		if unicode.In(r, unicode.M, unicode.Cf, unicode.Cc, unicode.Zl, unicode.Zp) || !unicode.IsPrint(r) {
			continue
		}
		t[r] = ansi.StringWidth(string(r)) == 1
	}
	return t
})
