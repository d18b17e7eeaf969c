package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// course is what a lesson knows of the course around it: the learner's
// progress store and the record last saved, and the lesson after it on
// the path. The zero value keeps no progress.
type course struct {
	store progress.Store // nil: no progress kept (--no-progress, the sandbox)
	saved progress.Record
	next  *scenarios.Scenario // the next lesson on the path; nil at its end
	recap bool                // the recap is on screen (recap.go)
	// warned is set once a save's warning was shown: one line, once.
	warned bool
	// attempt is the attempt shown (progress.Record.Attempt).
	attempt int
}

// joinCourse gives a lesson the learner's progress and its place on the
// path. With offer, a lesson the learner has been in opens with the
// choice to resume where they left it or to start over; a lesson the
// instructor opens in a workshop (follow.go) does not ask.
func (m *Model) joinCourse(l *lesson, offer bool) {
	l.course.next = progress.After(m.picker.path, l.sc.ID)
	if m.opts.Progress == nil {
		return
	}
	l.course.store = m.opts.Progress
	rec, ok := m.opts.Progress.Load(l.sc.ID)
	if !ok {
		return
	}
	l.course.saved = rec
	// The attempt the run shown is: a workshop's lesson runs on the
	// room's seed whatever the record says (courseLesson adds it).
	l.course.attempt = int(l.opts.Seed - m.opts.Run.Seed)
	if offer && rec.Started() && rec.Step > 0 {
		l.openMenu(l.resumeMenu(rec))
	}
}

// courseLesson opens sc as a lesson of the course, in the learner's
// current attempt: its seed is the player's plus the attempt's number
// (progress.Record.Attempt), so a resumed attempt's drawn quizzes ask what
// they asked before.
func (m *Model) courseLesson(sc *scenarios.Scenario) (screen, error) {
	opts := m.opts.Run
	if m.opts.Progress != nil {
		if rec, ok := m.opts.Progress.Load(sc.ID); ok {
			opts.Seed += uint64(rec.Attempt)
		}
	}
	l, err := newLesson(m.keys, m.styles, sc, opts, m.opts.ExportDir)
	if err != nil {
		return nil, err
	}
	m.joinCourse(l, true)
	return l, nil
}

// resumeMenu offers to resume at the step the learner left, with the
// answers they gave, or to start over.
func (l *lesson) resumeMenu(rec progress.Record) *menu {
	at := min(rec.Step, len(l.tl.steps))
	return &menu{
		title: fmt.Sprintf("You left this lesson at step %d of %d", at, len(l.tl.steps)),
		choices: []choice{
			{label: fmt.Sprintf("resume at step %d, your answers kept", at), pick: func() tea.Cmd { l.resume(rec); return nil }},
			{label: "start over from the first step, a new attempt", pick: func() tea.Cmd { l.startOver(); return nil }},
		},
	}
}

// startOver begins the next attempt: the lesson runs again with the next
// seed, so a quiz drawn from the seed is a new question (draw:), and the
// record counts the attempt from the learner's first step in it.
func (l *lesson) startOver() {
	l.course.attempt++
	opts := l.opts
	opts.Seed++
	r, err := scenarios.Execute(l.sc, opts)
	if err != nil {
		l.status = "start over: " + err.Error()
		return
	}
	l.opts, l.base = opts, r
	l.show(newTimeline(r))
	if len(r.Drawn) > 0 {
		l.status = "a new attempt: this lesson's quiz draws new values"
	}
}

// resume puts the timeline back where rec left it: the answers that still
// fit the lesson (it may have been edited since), then the step, but
// never past a quiz that waits for an answer (predict first).
func (l *lesson) resume(rec progress.Record) {
	t := &l.tl
	for step, opt := range rec.Answers {
		i := step - 1
		if i < 0 || i >= len(t.steps) {
			continue
		}
		if q := t.steps[i].Text.Quiz; q != nil && opt >= 1 && opt <= len(q.Options) {
			t.answered[i] = opt
		}
	}
	target := min(rec.Step, len(t.steps)) - 1
	t.cur = -1
	for t.cur < target && !t.hidden(t.cur) {
		t.cur++
	}
	if t.hidden(t.cur) {
		l.insp.setTab(tabNarration) // the question, as when stepping onto it
	}
}

// record is the learner's progress in the lesson as shown. A lesson once
// done stays done, with the score of the attempt that finished it, until
// a new attempt finishes.
func (l *lesson) record() progress.Record {
	t := &l.tl
	r := progress.Record{Steps: len(t.steps), Step: t.cur + 1, Attempt: l.course.attempt}
	for i, a := range t.answered {
		if a != 0 {
			if r.Answers == nil {
				r.Answers = map[int]int{}
			}
			r.Answers[i+1] = a
		}
	}
	right, _, total := t.score()
	switch prev := l.course.saved; {
	case l.finished():
		r.Done, r.Right, r.Quizzes = true, right, total
	case prev.Done:
		r.Done, r.Right, r.Quizzes = true, prev.Right, prev.Quizzes
	}
	return r
}

// finished reports whether the learner has seen the last step's outcome.
func (l *lesson) finished() bool {
	t := &l.tl
	return len(t.steps) > 0 && t.cur == len(t.steps)-1 && !t.hidden(t.cur)
}

// saveProgress saves the record after a message if the learner moved or
// answered; cmd is the message's own command, returned unchanged. Nothing
// is saved before the learner's first step (opening a lesson and leaving
// it marks nothing), nor while the resume menu waits. The store writes in
// the background: a step never waits on a disk.
func (l *lesson) saveProgress(cmd tea.Cmd) tea.Cmd {
	if l.course.store == nil || l.modal != nil {
		return cmd
	}
	r := l.record()
	if r.Step == 0 && len(r.Answers) == 0 || r.Equal(l.course.saved) {
		return cmd
	}
	l.course.saved = r
	if err := l.course.store.Save(l.sc.ID, r); err != nil && !l.course.warned {
		l.course.warned = true
		l.status = err.Error()
	} else if l.finished() && l.status == "" {
		l.status = recapHint
	}
	return cmd
}

// leaveLesson is the way back to the picker: it shows the progress made
// and selects the lesson left.
func (m *Model) leaveLesson() {
	m.picker.refresh()
	if l, ok := m.player.(*lesson); ok {
		m.picker.selectID(l.sc.ID)
	}
	if c, ok := m.player.(*challenge); ok {
		// Back among the challenges, the one left selected.
		if err := m.picker.haveChallenges(); err != nil {
			m.err = "the built-in challenges did not load: " + err.Error()
		} else if !m.picker.showChallenges {
			m.picker.toggleChallenges()
		}
		m.picker.selectID(c.ch.ID)
	}
}

// openNext opens the lesson after msg.after on the path (the recap's
// enter).
func (m Model) openNext(msg nextLessonMsg) (tea.Model, tea.Cmd) {
	next := progress.After(m.picker.path, msg.after)
	if next == nil {
		return m, nil
	}
	m.leaveLesson()
	m.picker.selectID(next.ID)
	return m.open(func() (screen, error) { return m.courseLesson(next) })
}
