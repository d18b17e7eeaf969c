package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// ctOpen opens challenge id directly with a progress store, at w×h.
func ctOpen(t *testing.T, id string, store progress.Store, w, h int) *btApp {
	t.Helper()
	ch, err := scenarios.ChallengeByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Challenge: ch, Progress: store}, w, h)
}

func (a *btApp) challenge() *challenge {
	a.tb.Helper()
	c, ok := a.root().player.(*challenge)
	if !ok {
		a.tb.Fatalf("no challenge in front:\n%s", a.text())
	}
	return c
}

// TestChallengeSolvedByKeys (issue 15, section 3) plays stop-the-thief's
// recorded solution (set rotation on, then refresh) with the keys a
// learner presses, through the root Update, at 80×24: the goal is on
// screen from the start, a wrong move gets the engine's "not yet" and a
// hint, z starts again, the solution reaches the success panel with its
// score, and the solved challenge joins the learner's progress and the
// picker's list of challenges.
func TestChallengeSolvedByKeys(t *testing.T) {
	var store progress.Memory
	a := ctOpen(t, "stop-the-thief", &store, 80, 24)
	if s := oneLine(a.text()); !strings.Contains(s, "Goal: An injected script has copied Alice's refresh token") || !strings.Contains(s, "each try shows the next hint") {
		t.Fatalf("the goal and the rule of a try are not on screen:\n%s", a.text())
	}
	// A key of an action the challenge does not allow does nothing, and
	// the help does not offer it.
	before := len(a.challenge().att.Learner())
	a.press("i")
	if len(a.challenge().att.Learner()) != before {
		t.Errorf("i (log in) acted in a challenge that does not allow login")
	}
	a.press("?")
	if strings.Contains(a.text(), "log in") {
		t.Errorf("the help offers log in, which the challenge does not allow:\n%s", a.text())
	}
	a.press("?")
	// The wrong move: refresh without rotation.
	a.press("r")
	s := oneLine(a.text())
	if !strings.Contains(s, "✗ not yet: the attacker refreshed") || !strings.Contains(s, "Hint: Ask what the stolen refresh token is good for") {
		t.Errorf("after a wrong move, no engine why and hint:\n%s", a.text())
	}
	if r, ok := store.Load(progress.ChallengeID("stop-the-thief")); !ok || r.Done || !strings.Contains(progress.ChallengeMark(r, ok), "tried, not solved") {
		t.Errorf("after a wrong move the record is %+v", r)
	}
	a.press("z")
	if n := len(a.challenge().att.Learner()); n != 0 || a.challenge().verdict != nil {
		t.Fatalf("z left %d actions and a verdict", n)
	}
	// The recorded solution: w, the first knob (rotation), on; then r.
	a.press("w", "1", "1", "r")
	s = oneLine(a.text())
	for _, want := range []string{"✓ Goal met. z plays it again", "✓ met: the attacker cannot call the API", "Score: 2 action(s), no virtual time (par 2 action(s), 0s): ★★★ 3 of 3 stars"} {
		if !strings.Contains(s, want) {
			t.Errorf("the success panel lacks %q:\n%s", want, a.text())
		}
	}
	if r, ok := store.Load(progress.ChallengeID("stop-the-thief")); !ok || !r.Done || r.Stars != 3 {
		t.Errorf("solved, the record is %+v", r)
	}
	if _, ok := store.Load("stop-the-thief"); ok {
		t.Errorf("the challenge's record landed in the lessons' namespace")
	}
	// Solved: a further action is refused, the score stands.
	a.press("r")
	if !strings.Contains(a.header(), "solved: z plays the challenge again") {
		t.Errorf("an action after solving was not refused: %q", a.header())
	}
	// Back to the picker: the challenges list, the one left selected
	// and marked solved; C lists the lessons again.
	a.press("esc")
	s = oneLine(a.text())
	if !strings.Contains(s, fmt.Sprintf("pick a challenge · 1 of %d solved", len(a.pk().challenges))) || !strings.Contains(s, "✓ solved · ★★★ 3 of 3 stars") {
		t.Errorf("the picker's challenges do not show the solved one:\n%s", a.text())
	}
	if ch := a.pk().selectedChallenge(); ch == nil || ch.ID != "stop-the-thief" {
		t.Errorf("back from the challenge, %v is selected", ch)
	}
	a.press("C")
	if !strings.Contains(a.text(), fmt.Sprintf("· 1 of %d challenges", len(a.pk().challenges))) || a.pk().selected() == nil {
		t.Errorf("C does not list the lessons again:\n%s", a.text())
	}
}

