package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/text"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/sim"
)

// tokensTab shows every token each actor holds, decoded, with its state in
// words and a bar of its remaining life against the virtual clock. The
// token numbered sel (1-based; 0 for none), which y copies, is marked.
func tokensTab(t *timeline, st *Styles, w int, sel int) string {
	snap := t.snapshot()
	if len(snap.Tokens) == 0 {
		return st.Subtle.Render("Nobody holds a token yet.")
	}
	var b strings.Builder
	for i, tok := range snap.Tokens {
		name := map[string]string{"access": "access token", "refresh": "refresh token", "id": "ID token"}[tok.Kind]
		if tok.Label != "" {
			name = tok.Label + " · " + name
		}
		state := stateStyle(st, tok.State).Render(stateWord(tok.State))
		title := st.Title.Render(tok.Holder.Title()+" holds "+name) + "  " + state
		if i+1 == sel {
			title = st.Selected.Reverse(true).Render(iconHop) + " " + title
		}
		b.WriteString(title + "\n")
		b.WriteString(st.Subtle.Render("in "+tok.Where) + "\n")
		if tok.Why != "" {
			b.WriteString(wrap(tok.Why, w) + "\n")
		}
		if !tok.ExpiresAt.IsZero() && !tok.IssuedAt.IsZero() {
			b.WriteString(lifeBar(st, tok, snap.Time, min(w-20, 30)) + "\n")
		}
		for _, k := range slices.Sorted(maps.Keys(tok.Header)) {
			b.WriteString(claimLine(st, "hdr", k, tok.Header[k], rendering.ClaimMeaningFor(tok.Kind, k), w) + "\n")
		}
		for _, k := range slices.Sorted(maps.Keys(tok.Claims)) {
			b.WriteString(claimLine(st, "   ", k, tok.Claims[k], rendering.ClaimMeaningFor(tok.Kind, k), w) + "\n")
		}
		if tok.Header == nil {
			b.WriteString(st.Subtle.Render(wrap(rendering.OpaqueMeaning(), w)) + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// claimIndent is where a claim's value starts: "hdr " and the name padded
// to ten cells.
const claimIndent = 15

// claimLine is one claim: its name, its value (long values elided in the
// middle, by cells, never inside a rune) and what the claim means (m, in
// the sense of this kind of token), on the same line when it fits and
// wrapped under the value when it does not.
func claimLine(st *Styles, prefix, k string, v any, m string, w int) string {
	val := rendering.ClaimValue(k, v)
	limit := min(48, max(w-claimIndent, 20))
	if n := ansi.StringWidth(val); n > limit {
		val = ansi.Truncate(val, limit/2, "") + "…" + ansi.TruncateLeft(val, n-limit/4, "")
	}
	line := fmt.Sprintf("%s %-10s %s", prefix, k, val)
	switch {
	case m == "":
		return line
	case ansi.StringWidth(line)+2+ansi.StringWidth(m) <= w:
		return line + st.Subtle.Render("  "+m)
	}
	indent := claimIndent
	if w-indent < 24 {
		indent = 4 // a narrow panel: more room for the words
	}
	pad := strings.Repeat(" ", indent)
	lines := strings.Split(wrap(m, w-indent), "\n")
	for i, l := range lines {
		lines[i] = pad + st.Subtle.Render(l)
	}
	return line + "\n" + strings.Join(lines, "\n")
}

// lifeBar draws the token's remaining life: filled for what is left.
func lifeBar(st *Styles, tok sim.TokenView, now time.Time, width int) string {
	width = max(width, 10)
	total := tok.ExpiresAt.Sub(tok.IssuedAt)
	left := tok.Remaining(now)
	frac := 0.0
	if total > 0 {
		frac = float64(left) / float64(total)
	}
	full := int(frac*float64(width) + 0.5)
	bar := st.BarFull.Render(strings.Repeat("█", full)) + st.BarEmpty.Render(strings.Repeat("░", width-full))
	label := "expired"
	if left > 0 {
		label = text.FormatDuration(left.Truncate(time.Second)) + " left of " + text.FormatDuration(total)
	}
	return bar + " " + label
}

func stateWord(s sim.TokenState) string {
	switch s {
	case sim.StateActive:
		return iconOK + " active"
	case sim.StateExpired:
		return iconBad + " expired"
	case sim.StateRotated:
		return "↻ rotated"
	case sim.StateRevoked:
		return iconBad + " revoked"
	}
	return string(s)
}

func stateStyle(st *Styles, s sim.TokenState) interface{ Render(...string) string } {
	switch s {
	case sim.StateActive:
		return st.OK
	case sim.StateRotated:
		return st.Warn
	}
	return st.Bad
}
