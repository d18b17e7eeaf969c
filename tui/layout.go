package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// clampBlock cuts s to at most w cells wide and h lines high, padding short
// lines, so that a panel never spills into its neighbour.
func clampBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			l = ansi.Truncate(l, w, "…")
		}
		if pad := w - ansi.StringWidth(l); pad > 0 {
			l += strings.Repeat(" ", pad)
		}
		lines[i] = l
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text into lines of at most width cells, keeping paragraphs.
func wrap(text string, width int) string {
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

// hang wraps text to width, indenting every line after the first by
// indent: numbered options and list items.
func hang(text string, width int, indent string) string {
	lines := strings.Split(wrap(text, width-len(indent)), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	return strings.Join(lines, "\n")
}

// tokenRun matches long base64url-ish runs: JWTs, refresh tokens, codes.
var tokenRun = regexp.MustCompile(`[A-Za-z0-9_~+/=%.-]{40,}`)

// elide shortens long token-like runs in the middle ("eyJhbGciOiJS…Hx7Qw"),
// so that a raw HTTP message fits a panel and still shows which token it is.
func elide(s string) string {
	return tokenRun.ReplaceAllStringFunc(s, func(t string) string {
		return t[:16] + "…" + t[len(t)-8:]
	})
}
