package tui

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// TestSandboxVendorPreset: polish.md, "the sandbox cannot use a vendor
// preset". Opened under okta, the sandbox's world runs okta's policy and
// the header says so.
func TestSandboxVendorPreset(t *testing.T) {
	okta, err := sim.LookupPreset("okta")
	if err != nil {
		t.Fatal(err)
	}
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Sandbox: true, Run: scenarios.Options{Preset: "okta"}}, 80, 24)
	a.press("i")
	s := a.sb()
	if got := s.tl.snapshot().Policy; s.tl.preset != "okta" || got.AccessTTL != okta.Policy.AccessTTL || got.ReuseGrace != okta.Policy.ReuseGrace {
		t.Errorf("preset %q, access %v grace %v; want okta's %v, %v", s.tl.preset, got.AccessTTL, got.ReuseGrace, okta.Policy.AccessTTL, okta.Policy.ReuseGrace)
	}
	if !strings.Contains(a.header(), "preset okta") {
		t.Errorf("the header does not name the preset: %q", a.header())
	}
}

// TestSandboxRestartPreset: issue 14 section 6. "Restart with…" offers
// every preset of the engine, by digit or (past the ninth) by the arrows;
// the world keeps its kind and the steps so far are gone.
func TestSandboxRestartPreset(t *testing.T) {
	a := btSandbox(t, 80, 24)
	restart := strconv.Itoa(len(knobChoices) + 1)
	a.press("w", restart, strconv.Itoa(len(sandboxWorlds))) // the first-party world
	a.press("i")
	world := a.sb().tl.world
	presets := sim.Presets()
	a.press("w", restart, strconv.Itoa(len(sandboxWorlds)+1))
	if m := a.pl().menu(); m == nil || len(m.choices) != len(presets) {
		t.Fatalf("no preset menu of %d presets:\n%s", len(presets), a.text())
	}
	a.press("3") // okta
	s := a.sb()
	if s.tl.preset != "okta" || s.live.Preset != "okta" || len(s.tl.steps) != 0 || s.tl.world != world {
		t.Errorf("restart under okta: preset %q/%q, %d steps, world %q (was %q)", s.tl.preset, s.live.Preset, len(s.tl.steps), s.tl.world, world)
	}
	if !strings.Contains(a.header(), "restarted under preset okta") {
		t.Errorf("the status does not say so: %q", a.header())
	}
	// The last preset, beyond the digits: up wraps to it, enter picks it.
	a.press("w", restart, strconv.Itoa(len(sandboxWorlds)+1), "up", "enter")
	if last := presets[len(presets)-1].Name; a.sb().tl.preset != last {
		t.Errorf("up, enter restarted under %q, want %q", a.sb().tl.preset, last)
	}
	// A restart with another app keeps the preset.
	a.press("w", restart, "1")
	if s := a.sb(); s.tl.preset != presets[len(presets)-1].Name || s.tl.world != sandboxWorlds[0].label {
		t.Errorf("restart with another app: preset %q, world %q", s.tl.preset, s.tl.world)
	}
}

