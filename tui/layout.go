package tui

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/text"
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

// cellWidth, wrap and hang are internal/text's Width, Wrap and Hang: one
// implementation for every front end, named here as the TUI's code has
// always called them.
func cellWidth(s string) int { return text.Width(s) }

func wrap(s string, width int) string { return text.Wrap(s, width) }

func hang(s string, width int, indent string) string { return text.Hang(s, width, indent) }

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
