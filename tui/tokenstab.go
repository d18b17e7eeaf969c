package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokensim/tokensim/sim"
)

// tokensTab shows every token each actor holds, decoded, with its state in
// words and a bar of its remaining life against the virtual clock.
func tokensTab(t *timeline, st *Styles, w int) string {
	snap := t.snapshot()
	if len(snap.Tokens) == 0 {
		return st.Subtle.Render("Nobody holds a token yet.")
	}
	var b strings.Builder
	for _, tok := range snap.Tokens {
		name := map[string]string{"access": "access token", "refresh": "refresh token", "id": "ID token"}[tok.Kind]
		if tok.Label != "" {
			name = tok.Label + " · " + name
		}
		state := stateStyle(st, tok.State).Render(stateWord(tok.State))
		b.WriteString(st.Title.Render(tok.Holder.Title()+" holds "+name) + "  " + state + "\n")
		b.WriteString(st.Subtle.Render("in "+tok.Where) + "\n")
		if tok.Why != "" {
			b.WriteString(wrap(tok.Why, w) + "\n")
		}
		if !tok.ExpiresAt.IsZero() && !tok.IssuedAt.IsZero() {
			b.WriteString(lifeBar(st, tok, snap.Time, min(w-20, 30)) + "\n")
		}
		for _, k := range sim.SortedKeys(tok.Header) {
			b.WriteString(claimLine(st, "hdr", k, tok.Header[k], w) + "\n")
		}
		for _, k := range sim.SortedKeys(tok.Claims) {
			b.WriteString(claimLine(st, "   ", k, tok.Claims[k], w) + "\n")
		}
		if tok.Header == nil {
			b.WriteString(st.Subtle.Render(wrap("opaque: a random string that means something only to the AS, which stores its hash", w)) + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func claimLine(st *Styles, prefix, k string, v any, w int) string {
	val := sim.ClaimValue(k, v)
	if len(val) > 48 {
		val = val[:24] + "…" + val[len(val)-12:]
	}
	line := fmt.Sprintf("%s %-10s %s", prefix, k, val)
	if m := sim.ClaimMeaning(k); m != "" && len(line)+3+len(m) <= w {
		line += st.Subtle.Render("  " + m)
	}
	return line
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
		label = sim.FormatDuration(left.Truncate(time.Second)) + " left of " + sim.FormatDuration(total)
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