// TestSandboxBranch: issue 14 section 6. An action taken after stepping
// back starts a new branch from the step shown, says which steps it
// discards, and plays on the world as it was at that step (not at the end
// of the discarded ones): the steps kept, and the new one, are what a
// fresh sandbox doing the same gives.
func TestSandboxBranch(t *testing.T) {
	a := btSandbox(t, 80, 24)
	a.press("i", "s", "2", "r", "c", "o") // log in, steal the refresh token, refresh, call, log out
	if n := len(a.pl().tl.steps); n != 5 {
		t.Fatalf("%d steps, want 5", n)
	}
	a.press("left", "left", "left") // back to step 2: logged in, the token stolen
	if s := a.sb(); s.status != "an action here branches from step 2 (3–5 discarded)" {
		t.Errorf("stepped back, the status is %q", s.status)
	}
	a.press("R") // the attacker refreshes
	s := a.sb()
	if len(s.tl.steps) != 3 || s.tl.cur != 2 || len(s.live.Steps) != 3 {
		t.Fatalf("after the branch: %d steps (live %d), cur %d; want 3", len(s.tl.steps), len(s.live.Steps), s.tl.cur)
	}
	want := "branched from step 2 (3–5 discarded) · the attacker refreshes: 200"
	if s.status != want || !strings.Contains(a.header(), want) {
		t.Errorf("status %q, want it to say %q", s.status, want)
	}
	// The same three actions on a fresh sandbox.
	b := btSandbox(t, 80, 24)
	b.press("i", "s", "2", "R")
	fresh := b.sb()
	for i := range 3 {
		got, w := s.tl.steps[i], fresh.tl.steps[i]
		if got.Step.Title != w.Step.Title || got.Outcome != w.Outcome || !reflect.DeepEqual(got.Snapshot, w.Snapshot) {
			t.Errorf("step %d: %q %+v, a fresh sandbox gives %q %+v", i+1, got.Step.Title, got.Outcome, w.Step.Title, w.Outcome)
		}
	}
	if !reflect.DeepEqual(s.live.World.Inspect(), fresh.live.World.Inspect()) {
		t.Error("the branch's world is not the world of the steps it shows")
	}
	// Without stepping back, an action appends as before.
	a.press("c")
	if s := a.sb(); len(s.tl.steps) != 4 || strings.Contains(s.status, "branched") {
		t.Errorf("an action at the last step: %d steps, status %q", len(s.tl.steps), s.status)
	}
	// Back before the first step: the branch starts from the start.
	a.press("home", "i")
	if s := a.sb(); len(s.tl.steps) != 1 || !strings.HasPrefix(s.status, "branched from the start (1–4 discarded)") {
		t.Errorf("from the start: %d steps, status %q", len(s.tl.steps), s.status)
	}
	// A refused action discards nothing.
	a.press("i", "c", "left")
	a.sb().do("call", map[string]string{"path": "/x", "colour": "red"})
	if s := a.sb(); len(s.tl.steps) != 3 || s.tl.cur != 1 {
		t.Errorf("a refused action after stepping back: %d steps, cur %d", len(s.tl.steps), s.tl.cur)
	}
}

// TestSandboxHelpEsc: esc with the full help open closes the help and
// stays in the sandbox (it went back to the picker); a second esc goes
// back.
func TestSandboxHelpEsc(t *testing.T) {
	for name, a := range map[string]*btApp{"sandbox": btSandbox(t, 80, 24), "player": btLesson(t, btLessonID, 80, 24)} {
		a.press("?")
		if !a.root().help.ShowAll {
			t.Fatalf("%s: ? did not open the help", name)
		}
		a.press("esc")
		if r := a.root(); r.help.ShowAll || r.screen != screenPlayer {
			t.Errorf("%s: esc under the help: help %v, screen %d", name, r.help.ShowAll, r.screen)
		}
		a.press("esc")
		if r := a.root(); r.screen != screenPicker {
			t.Errorf("%s: the second esc did not go back to the picker", name)
		}
	}
}

// TestBranchNote: one step discarded is named alone.
func TestBranchNote(t *testing.T) {
	for _, c := range []struct {
		from, last int
		want       string
	}{
		{4, 5, "branched from step 4 (5 discarded) · "},
		{2, 5, "branched from step 2 (3–5 discarded) · "},
		{0, 1, "branched from the start (1 discarded) · "},
	} {
		if got := branchNote(c.from, c.last); got != c.want {
			t.Errorf("branchNote(%d, %d) = %q, want %q", c.from, c.last, got, c.want)
		}
	}
}

// btTestSandboxActions: m in free play lists every action, the ones with
// no key of their own too: an administrator disabling the account (the
// refresh checkpoint) is taken from it, and the next refresh fails in the
// engine's words.
func btTestSandboxActions(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("i") // log in
	a.press(k)
	m := a.sb().menu()
	if m == nil {
		t.Fatalf("%s opened no menu", k)
	}
	pick := -1
	for i, c := range m.choices {
		if c.label == "set a policy knob…" {
			t.Errorf("free play's action list offers set, which w does")
		}
		if c.label == "an administrator disables alice's account" {
			pick = i
		}
	}
	if pick < 0 {
		t.Fatalf("the list lacks admin-disable: %+v", m.choices)
	}
	// As a learner picks it: the page it is on, then its digit.
	for range pick / 9 {
		a.press("pgdown")
	}
	a.press(strconv.Itoa(pick%9 + 1))
	if a.sb().menu() != nil {
		t.Fatalf("the menu stayed open after its choice:\n%s", a.text())
	}
	steps := a.sb().tl.steps
	if last := steps[len(steps)-1]; last.Step.Do != "admin-disable" {
		t.Fatalf("the last step is %s, want admin-disable", last.Step.Do)
	}
	a.press("r")
	steps = a.sb().tl.steps
	if last := steps[len(steps)-1]; last.Outcome.OK() || last.Outcome.Reason == "" {
		t.Errorf("a refresh after the account was disabled: %+v", last.Outcome)
	}
}
