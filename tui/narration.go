package tui

import (
	"fmt"
	"strings"
)

// narrationTab says why the current step matters: its narration, the quiz
// (question first, the outcome only once answered), the outcome with the
// engine's reason, and the expectations.
func narrationTab(t *timeline, st *Styles, w int, note string) string {
	var b strings.Builder
	if note != "" {
		b.WriteString(st.Changed.Render(iconChanged+" "+note) + "\n\n")
	}
	s, ok := t.current()
	switch {
	case !ok && t.world != "":
		return sandboxIntro(&b, t, st, w)
	case !ok && t.run.Scenario.Source == serveSource:
		b.WriteString(st.Title.Render(t.title) + "\n\n")
		b.WriteString(wrap("Waiting for the first request. Each request a client sends (curl, a browser, your app) becomes a step here, with everything it caused; the diagram follows the newest step unless you step back.", w))
		if t.intro != "" {
			if t.run.World != nil {
				b.WriteString("\n\n" + st.Bold.Render("Issuer  "+t.run.World.Issuer()))
			}
			b.WriteString("\n\n")
			// wrapRaw keeps the lines (URLs, curl commands) and folds only
			// those wider than the tab.
			b.WriteString(wrapRaw(strings.TrimRight(t.intro, "\n"), w))
		}
		return b.String()
	case !ok:
		b.WriteString(st.Title.Render(t.title) + "\n\n")
		b.WriteString(wrap("Press → (or space) to take the first step. Every step says why it matters; quizzes ask you to predict before they reveal.", w))
		return b.String()
	}
	b.WriteString(st.Title.Render(fmt.Sprintf("%d. %s", s.Index, stepTitle(s.Step.Title, s.Step.Do))) + "\n")
	b.WriteString(st.Subtle.Render(s.Snapshot.Time.Format("Jan 2 15:04:05")+" · "+s.Step.Do) + "\n")
	if s.Step.Narration != "" { // the sandbox's steps have none
		b.WriteString("\n" + wrap(s.Step.Narration, w) + "\n")
	}
	if q := s.Step.Quiz; q != nil {
		picked := t.answered[t.cur]
		head := iconQuiz + " Predict"
		if picked == 0 {
			// Said first as well as last: on a short screen the end of
			// the tab is below the fold.
			head += fmt.Sprintf(": press 1–%d to answer", len(q.Options))
		}
		b.WriteString("\n" + st.Quiz.Render(head) + "\n")
		b.WriteString(wrap(q.Question, w) + "\n")
		for i, o := range q.Options {
			mark := "  "
			switch {
			case picked != 0 && i+1 == q.Answer:
				mark = st.OK.Render(iconOK + " ")
			case picked == i+1:
				mark = st.Bad.Render(iconBad + " ")
			}
			b.WriteString(mark + hang(fmt.Sprintf("%d. %s", i+1, o), w-2, "     ") + "\n")
		}
		if picked == 0 {
			b.WriteString("\n" + st.Quiz.Render(fmt.Sprintf("Press 1–%d to answer; the outcome shows after you do.", len(q.Options))) + "\n")
			return b.String()
		}
		verdict := st.OK.Render(iconOK + " Right.")
		if picked != q.Answer {
			verdict = st.Bad.Render(fmt.Sprintf("%s Not quite: the answer is %d.", iconBad, q.Answer))
		}
		b.WriteString("\n" + verdict + "\n" + wrap(q.Explain, w) + "\n")
		if _, changed := t.changed[t.cur]; changed {
			// The quiz was written for the lesson's policy; the outcome
			// below is the what-if's, and may say otherwise.
			b.WriteString(st.Changed.Render(wrap(iconChanged+" The quiz and its answer describe the lesson's own policy; under the what-if this step turned out differently (below).", w)) + "\n")
		}
	}
	o := s.Outcome
	if o.Status != 0 || o.Error != "" {
		res := fmt.Sprintf("%d %s", o.Status, o.Error)
		if o.Status == 0 {
			res = o.Error
		}
		style := st.OK
		if !o.OK() {
			style = st.Bad
		}
		b.WriteString("\n" + st.Bold.Render("Outcome: ") + style.Render(strings.TrimSpace(res)) + "\n")
		if o.Reason != "" {
			b.WriteString(wrap("Why: "+o.Reason, w) + "\n")
		}
	}
	if was, ok := t.changed[t.cur]; ok {
		b.WriteString(st.Changed.Render(wrap(iconChanged+" What-if: under the original policy this step gave "+was, w)) + "\n")
	}
	switch {
	case len(s.Failures) > 0:
		for _, f := range s.Failures {
			b.WriteString(st.Bad.Render(wrap(fmt.Sprintf("%s expected %s: %s, got %s", iconBad, f.Key, f.Expected, f.Got), w)) + "\n")
		}
	case s.Step.Expect != nil:
		b.WriteString(st.OK.Render(iconOK+" as the lesson expects") + "\n")
	}
	return b.String()
}

// sandboxIntro is the sandbox's first screen: the world it plays in and
// what the keys do. The sandbox has no steps to take or quizzes to answer
// until the learner acts.
func sandboxIntro(b *strings.Builder, t *timeline, st *Styles, w int) string {
	b.WriteString(st.Title.Render("Sandbox: "+t.world) + "\n\n")
	b.WriteString(wrap("Nothing has happened yet. Each key below is one action, recorded as a step.", w) + "\n\n")
	for _, k := range [][2]string{
		{"i", "log in: the user signs in and the app gets its tokens"},
		{"c", "the app calls the API with its access token"},
		{"d", "advance the clock, to watch tokens expire"},
		{"s", "the attacker steals a token"},
		{"?", "all keys: refresh, log out, revoke, the attacker's moves; w changes the policy or restarts with another app"},
	} {
		b.WriteString(st.Bold.Render(k[0]) + "  " + hang(k[1], w-3, "   ") + "\n")
	}
	return b.String()
}
