package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2/tree"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// serverTab shows what the AS knows: refresh-token families as trees with
// each token's state, the API's denylist, and the counters.
func serverTab(t *timeline, st *Styles, w int) string {
	snap := t.snapshot()
	var b strings.Builder
	b.WriteString(st.Title.Render("Refresh-token families") + "\n")
	if len(snap.Families) == 0 {
		b.WriteString(st.Subtle.Render("none yet: a family starts at login") + "\n")
	}
	for _, f := range snap.Families {
		head := hang(fmt.Sprintf("%s · %s via %s · since %s", f.Label, f.Sub, f.ClientID, text.FormatTime(f.AuthTime, t.initial.Time)), w, "  ")
		if !f.RevokedAt.IsZero() {
			head += "\n" + st.Bad.Render(hang(iconBad+" revoked at "+text.FormatTime(f.RevokedAt, t.initial.Time)+": "+f.RevokedWhy, w-4, "  "))
		}
		root := tree.Root(head)
		nodes := map[string]*tree.Tree{}
		for _, r := range f.Refresh {
			n := tree.Root(fmt.Sprintf("%s %s", r.Label, stateStyle(st, r.State).Render(stateWord(r.State))))
			nodes[r.Label] = n
			if p, ok := nodes[r.Parent]; ok && r.Parent != "" {
				p.Child(n)
			} else {
				root.Child(n)
			}
		}
		var ats []string
		for _, a := range f.Access {
			ats = append(ats, a.Label+" "+stateWord(a.State))
		}
		if len(ats) > 0 {
			// Wrapped to the tab, less the tree's "╰── ": a session
			// with a refresh every 15 minutes has more access tokens
			// than a line holds, and the last ones were cut.
			root.Child(hang("access tokens: "+strings.Join(ats, ", "), max(w-4, 20), "  "))
		}
		b.WriteString(root.Enumerator(tree.RoundedEnumerator).String() + "\n\n")
	}
	pol := snap.Policy
	b.WriteString(st.Title.Render("Policy") + "\n")
	b.WriteString(wrap(fmt.Sprintf("preset %s · access %s · refresh token: %s · %s · API %s · leeway %s",
		t.preset, text.FormatDuration(pol.AccessTTL), snap.Refresh, pol.DescribeRotation(), pol.APIMode, text.FormatDuration(pol.Leeway)), w) + "\n\n")
	c := snap.Counts
	b.WriteString(st.Title.Render("Counters") + "\n")
	b.WriteString(wrap(fmt.Sprintf("exchanges %d · signatures %d · verifications %d · introspections %d · JWKS fetches %d",
		c.Exchanges, c.Signatures, c.Verifications, c.Introspections, c.JWKSFetches)+denylistNote(pol.APIMode, snap.Denylist), w) + "\n")
	return b.String()
}

// denylistNote is the denylist's size where the API consults it (denylist
// mode); in another mode a count would suggest it protects something, so
// entries left from an earlier mode are said not to be consulted.
func denylistNote(mode sim.APIMode, n int) string {
	switch {
	case mode == sim.ModeDenylist:
		return fmt.Sprintf(" · denylist %d", n)
	case n > 0:
		return fmt.Sprintf(" · denylist %d (not consulted: the API is in %s mode)", n, mode)
	}
	return ""
}
