package tui

import (
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// attackerTab shows what the attacker stole, each attempt it made and why
// it worked or failed, and what it can still do now.
func attackerTab(t *timeline, st *Styles, w int) string {
	snap := t.snapshot()
	var b strings.Builder
	b.WriteString(st.Title.Render("Now") + "\n")
	b.WriteString(wrap("The attacker "+snap.Attacker.Summary+".", w) + "\n\n")
	b.WriteString(st.Title.Render("What it tried") + "\n")
	n := 0
	for i := 0; i <= t.shownThrough() && i < len(t.steps); i++ {
		for _, e := range t.steps[i].Events {
			var line string
			switch {
			case e.Kind == sim.KindStolen:
				line = st.Bad.Render(iconSteal+" stole: ") + e.Reason
			case e.Kind == sim.KindStealFailed:
				line = st.OK.Render(iconBad+" could not steal: ") + e.Reason
			case e.Kind == sim.KindForged:
				line = st.Bad.Render(iconSteal+" forged "+e.Token+": ") + e.Reason
			case e.Kind == sim.KindForgeFailed:
				line = st.OK.Render(iconBad+" could not forge: ") + e.Reason
			case e.Kind == sim.KindExchange && e.To == sim.ActorAttacker:
				// A flawed API fetching the attacker's key: the bug itself.
				line = st.Bad.Render(iconBad+" the "+e.From.Title()+" fetched from the attacker: ") + e.Method + " " + e.Path + " — " + e.Reason
			case e.Kind == sim.KindExchange && e.From == sim.ActorAttacker:
				res := fmt.Sprintf("%d %s", e.Status, e.Error)
				mark, style := iconOK+" worked", st.Bad // it working is bad news
				if e.Status >= 400 {
					mark, style = iconBad+" refused", st.OK
				}
				line = style.Render(mark) + fmt.Sprintf(": %s %s → %s", e.Method, e.Path, strings.TrimSpace(res))
				if e.Reason != "" {
					line += " — " + e.Reason
				}
			default:
				continue
			}
			n++
			num := fmt.Sprintf("%d. ", i+1)
			b.WriteString(hang(num+line, w, strings.Repeat(" ", len(num))) + "\n")
		}
	}
	if n == 0 {
		b.WriteString(st.Subtle.Render("nothing yet") + "\n")
	}
	return b.String()
}
