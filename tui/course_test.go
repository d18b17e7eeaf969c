package tui

// The course: progress remembered across restarts, resume or start over,
// the recap, and the picker's search by words.

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// csOpen opens the progress file at path, which must open cleanly.
func csOpen(t *testing.T, path string) *progress.File {
	t.Helper()
	f, err := progress.Open(path)
	if err != nil {
		t.Fatalf("progress.Open: %v", err)
	}
	return f
}

// csPicker is the picker with the learner's progress store.
func csPicker(t *testing.T, store progress.Store, w, h int) *btApp {
	t.Helper()
	return btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Progress: store}, w, h)
}

// csOpenLesson selects id in the picker and opens it with enter.
func (a *btApp) csOpenLesson(id string) {
	a.tb.Helper()
	a.pk().selectID(id)
	a.press("enter")
	if l, ok := a.root().player.(*lesson); !ok || l.sc.ID != id {
		a.tb.Fatalf("enter did not open %s:\n%s", id, a.text())
	}
}

// csPlayToEnd steps through the open lesson to its last step, answering
// every quiz right, then presses next once more for the recap.
func (a *btApp) csPlayToEnd() {
	a.tb.Helper()
	l := a.lesson()
	for !l.finished() {
		if l.tl.hidden(l.tl.cur) {
			a.press(fmt.Sprint(l.tl.steps[l.tl.cur].Text.Quiz.Answer))
			continue
		}
		a.press("l")
	}
	a.press("l")
	if !l.course.recap {
		a.tb.Fatalf("no recap after the last step:\n%s", a.text())
	}
}

// csMark is the description the picker shows for lesson id.
func csMark(a *btApp, id string) string {
	for _, it := range a.pk().list.Items() {
		if it := it.(item); it.sc.ID == id {
			return it.Description()
		}
	}
	return ""
}

// TestCourseRestart plays a lesson to the end through the real player,
// quits, restarts with the same progress file, finds it marked done with
// its score, then resumes another lesson mid-way with its answers kept.
func TestCourseRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokensim", progress.FileName)
	f := csOpen(t, path)
	a := csPicker(t, f, 80, 24)
	a.csOpenLesson("login")
	a.csPlayToEnd()
	// esc returns to the picker with the lesson left selected, marked.
	a.press("esc")
	if sc := a.pk().selected(); a.root().screen != screenPicker || sc == nil || sc.ID != "login" {
		t.Fatalf("esc from the recap: screen %v, selected %v", a.root().screen, sc)
	}
	if !strings.Contains(a.text(), "✓ done · quiz 1 of 1 right") {
		t.Errorf("the picker does not mark login done with its score:\n%s", a.text())
	}
	// Half of another lesson, its quiz answered (wrongly, to tell the
	// answer kept from the right one).
	a.csOpenLesson(btLessonID)
	q := btQuizAt(t, a.pl())
	for a.pl().tl.cur < q {
		a.press("l")
	}
	wrong := 1
	if a.pl().tl.steps[q].Text.Quiz.Answer == 1 {
		wrong = 2
	}
	a.press(fmt.Sprint(wrong), "l")
	left := a.pl().tl.cur
	a.press("q")
	if err := f.Close(); err != nil { // what the command does when the program ends
		t.Fatal(err)
	}

	// Restart: a new process's store and model, the same file.
	g := csOpen(t, path)
	defer g.Close()
	b := csPicker(t, g, 80, 24)
	if got := csMark(b, "login"); !strings.Contains(got, "✓ done · quiz 1 of 1 right") {
		t.Errorf("after a restart, login is %q", got)
	}
	want := fmt.Sprintf("◐ in progress: step %d of %d", left+1, len(a.pl().tl.steps))
	if got := csMark(b, btLessonID); !strings.Contains(got, want) {
		t.Errorf("after a restart, %s is %q, want %q", btLessonID, got, want)
	}
	if got := csMark(b, "expiry"); !strings.Contains(got, "○ not started") {
		t.Errorf("expiry is %q", got)
	}
	if !strings.Contains(b.text(), fmt.Sprintf("1 of %d done", len(scenarios.BuiltinIDs()))) {
		t.Errorf("the picker's title does not count the lessons done:\n%s", b.text())
	}
	b.csOpenLesson(btLessonID)
	if m := b.pl().menu(); m == nil || !strings.Contains(b.text(), fmt.Sprintf("resume at step %d", left+1)) {
		t.Fatalf("no resume offer:\n%s", b.text())
	}
	b.press("1")
	tl := &b.pl().tl
	if tl.cur != left || tl.answered[q] != wrong {
		t.Errorf("resumed at step %d with answer %d, want step %d with %d", tl.cur+1, tl.answered[q], left+1, wrong)
	}
	if !strings.Contains(b.header(), fmt.Sprintf("step %d/", left+1)) {
		t.Errorf("header after resuming: %q", b.header())
	}

	// Start over: the first step, no answers, and the record is not
	// touched until the learner steps.
	c := csPicker(t, g, 80, 24)
	c.csOpenLesson(btLessonID)
	c.press("2")
	if tl := &c.pl().tl; tl.cur != -1 || len(tl.answered) != 0 {
		t.Errorf("start over: step %d, answers %v", tl.cur+1, tl.answered)
	}
	if r, _ := g.Load(btLessonID); r.Step != left+1 {
		t.Errorf("start over rewrote the record before a step: %+v", r)
	}
	c.press("l")
	if r, _ := g.Load(btLessonID); r.Step != 1 || len(r.Answers) != 0 {
		t.Errorf("after start over and a step: %+v", r)
	}
}

