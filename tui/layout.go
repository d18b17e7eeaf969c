package tui

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// clampBlock cuts s to at most w cells wide and h lines high, padding short
// lines, so that a panel never spills into its neighbour. A block already
// w×h comes back as it is: panels are clamped again by their parents on
// every frame, and measuring is most of the cost of drawing.
func clampBlock(s string, w, h int) string {
	if fits(s, w, h) {
		return s
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		n := cellWidth(l)
		if n > w {
			l = ansi.Truncate(l, w, "…")
			n = cellWidth(l)
		}
		if n < w {
			l += strings.Repeat(" ", w-n)
		}
		lines[i] = l
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// fits reports whether s is exactly h lines of exactly w cells.
func fits(s string, w, h int) bool {
	if strings.Count(s, "\n") != h-1 {
		return false
	}
	for line := range strings.SplitSeq(s, "\n") {
		if cellWidth(line) != w {
			return false
		}
	}
	return true
}

// cellWidth is ansi.StringWidth(s) for one line, fast for what the TUI
// draws: printable ASCII, escape sequences, and runes from the symbol
// blocks it uses (box drawing, arrows, ✓ ✗ ▶ ◆ ⏱ ☠ · …) that are one cell
// and always a grapheme cluster of their own. Anything else goes to
// ansi.StringWidth, which segments graphemes and is some ten times slower.
func cellWidth(s string) int {
	if n, ok := simpleWidth(s); ok {
		return n
	}
	return ansi.StringWidth(s)
}

// simpleWidth is cellWidth's fast path: the width of s, and true, when s
// holds only printable ASCII, CSI and OSC sequences and narrowTable's
// runes, each a one-cell grapheme cluster of its own (so that the widths of
// such strings add up when they are joined).
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
			j := skipEscape(s, i)
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

// skipEscape returns the index after the CSI or OSC sequence at s[i], or
// -1 for any other sequence.
func skipEscape(s string, i int) int {
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

// narrowTable marks the runes below U+27C0 that cellWidth counts as one
// cell without segmenting: Latin-1 and the symbol blocks from General
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

// wrap breaks text into lines of at most width cells, keeping paragraphs.
// A line's width is kept as words are added, not measured again for every
// word (that was quadratic in the line's length, and wrapping a step's
// narration was a tenth of a frame); a line with a word simpleWidth does
// not know is measured whole, as before.
func wrap(text string, width int) string {
	if width < 10 {
		width = 10
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

// hang wraps text to width, indenting every line after the first by
// indent: numbered options and list items.
func hang(text string, width int, indent string) string {
	lines := strings.Split(wrap(text, width-len(indent)), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// wrapRaw breaks every line of a raw message (HTTP, JSON) to at most width
// cells: after a space, a comma or an ampersand when it can, mid-run when a
// run is longer than the line. Continuation lines are indented by two
// spaces, as HTTP folds a header, so that they read as one line.
func wrapRaw(text string, width int) string {
	width = max(width, 12)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) <= width {
			continue
		}
		parts := strings.Split(ansi.Wrap(l, width-2, ",&"), "\n")
		for j := 1; j < len(parts); j++ {
			parts[j] = "  " + parts[j]
		}
		lines[i] = strings.Join(parts, "\n")
	}
	return strings.Join(lines, "\n")
}

// tokenRun matches long base64url-ish runs: JWTs, refresh tokens, codes.
// "=" only ends a run (base64 padding), so that "refresh_token=…" elides
// the token, not its parameter name.
var tokenRun = regexp.MustCompile(`[A-Za-z0-9_~+/%.-]{40,}={0,2}`)

// elide shortens long token-like runs in the middle ("eyJhbGciOiJS…Hx7Qw"),
// so that a raw HTTP message fits a panel and still shows which token it is.
func elide(s string) string {
	return tokenRun.ReplaceAllStringFunc(s, func(t string) string {
		return t[:16] + "…" + t[len(t)-8:]
	})
}
