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

// quizOffset is where the Narration tab scrolls to when a quiz shows, for
// a viewport h lines high: before the answer, the question and its
// options; after it, the verdict, the explanation and the outcome they
// reveal, with as much of the question and the options above them as fits
// (issue 14: at 80×24 they were below the fold). It keeps the quiz's head
// (or the verdict) at the top when the rest cannot fit.
func quizOffset(q quizLines, h int) int {
	if !q.ok || h <= 0 {
		return 0
	}
	top := q.head
	if q.verdict > 0 {
		top = q.verdict
	}
	return max(min(max(q.end-h, 0), top), 0)
}

// quizRoom is how many lines the quiz wants on screen at once: before the
// answer the whole tab (the narration sets the question up, and the
// diagram has nothing to show yet), after it the verdict and what it
// reveals; 0 without a quiz. stackSplit leaves the diagram its minimum.
func quizRoom(q quizLines) int {
	switch {
	case !q.ok:
		return 0
	case q.verdict > 0:
		return q.end - q.verdict
	}
	return q.end
}

// stackSplit is the diagram's height when the diagram sits above the
// inspector (narrow screens), out of rows for both (the rule between them
// excluded). curD and allD are the rows the diagram needs for the current
// step and for every step so far; insp the inspector's lines (its tab bar
// and rule included) and keep what of them must show at once (a quiz).
//
// The current step's rows come first, then the inspector's must-see lines,
// then history: a fixed share left the diagram 4–8 rows on a step with
// many exchanges while rows of the inspector stayed empty (issue 14).
func stackSplit(rows, curD, allD, insp, keep int) int {
	const minD, minI = 3, 5 // lane names, a step title and a row; a tab bar, a rule and 3 lines
	if rows <= minD+minI {
		return max(min(minD, rows-minI), 0)
	}
	if allD+insp <= rows {
		return rows - insp // everything fits: the diagram takes the rest, its lanes run on
	}
	if keep == 0 {
		// No quiz: the inspector keeps a fair share of what it needs.
		keep = min(insp, max(minI, rows*2/5))
	}
	keep = min(max(keep, minI), rows-minD)
	// The current step whole, else as much of it as leaves keep; some
	// history on a short step; and whatever the inspector does not use.
	dh := min(max(curD, min(allD, rows*2/5)), rows-keep)
	dh = max(dh, min(allD, rows-insp), minD)
	return min(dh, rows-minI)
}

// stack sizes the stepper's panels one above the other, w wide and body
// rows high in all (a rule between them): by what each needs
// (stackSplit), the diagram's rows and the inspector's lines measured at
// this width. An open menu or prompt takes the inspector's place and
// keeps the room it had.
func (s *stepper) stack(w, body int) {
	rows := max(body-1, 0)
	s.dia.SetSize(w, rows)
	curD, allD := s.dia.need(&s.tl, s.st)
	s.insp.SetSize(w, rows)
	insp, keep := rows, rows*2/3 // a menu: most of its choices at once
	if s.modal == nil {
		keep = 0
		s.insp.note = s.noteText()
		insp = 2 + s.insp.content(&s.tl, s.st, s.insp.note)
		if n := quizRoom(s.insp.quiz); n > 0 && s.insp.tab == tabNarration {
			keep = 2 + n
		}
	}
	dh := stackSplit(rows, curD, allD, insp, keep)
	s.dia.SetSize(w, dh)
	s.insp.SetSize(w, max(body-dh-1, 0))
}
