package tui

import (
	"fmt"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// narrationTab says why the current step matters: its narration, the quiz
// (question first, the outcome only once answered), the outcome with the
// engine's reason, and the expectations.
func narrationTab(t *timeline, st *Styles, w int, note string) string {
	return narrationQuiz(t, st, w, note, nil)
}

// quizLines is where a quiz is in the Narration tab, in lines from its
// top: its head (the "Predict" line), the line after its options, and once
// answered the verdict's first line; end is the line after what the
// learner must see at once (the press-a-number line, or the explanation
// and the outcome it reveals). The inspector scrolls to them and the
// layout gives them room: at 80×24 the options and the feedback were
// below the fold.
type quizLines struct {
	ok                          bool
	head, options, verdict, end int
}

// lineCount is the index of the next line written to b.
func lineCount(b *strings.Builder) int { return strings.Count(b.String(), "\n") }

// narrationQuiz is narrationTab, noting in q (when not nil) where the
// quiz's lines are.
func narrationQuiz(t *timeline, st *Styles, w int, note string, q *quizLines) string {
	if q == nil {
		q = &quizLines{}
	}
	var b strings.Builder
	if note != "" {
		b.WriteString(st.Changed.Render(iconChanged+" "+note) + "\n\n")
	}
	s, ok := t.current()
	switch {
	case !ok && t.challenge:
		// Not the sandbox's intro: its keys are not all allowed here.
		b.WriteString(st.Title.Render(iconChallenge+" "+t.title) + "\n\n")
		b.WriteString(wrap("Nothing has happened yet: the challenge starts from a fresh world ("+t.world+"). Its goal is below; m lists the actions it allows, each recorded as a step.", w))
		return b.String()
	case !ok && t.world != "":
		return sandboxIntro(&b, t, st, w)
	case !ok && t.served:
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
	b.WriteString(st.Subtle.Render(text.FormatDate(s.Snapshot.Time, t.initial.Time)+" · "+s.Step.Do) + "\n")
	picked := 0
	if q := s.Text.Quiz; q != nil {
		picked = t.answered[t.cur]
	}
	d, differs := t.changed[t.cur]
	if differs {
		return divergedStep(&b, t, s, d, picked, st, w, q)
	}
	if n := t.run.SameNote(s); n != "" {
		b.WriteString("\n" + st.Changed.Render(wrap(iconChanged+" "+n+".", w)) + "\n")
	}
	if s.Text.Narration != "" { // the sandbox's steps have none
		b.WriteString("\n" + wrap(s.Text.Narration, w) + "\n")
	}
	if quiz := s.Text.Quiz; quiz != nil {
		if !quizBlock(&b, quiz, picked, false, st, w, q) {
			return b.String()
		}
	}
	outcomeBlock(&b, s, st, w)
	verdictBlock(&b, t, s, st, w)
	if q.ok {
		q.end = lineCount(&b) // the reveal: the outcome and the engine's reason
	}
	return b.String()
}

// divergedStep is a step whose outcome differs from the lesson's own run:
// the engine's account first (what happened here and why, and what
// differs), then the lesson's narration and quiz, marked as written for
// the lesson's own policy (architecture.md, invariant 8). Before the quiz
// is answered only the question shows, marked the same way: predict
// first, then reveal.
func divergedStep(b *strings.Builder, t *timeline, s scenarios.StepResult, d scenarios.Difference, picked int, st *Styles, w int, ql *quizLines) string {
	note := st.Changed.Render(wrap(iconChanged+" "+t.run.LessonNote()+":", w)) + "\n"
	if q := s.Text.Quiz; q != nil && picked == 0 {
		b.WriteString("\n" + note)
		quizBlock(b, q, 0, true, st, w, ql)
		return b.String()
	}
	b.WriteString("\n" + st.Changed.Render(wrap(iconChanged+" This step differs from the lesson's own run. What happened here:", w)) + "\n")
	outcomeBlock(b, s, st, w)
	for _, e := range s.Events {
		if e.Kind != sim.KindExchange && e.Kind != sim.KindClock && e.Summary != "" {
			b.WriteString(hang("• "+e.Summary, w, "  ") + "\n")
		}
	}
	for _, what := range d.What {
		b.WriteString(st.Changed.Render(hang("≠ "+what, w, "  ")) + "\n")
	}
	b.WriteString("\n" + note)
	if s.Text.Narration != "" {
		b.WriteString(st.Subtle.Render(wrap(s.Text.Narration, w)) + "\n")
	}
	if q := s.Text.Quiz; q != nil {
		quizBlock(b, q, picked, true, st, w, ql)
	}
	verdictBlock(b, t, s, st, w)
	if ql.ok {
		ql.end = lineCount(b)
	}
	return b.String()
}

// quizBlock writes the quiz: the question and options, and once answered
// the verdict and the explanation. lessons marks a quiz shown on a step
// that differs: its answer is the lesson's, for its own policy, so the
// verdict says so rather than "Right." It reports whether the quiz was
// answered (the outcome may show).
func quizBlock(b *strings.Builder, q *scenarios.Quiz, picked int, lessons bool, st *Styles, w int, ql *quizLines) bool {
	head := iconQuiz + " Predict"
	if picked == 0 {
		// Said first as well as last: on a short screen the end of
		// the tab is below the fold.
		head += fmt.Sprintf(": press 1–%d to answer", len(q.Options))
	}
	b.WriteString("\n" + st.Quiz.Render(head) + "\n")
	ql.ok, ql.head = true, lineCount(b)-1
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
	ql.options = lineCount(b)
	if picked == 0 {
		b.WriteString("\n" + st.Quiz.Render(fmt.Sprintf("Press 1–%d to answer; the outcome shows after you do.", len(q.Options))) + "\n")
		ql.end = lineCount(b)
		return false
	}
	ql.verdict = lineCount(b) + 1 // after a blank line
	verdict := st.OK.Render(iconOK + " Right.")
	if picked != q.Answer {
		verdict = st.Bad.Render(fmt.Sprintf("%s Not quite: the answer is %d.", iconBad, q.Answer))
	}
	if lessons {
		verdict = st.Changed.Render(wrap(fmt.Sprintf("%s Under the lesson's own policy the answer is %d (you chose %d); this run turned out otherwise (above).", iconChanged, q.Answer, picked), w))
	}
	b.WriteString("\n" + verdict + "\n" + wrap(q.Explain, w) + "\n")
	return true
}

// outcomeBlock writes the step's outcome and the engine's reason.
func outcomeBlock(b *strings.Builder, s scenarios.StepResult, st *Styles, w int) {
	o := s.Outcome
	if o.Status == 0 && o.Error == "" {
		return
	}
	style := st.OK
	if !o.OK() {
		style = st.Bad
	}
	b.WriteString("\n" + st.Bold.Render("Outcome: ") + style.Render(scenarios.OutcomeText(o)) + "\n")
	if o.Reason != "" {
		b.WriteString(wrap("Why: "+o.Reason, w) + "\n")
	}
}

// verdictBlock writes the step's expectations. Under a what-if or a
// preset each line says what it compares against (Run.Verdict).
func verdictBlock(b *strings.Builder, t *timeline, s scenarios.StepResult, st *Styles, w int) {
	if lines := t.run.Verdict(s); lines != nil {
		style := st.OK
		if len(s.Failures) > 0 {
			style = st.Bad
		}
		for _, l := range lines {
			b.WriteString(style.Render(wrap(l, w)) + "\n")
		}
		return
	}
	switch {
	case len(s.Failures) > 0:
		for _, f := range s.Failures {
			b.WriteString(st.Bad.Render(wrap(fmt.Sprintf("%s expected %s: %s, got %s", iconBad, f.Key, f.Expected, f.Got), w)) + "\n")
		}
	case s.Step.Expect != nil && t.challenge:
		b.WriteString(st.OK.Render(iconOK+" as the challenge's setup expects") + "\n")
	case s.Step.Expect != nil:
		b.WriteString(st.OK.Render(iconOK+" as the lesson expects") + "\n")
	}
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
