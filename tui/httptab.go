package tui

import (
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// httpTab shows the raw requests and responses of the current step, long
// tokens elided in the middle.
func httpTab(t *timeline, st *Styles, w int) string {
	s, ok := t.current()
	if !ok {
		return st.Subtle.Render("No step yet.")
	}
	if t.hidden(t.cur) {
		return st.Quiz.Render(iconQuiz + " Answer the quiz first: the exchanges would give the answer away.")
	}
	var b strings.Builder
	n := 0
	for _, e := range s.Events {
		if e.Kind != sim.KindExchange || e.Exchange == nil {
			continue
		}
		n++
		from := t.actorTitle(e.From)
		if e.Tab > 0 {
			from += fmt.Sprintf(" (tab %d)", e.Tab)
		}
		b.WriteString(st.Title.Render(fmt.Sprintf("%s → %s", from, t.actorTitle(e.To))) + "\n")
		b.WriteString(wrapRaw(elide(strings.TrimRight(e.Exchange.Request.Text(), "\n")), w) + "\n\n")
		resp := wrapRaw(elide(strings.TrimRight(e.Exchange.Response.Text(), "\n")), w)
		if e.Status >= 400 {
			resp = st.Bad.Render(resp)
		}
		b.WriteString(resp + "\n")
		if e.Reason != "" {
			b.WriteString(st.Subtle.Render(wrap("why: "+e.Reason, w)) + "\n")
		}
		b.WriteString("\n")
	}
	if n == 0 {
		return st.Subtle.Render("This step sent no HTTP request.")
	}
	return b.String()
}