// A lesson done and started over stays done, with its score, until the
// new attempt finishes.
func TestCourseDoneStaysDone(t *testing.T) {
	var store progress.Memory
	a := csPicker(t, &store, 100, 30)
	a.csOpenLesson("login")
	a.csPlayToEnd()
	a.press("esc")
	a.csOpenLesson("login")
	a.press("2", "l")
	if r, _ := store.Load("login"); !r.Done || r.Right != 1 || r.Quizzes != 1 || r.Step != 1 {
		t.Errorf("started over: %+v", r)
	}
}

// TestCourseRecap: the recap ticks the goals, gives the score, lists the
// engine's key moments at the steps they happened, and enter opens the
// next lesson on the path.
func TestCourseRecap(t *testing.T) {
	var store progress.Memory
	a := csPicker(t, &store, 80, 24)
	a.csOpenLesson(btLessonID)
	a.csPlayToEnd()
	txt := a.text()
	l := a.lesson()
	for _, g := range l.sc.Goals {
		if !strings.Contains(strings.Join(strings.Fields(txt), " "), iconOK+" "+strings.Join(strings.Fields(g), " ")[:20]) {
			t.Errorf("the recap does not tick the goal %q:\n%s", g, txt)
		}
	}
	// At 80×24 the way on is on screen: the moments give way, saying so.
	for _, want := range []string{"enter to open it", "esc back to the lessons", "more in the run"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the recap at 80×24 lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(txt, "Your quiz: 1 of 1 right") {
		t.Errorf("no score in the recap:\n%s", txt)
	}
	// The step of the reuse detection, from the engine's events.
	reuse := 0
	for _, s := range l.tl.steps {
		for _, e := range s.Events {
			if e.Kind == sim.KindReuse && reuse == 0 {
				reuse = s.Index
			}
		}
	}
	if reuse == 0 {
		t.Fatal("the lesson's run detects no reuse")
	}
	if want := fmt.Sprintf("reuse detected at step %d", reuse); !strings.Contains(txt, want) {
		t.Errorf("the recap does not say %q:\n%s", want, txt)
	}
	next := progress.After(progress.Path(tuitest.Catalogue(t)), btLessonID)
	if !strings.Contains(strings.Join(strings.Fields(txt), " "), "Next on your path: "+next.Title) {
		t.Errorf("the recap does not name the next lesson %q:\n%s", next.Title, txt)
	}
	// ← back to the last step, → the recap again, enter the next lesson.
	a.press("left")
	if l.course.recap || l.tl.cur != len(l.tl.steps)-1 {
		t.Errorf("← did not return to the last step")
	}
	a.press("right")
	for _, msg := range btMsgs(a.press("enter")) {
		a.send(msg)
	}
	if got := a.lesson().sc.ID; got != next.ID {
		t.Errorf("enter opened %s, want %s", got, next.ID)
	}
	// esc from there selects that lesson in the picker.
	a.press("esc")
	if sc := a.pk().selected(); sc == nil || sc.ID != next.ID {
		t.Errorf("esc selected %v, want %s", sc, next.ID)
	}
}

// The key moments are the engine's: each names an event of the step it
// says, of the kind it says (or the attacker's request and its status).
func TestCourseKeyMomentsAreEvents(t *testing.T) {
	kindAt := regexp.MustCompile(`^(.+) at step (\d+)`)
	attack := regexp.MustCompile(`^the attacker's (\S+) (\S+) got (\d+).* at step (\d+)$`)
	words := map[string]sim.EventKind{}
	for k, w := range momentWords {
		words[w] = k
	}
	for k, w := range minorWords {
		words[w] = k
	}
	for _, sc := range tuitest.Catalogue(t) {
		r, err := scenarios.Execute(sc, scenarios.Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ms := keyMoments(r.Steps)
		if len(ms) == 0 {
			t.Errorf("%s: no key moments", sc.ID)
		}
		for _, m := range ms {
			found := false
			if g := attack.FindStringSubmatch(m); g != nil {
				n, _ := strconv.Atoi(g[4])
				for _, e := range r.Steps[n-1].Events {
					found = found || e.From == sim.ActorAttacker && e.Method == g[1] && e.Path == g[2] && fmt.Sprint(e.Status) == g[3]
				}
			} else if g := kindAt.FindStringSubmatch(m); g != nil {
				n, _ := strconv.Atoi(g[2])
				for _, e := range r.Steps[n-1].Events {
					found = found || e.Kind == words[g[1]]
				}
			}
			if !found {
				t.Errorf("%s: the moment %q is no event of its step", sc.ID, m)
			}
		}
	}
}

// failingStore refuses every save.
type failingStore struct{ progress.Memory }

func (f *failingStore) Save(id string, r progress.Record) error {
	return errors.New("progress not saved: disk full")
}

// A store that cannot save says so once, in the header, and the lesson
// goes on.
func TestCourseSaveWarningOnce(t *testing.T) {
	a := csPicker(t, &failingStore{}, 100, 30)
	a.csOpenLesson("expiry")
	a.press("l")
	if !strings.Contains(a.header(), "disk full") {
		t.Fatalf("no warning: %q", a.header())
	}
	a.press("l")
	if strings.Contains(a.header(), "disk full") || a.pl().tl.cur != 1 {
		t.Errorf("warned twice or stuck: %q", a.header())
	}
}

// The warning of opening the progress file is one line on the first
// screen, gone at the first key.
func TestCourseOpenWarning(t *testing.T) {
	warn := "progress file /home/someone/.local/state/tokensim/progress.json: it is of version 7, newer than this tokensim's 1; kept as /home/someone/.local/state/tokensim/progress.json.bad-20261205T134210Z, starting with empty progress"
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), ProgressWarning: warn}, 80, 24)
	if !strings.Contains(strings.Join(strings.Fields(a.text()), " "), "starting with empty progress") {
		t.Errorf("no warning:\n%s", a.text())
	}
	a.press("down")
	if strings.Contains(a.text(), "kept as") {
		t.Errorf("the warning stays:\n%s", a.text())
	}
}