// TestChallengeRecordedSolutions plays every built-in challenge's
// recorded solution (scenarios/challenges/testdata) through the screen's
// own action path, the one its keys and menu take, to the success panel;
// and its recorded wrong solution to a "not yet" with a hint.
func TestChallengeRecordedSolutions(t *testing.T) {
	cs, err := scenarios.Challenges()
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range cs {
		for _, kind := range []string{"solution", "wrong"} {
			path := filepath.Join("..", "scenarios", "challenges", "testdata", ch.ID+"."+kind+".yaml")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sol, err := scenarios.LoadSolution(path, data)
			if err != nil {
				t.Fatal(err)
			}
			a := ctOpen(t, ch.ID, nil, 100, 30)
			c := a.challenge()
			for _, st := range sol.Steps {
				if _, ok := c.sandbox.do(st.Do, st.Params); !ok && kind == "solution" {
					t.Errorf("%s: %s refused: %s", ch.ID, st.Do, c.status)
				}
			}
			s := oneLine(a.text())
			met := strings.Contains(s, "✓ Goal met")
			switch {
			case kind == "solution" && !met:
				t.Errorf("%s: the recorded solution does not reach the success panel:\n%s", ch.ID, a.text())
			case kind == "wrong" && (met || !strings.Contains(s, "not yet") && !strings.Contains(s, "can no longer meet")):
				t.Errorf("%s: the wrong solution is not refused with the engine's why:\n%s", ch.ID, a.text())
			}
		}
	}
}

// TestChallengeMenuOffersOnlyAllowed: m lists exactly the challenge's
// actions, and w exactly its knobs.
func TestChallengeMenuOffersOnlyAllowed(t *testing.T) {
	a := ctOpen(t, "laptop-stolen", nil, 100, 30)
	c := a.challenge()
	a.press("m")
	if m := c.menu(); m == nil || len(m.choices) != len(c.ch.Actions) {
		t.Fatalf("m: %v choices for %d actions", c.menu(), len(c.ch.Actions))
	}
	a.press("esc", "w")
	if m := c.menu(); m == nil || len(m.choices) != len(c.ch.Knobs) {
		t.Fatalf("w: a menu of %d knobs, want %d", len(c.menu().choices), len(c.ch.Knobs))
	}
}

func ctTestChallenges(t *testing.T, k string) {
	a := btPicker(t, 100, 30)
	a.press(k)
	if a.pk().selectedChallenge() == nil || !strings.Contains(a.text(), "pick a challenge") {
		t.Fatalf("%s did not list the challenges:\n%s", k, a.text())
	}
	a.press("enter")
	if _, ok := a.root().player.(*challenge); !ok {
		t.Fatalf("enter on a challenge did not open it:\n%s", a.text())
	}
	a = btPicker(t, 100, 30)
	a.press("/", k)
	if a.pk().showChallenges || a.pk().list.FilterInput.Value() != k {
		t.Errorf("%s while filtering listed the challenges instead of typing", k)
	}
}

func ctTestActions(t *testing.T, k string) {
	a := ctOpen(t, "service-token", nil, 100, 30)
	a.press(k)
	if a.challenge().menu() == nil {
		t.Fatalf("%s opened no menu of actions", k)
	}
	a.press("1") // service.token, the first the challenge allows
	if n := len(a.challenge().att.Learner()); n != 1 {
		t.Errorf("choosing the first action took %d actions", n)
	}
}

func ctTestRestart(t *testing.T, k string) {
	a := ctOpen(t, "stop-the-thief", nil, 100, 30)
	a.press("r")
	a.press(k)
	if c := a.challenge(); len(c.att.Learner()) != 0 || c.verdict != nil || !strings.Contains(a.header(), "a fresh attempt") {
		t.Errorf("%s did not start a fresh attempt: %q", k, a.header())
	}
}

