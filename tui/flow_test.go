package tui

// End-to-end flows: the root Model in a real tea.Program, through teatest.
// The assertions are on the final model, never on the output bytes (the
// renderer writes cell diffs whose shape depends on timing).

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

const btFlowTimeout = 10 * time.Second

// btProgram runs m in a test program with a pinned colour profile and
// environment.
func btProgram(t *testing.T, m tea.Model, w, h int) *teatest.TestModel {
	t.Helper()
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii),
			tea.WithEnvironment([]string{"TERM=xterm-256color"})))
}

// btSendKeys sends the keys in order, as a terminal would.
func btSendKeys(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(tuitest.Key(k))
	}
}

func btFinal(t *testing.T, tm *teatest.TestModel) Model {
	t.Helper()
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(btFlowTimeout))
	switch m := fm.(type) {
	case Model:
		return m
	case btQuitWhen:
		return m.Model.(Model)
	}
	t.Fatalf("final model is a %T", fm)
	return Model{}
}

// btQuitWhen wraps the root model and quits once a message done accepts
// has been handled: a flow that waits for a command's result (a timer, a
// file write) ends when it arrives, with no sleep.
type btQuitWhen struct {
	tea.Model
	done func(Model, tea.Msg) bool
}

func (q btQuitWhen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := q.Model.Update(msg)
	q.Model = m
	if q.done(m.(Model), msg) {
		return q, tea.Batch(cmd, tea.Quit)
	}
	return q, cmd
}

// btQuizIn is the index of sc's first step with a quiz, and its answer.
func btQuizIn(tb testing.TB, sc *scenarios.Scenario) (int, int) {
	tb.Helper()
	for i, st := range sc.Steps {
		if st.Quiz != nil {
			return i, st.Quiz.Answer
		}
	}
	tb.Fatalf("%s has no quiz", sc.ID)
	return 0, 0
}

// TestFlowLessonQuiz opens a lesson directly (tokensim play), steps to the
// quiz, is refused past it, answers, steps on, switches a tab and quits.
func TestFlowLessonQuiz(t *testing.T) {
	sc := tuitest.Lookup(t, btLessonID)
	m, err := New(Options{Open: sc, ExportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	q, answer := btQuizIn(t, sc)
	tm := btProgram(t, m, 100, 30)
	next := []string{"right", "l", "space", "n"}
	for i := range q + 1 { // to the quiz, with every key of Next
		btSendKeys(tm, next[i%len(next)])
	}
	btSendKeys(tm, "n") // refused: predict first
	btSendKeys(tm, strconv.Itoa(answer), "n", "3", "q")
	fm := btFinal(t, tm)
	if fm.screen != screenPlayer || fm.player == nil {
		t.Fatalf("final screen %d", fm.screen)
	}
	p := fm.player.steps()
	if p.tl.cur != q+1 || p.tl.answered[q] != answer || p.insp.tab != tabTokens {
		t.Errorf("cur %d, answer %d, tab %d; want %d, %d, %d", p.tl.cur, p.tl.answered[q], p.insp.tab, q+1, answer, tabTokens)
	}
	if right, answered, total := p.tl.score(); right != 1 || answered != 1 || total != 1 {
		t.Errorf("score %d/%d of %d", right, answered, total)
	}
	if fm.w != 100 || fm.h != 30 {
		t.Errorf("size %dx%d", fm.w, fm.h)
	}
	if v := fm.View().Content; btFits(v, 100, 30) != nil || !strings.Contains(v, "quiz 1 of 1 right") {
		t.Errorf("final frame: %v\n%s", btFits(v, 100, 30), v)
	}
}

// TestFlowPickerToSandbox starts on the picker, opens the second lesson,
// goes back, opens the sandbox, plays the attacker and quits with ctrl+c.
func TestFlowPickerToSandbox(t *testing.T) {
	m, err := New(Options{Catalogue: tuitest.Catalogue(t), ExportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tm := btProgram(t, m, 80, 24)
	btSendKeys(tm, "j", "enter", "l", "l", "esc") // a lesson, two steps, back
	btSendKeys(tm, "s", "i", "c", "s", "2", "d", "8", "R", "P", "ctrl+c")
	fm := btFinal(t, tm)
	p, ok := fm.player.(*sandbox)
	if fm.screen != screenPlayer || !ok {
		t.Fatalf("final screen %d, %T", fm.screen, fm.player)
	}
	var titles []string
	for _, s := range p.tl.steps {
		titles = append(titles, s.Step.Title)
	}
	want := "log in|the app calls GET /api/orders|steal the refresh token via script-injection|advance until access-expiry|the attacker refreshes|injected script rides the session"
	if got := strings.Join(titles, "|"); got != want {
		t.Errorf("sandbox steps:\n got %s\nwant %s", got, want)
	}
	// Session riding fails outside the first-party world, and says how to
	// get there.
	if p.status != rideNeeds || p.tl.cur != len(p.tl.steps)-1 {
		t.Errorf("status %q at %d", p.status, p.tl.cur)
	}
}

// TestFlowAutoplayAndExport lets the runtime's timer play the lesson to
// its quiz, answers it and exports, ending when the export is reported.
func TestFlowAutoplayAndExport(t *testing.T) {
	sc := tuitest.Lookup(t, btLessonID)
	dir := t.TempDir()
	m, err := New(Options{Open: sc, ExportDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	exported := func(_ Model, msg tea.Msg) bool { _, ok := msg.(exportedMsg); return ok }
	stopped := make(chan struct{})
	var once sync.Once
	atQuiz := func(m Model, msg tea.Msg) bool {
		if _, ok := msg.(autoplayMsg); ok && !m.player.steps().auto {
			once.Do(func() { close(stopped) })
		}
		return exported(m, msg)
	}
	tm := btProgram(t, btQuitWhen{m, atQuiz}, 100, 30)
	btSendKeys(tm, "n", "n", "n", "+", "+", "+", "+", "a") // from step 3 at 500ms a step
	select {
	case <-stopped:
	case <-time.After(btFlowTimeout):
		t.Fatal("autoplay never stopped")
	}
	q, answer := btQuizIn(t, sc)
	// A what-if before the export: API mode introspect, which changes
	// outcomes after the quiz. The export must be the run shown.
	btSendKeys(tm, strconv.Itoa(answer), "w", "5", "2", "e")
	fm := btFinal(t, tm)
	p := fm.player.(*lesson)
	if p.auto || p.tl.cur != q || p.tl.answered[q] != answer {
		t.Errorf("autoplay %v stopped at %d (answer %d), want the quiz at %d", p.auto, p.tl.cur, p.tl.answered[q], q)
	}
	path := filepath.Join(dir, btLessonID+"-whatif.md")
	if p.status != "exported to "+path {
		t.Errorf("status %q", p.status)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "```mermaid") {
		t.Errorf("export: %v, mermaid %v", err, strings.Contains(string(b), "```mermaid"))
	}
	rvExportedWhatIf(t, p, string(b))
}