// csFind is the ids lessonFilter finds for term in the catalogue.
func csFind(t *testing.T, term string) []string {
	cat := tuitest.Catalogue(t)
	targets := make([]string, len(cat))
	for i, sc := range cat {
		targets[i] = item{sc: sc}.FilterValue()
	}
	var ids []string
	for _, r := range lessonFilter(term, targets) {
		ids = append(ids, cat[r.Index].ID)
	}
	return ids
}

func csHas(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// The search matches words, not letters in order: xss is not in expiry.
func TestSearchXSSNotExpiry(t *testing.T) {
	got := csFind(t, "xss")
	if csHas(got, "expiry") {
		t.Errorf("/xss finds expiry: %v", got)
	}
	if !csHas(got, "first-party") {
		t.Errorf("/xss misses first-party (tagged xss): %v", got)
	}
}

// jku is a tag (and a word of the narration) of forged-tokens.
func TestSearchJKU(t *testing.T) {
	if got := csFind(t, "jku"); len(got) == 0 || got[0] != "forged-tokens" {
		t.Errorf("/jku: %v, want forged-tokens first", got)
	}
	// Through the picker as typed.
	a := btPicker(t, 80, 24)
	a.press("/")
	a.typeFilter("jku")
	if vis := rvVisible(a); len(vis) == 0 || vis[0].ID != "forged-tokens" {
		t.Errorf("typed /jku shows %v", vis)
	}
}

func TestSearchLogout(t *testing.T) {
	got := csFind(t, "logout")
	for _, id := range []string{"revocation-modes", "logout", "logout-layers"} {
		if !csHas(got, id) {
			t.Errorf("/logout misses %s: %v", id, got)
		}
	}
	// Two words: both must be found.
	if got := csFind(t, "logout denylist"); len(got) == 0 || got[0] != "revocation-modes" {
		t.Errorf("/logout denylist: %v, want revocation-modes first", got)
	}
	// Letters of expiry in order, but no word: no fuzzy fallback finds it.
	if got := csFind(t, "xpry"); len(got) != 0 {
		t.Errorf("/xpry finds %v (a fuzzy fallback?)", got)
	}
}

// The page indicator says which page in words, not by colour alone.
func TestPickerPageIndicatorWords(t *testing.T) {
	a := btPicker(t, 80, 24)
	if !strings.Contains(a.text(), "page 1 of ") {
		t.Errorf("no page indicator in words at 80×24:\n%s", a.text())
	}
}

// esc from a lesson opened directly (tokensim play) returns to the picker
// with that lesson selected, not the first.
func TestCourseEscSelectsLesson(t *testing.T) {
	var store progress.Memory
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Open: tuitest.Lookup(t, "reuse-dos"), Progress: &store}, 80, 24)
	a.press("l", "esc")
	if sc := a.pk().selected(); sc == nil || sc.ID != "reuse-dos" {
		t.Errorf("esc selected %v, want reuse-dos", a.pk().list.Index())
	}
	if !strings.Contains(a.text(), "◐ in progress: step 1 of") {
		t.Errorf("the picker does not show the step just made:\n%s", a.text())
	}
}

// Back from a lesson opened from a search, the search still shows its
// lessons, the one left selected and marked.
func TestCourseBackToSearch(t *testing.T) {
	var store progress.Memory
	a := csPicker(t, &store, 100, 30)
	a.press("/")
	a.typeFilter("jku")
	a.press("enter", "enter")
	if got := a.lesson().sc.ID; got != "forged-tokens" {
		t.Fatalf("opened %s", got)
	}
	a.press("l", "esc")
	vis := rvVisible(a)
	if len(vis) == 0 || vis[0].ID != "forged-tokens" || a.pk().selected() == nil || a.pk().selected().ID != "forged-tokens" {
		t.Fatalf("back to the search: visible %d lessons, selected %v", len(vis), a.pk().list.Index())
	}
	if !strings.Contains(a.text(), "◐ in progress: step 1 of") {
		t.Errorf("the lesson left is not marked:\n%s", a.text())
	}
}