// ctTestWhole: at 80×24 the panel cannot hold stop-the-thief's verdict
// and goal; it says how many lines it hides and which key shows them,
// and that key shows every line of them, the goal's last words included.
func ctTestWhole(t *testing.T, k string) {
	a := ctOpen(t, "stop-the-thief", nil, 80, 24)
	a.press("r")
	const last = "past her access token's expiry."
	s := oneLine(a.text())
	if !strings.Contains(s, "more line(s): t shows the whole goal and verdict") || strings.Contains(s, last) {
		t.Fatalf("the panel cut the verdict without saying so:\n%s", a.text())
	}
	a.press(k)
	s = oneLine(a.text())
	if !strings.Contains(s, last) || strings.Contains(s, "more line(s)") || !strings.Contains(s, "Hint:") || !strings.Contains(s, k+" goes back to the sandbox") {
		t.Fatalf("%s did not show the whole goal and verdict:\n%s", k, a.text())
	}
	a.press(k)
	if !strings.Contains(oneLine(a.text()), "more line(s)") {
		t.Errorf("%s again did not return to the stepper", k)
	}
}

// TestChallengeStuck: past stop-the-thief's deadline (5 virtual minutes
// after the theft) the engine says the goal can no longer be met, the
// panel says so and that z starts again, and actions are refused.
func TestChallengeStuck(t *testing.T) {
	a := ctOpen(t, "stop-the-thief", nil, 80, 24)
	a.press("d", "3") // advance 15m
	s := oneLine(a.text())
	if !strings.Contains(s, "✗ This attempt can no longer meet the goal") || !strings.Contains(s, "z starts again") {
		t.Fatalf("past the deadline, no stuck panel:\n%s", a.text())
	}
	a.press("r")
	if n := len(a.challenge().att.Learner()); n != 1 || !strings.Contains(a.header(), "can no longer meet the goal") {
		t.Errorf("an action after the deadline was not refused: %d actions, %q", n, a.header())
	}
}

// TestChallengeWithoutSetupIntro: a challenge whose world starts empty
// (one like stop-the-thief without its setup) says so, not the sandbox's
// intro, whose keys it may not allow.
func TestChallengeWithoutSetupIntro(t *testing.T) {
	base, err := scenarios.ChallengeByID("stop-the-thief")
	if err != nil {
		t.Fatal(err)
	}
	ch, world := *base, *base.World
	world.Steps = nil
	ch.World = &world
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Challenge: &ch}, 100, 30)
	s := oneLine(a.text())
	if !strings.Contains(s, "Nothing has happened yet: the challenge starts from a fresh world") || strings.Contains(s, "Sandbox:") {
		t.Errorf("an empty challenge shows the sandbox's intro:\n%s", a.text())
	}
}

// menuLeaves picks every leaf of m and its sub-menus.
func menuLeaves(m *menu) {
	for _, ch := range m.choices {
		switch {
		case ch.sub != nil:
			menuLeaves(ch.sub())
		case ch.pick != nil:
			ch.pick()
		}
	}
}

// TestChallengeMenusOfferEverySolution: every step of every built-in
// challenge's recorded solution is one a learner can take on the screen:
// a leaf of the actions menu (m) or of the knobs menu (w), with the same
// parameters once the action's defaults are filled in.
func TestChallengeMenusOfferEverySolution(t *testing.T) {
	cs, err := scenarios.Challenges()
	if err != nil {
		t.Fatal(err)
	}
	// The action's own reading of its parameters, defaults filled in.
	scratch, err := scenarios.NewLive("", "", "", scenarios.Options{})
	if err != nil {
		t.Fatal(err)
	}
	norm := func(action string, p map[string]string) string {
		if res, err := scratch.Do(action, p); err == nil {
			p = res.Step.Params
		}
		return fmt.Sprintf("%s %v", action, p)
	}
	for _, ch := range cs {
		c := ctOpen(t, ch.ID, nil, 100, 30).challenge()
		offered := map[string]bool{}
		c.act = func(action string, p map[string]string) (scenarios.StepResult, error) {
			offered[norm(action, p)] = true
			return scenarios.StepResult{}, fmt.Errorf("recorded")
		}
		menuLeaves(c.actionsMenu())
		menuLeaves(c.knobsMenu())
		path := filepath.Join("..", "scenarios", "challenges", "testdata", ch.ID+".solution.yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := scenarios.LoadSolution(path, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range sol.Steps {
			if want := norm(st.Do, st.Params); !offered[want] {
				t.Errorf("%s: the solution's step %q is not offered by m or w", ch.ID, want)
			}
		}
	}
}
