package tui

// Update-level tests of every key binding in keys.go: each test builds the
// root Model with New, sizes it with a WindowSizeMsg and drives it with the
// KeyPressMsg values a terminal sends, rendering after every message as the
// runtime does. TestEveryBinding runs, for every key of every binding in
// DefaultKeyMap, the test registered for that binding in btBindingTests, so a
// binding added without a test fails.

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// btLessonID is the lesson most tests play: some ten steps, a quiz (three
// options) the tests find with btQuizAt, and a what-if (rotation off) that
// changes outcomes.
const btLessonID = "refresh-theft-rotation"

// btApp is the root model under test and the terminal size it was given.
type btApp struct {
	tb   testing.TB
	m    tea.Model
	w, h int
}

func btNewApp(tb testing.TB, opts Options, w, h int) *btApp {
	tb.Helper()
	if opts.ExportDir == "" {
		opts.ExportDir = tb.TempDir() // never write into the package directory
	}
	m, err := New(opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	a := &btApp{tb: tb, m: m}
	a.send(tea.WindowSizeMsg{Width: w, Height: h})
	return a
}

func btPicker(tb testing.TB, w, h int) *btApp {
	tb.Helper()
	return btNewApp(tb, Options{Catalogue: tuitest.Catalogue(tb)}, w, h)
}

func btLesson(tb testing.TB, id string, w, h int) *btApp {
	tb.Helper()
	sc := tuitest.Lookup(tb, id)
	return btNewApp(tb, Options{Catalogue: tuitest.Catalogue(tb), Open: sc}, w, h)
}

// btChallenge opens challenge id directly, as tokensim play --challenge.
func btChallenge(tb testing.TB, id string, w, h int) *btApp {
	tb.Helper()
	ch, err := scenarios.ChallengeByID(id)
	if err != nil {
		tb.Fatal(err)
	}
	return btNewApp(tb, Options{Catalogue: tuitest.Catalogue(tb), Challenge: ch}, w, h)
}

func btSandbox(tb testing.TB, w, h int) *btApp {
	tb.Helper()
	return btNewApp(tb, Options{Catalogue: tuitest.Catalogue(tb), Sandbox: true}, w, h)
}

// send updates the model and renders it, as the runtime does (View also
// loads the inspector's viewport, which scrolling works on). Every frame
// must fit the terminal.
func (a *btApp) send(msg tea.Msg) tea.Cmd {
	a.tb.Helper()
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		a.w, a.h = ws.Width, ws.Height
	}
	var cmd tea.Cmd
	a.m, cmd = a.m.Update(msg)
	a.view()
	return cmd
}

// press sends the keys in order and returns the last one's command.
func (a *btApp) press(keys ...string) tea.Cmd {
	a.tb.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		cmd = a.send(tuitest.Key(k))
	}
	return cmd
}

func (a *btApp) view() string {
	a.tb.Helper()
	c := a.m.View().Content
	if err := btFits(c, a.w, a.h); err != nil {
		a.tb.Fatalf("%v\n%s", err, ansi.Strip(c))
	}
	return c
}

// text is the screen without styling.
func (a *btApp) text() string { a.tb.Helper(); return ansi.Strip(a.view()) }

func (a *btApp) root() Model { return a.m.(Model) }

// pk is the picker, for its accessors.
func (a *btApp) pk() *picker { return a.root().picker }

// pl is the stepper of the screen in front: a lesson's or the sandbox's.
func (a *btApp) pl() *stepper {
	a.tb.Helper()
	r := a.root()
	if r.screen != screenPlayer || r.player == nil {
		a.tb.Fatalf("not in the player (screen %d)", r.screen)
	}
	return r.player.steps()
}

// lesson is the lesson in front.
func (a *btApp) lesson() *lesson {
	a.tb.Helper()
	a.pl()
	l, ok := a.root().player.(*lesson)
	if !ok {
		a.tb.Fatalf("not in a lesson: %T", a.root().player)
	}
	return l
}

// sb is the sandbox in front.
func (a *btApp) sb() *sandbox {
	a.tb.Helper()
	a.pl()
	s, ok := a.root().player.(*sandbox)
	if !ok {
		a.tb.Fatalf("not in the sandbox: %T", a.root().player)
	}
	return s
}

// openPrompt is the open duration prompt, or nil.
func (s *stepper) openPrompt() *prompt {
	p, _ := s.modal.(*prompt)
	return p
}

func (a *btApp) header() string {
	a.tb.Helper()
	return strings.SplitN(a.text(), "\n", 2)[0]
}

// btFits reports a frame taller or wider than the terminal, measuring each
// line on its own.
func btFits(content string, w, h int) error {
	if content == "" {
		return nil
	}
	lines := strings.Split(content, "\n")
	if len(lines) > h {
		return fmt.Errorf("%d lines in a %dx%d terminal", len(lines), w, h)
	}
	for i, l := range lines {
		if sw := ansi.StringWidth(l); sw > w {
			return fmt.Errorf("line %d is %d cells wide in a %dx%d terminal: %q", i+1, sw, w, h, ansi.Strip(l))
		}
	}
	return nil
}

// btMsgs runs cmd as the runtime would, a batch's commands concurrently,
// and returns every message produced. Only for commands that end soon.
func btMsgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	b, ok := msg.(tea.BatchMsg)
	if !ok {
		return []tea.Msg{msg}
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out []tea.Msg
	)
	for _, c := range b {
		wg.Go(func() {
			ms := btMsgs(c)
			mu.Lock()
			out = append(out, ms...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func btIsQuit(cmd tea.Cmd) bool {
	return slices.ContainsFunc(btMsgs(cmd), func(m tea.Msg) bool { _, ok := m.(tea.QuitMsg); return ok })
}

// btAwait runs cmd and returns the first message want accepts, leaving
// slow commands (a cursor's blink) to finish on their own.
func btAwait(tb testing.TB, cmd tea.Cmd, want func(tea.Msg) bool) tea.Msg {
	tb.Helper()
	ch := make(chan tea.Msg, 64)
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, s := range b {
					run(s)
				}
				return
			}
			select {
			case ch <- msg:
			default:
			}
		}()
	}
	run(cmd)
	timeout := time.After(5 * time.Second)
	for {
		select {
		case msg := <-ch:
			if want(msg) {
				return msg
			}
		case <-timeout:
			tb.Fatalf("the command never produced the message awaited")
			return nil
		}
	}
}

// typeFilter types s into the picker's filter, feeding back each
// keystroke's filter result as the runtime would.
func (a *btApp) typeFilter(s string) {
	a.tb.Helper()
	for _, r := range s {
		cmd := a.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		a.send(btAwait(a.tb, cmd, func(m tea.Msg) bool { _, ok := m.(list.FilterMatchesMsg); return ok }))
	}
}

// btQuizAt is the index of the first step with a quiz.
func btQuizAt(tb testing.TB, p *stepper) int {
	tb.Helper()
	for i, s := range p.tl.steps {
		if s.Step.Quiz != nil {
			return i
		}
	}
	tb.Fatal("the lesson has no quiz")
	return -1
}

// toQuiz steps to the lesson's first quiz with n.
func (a *btApp) toQuiz() int {
	a.tb.Helper()
	q := btQuizAt(a.tb, a.pl())
	for a.pl().tl.cur < q {
		a.press("n")
	}
	if !a.pl().tl.hidden(q) {
		a.tb.Fatalf("step %d's quiz is not waiting for an answer", q+1)
	}
	return q
}

// btBinding is a binding of KeyMap and its name: the field's, after its
// group's ("Player.Next").
type btBinding struct {
	name string
	b    key.Binding
}

// btBindings is every binding of DefaultKeyMap, groups walked.
func btBindings() []btBinding {
	var out []btBinding
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			name := prefix + v.Type().Field(i).Name
			switch f := v.Field(i); f.Interface().(type) {
			case key.Binding:
				out = append(out, btBinding{name, f.Interface().(key.Binding)})
			default:
				if f.Kind() == reflect.Struct {
					walk(f, name+".")
				}
			}
		}
	}
	walk(reflect.ValueOf(DefaultKeyMap()), "")
	return out
}

// btBindingTests holds, for each binding of KeyMap (btBindings), a test
// run once for every key of that binding.
var btBindingTests = map[string]func(t *testing.T, k string){
	"Quit": btTestQuit, "Help": btTestHelp, "Back": btTestBack,
	"Picker.Open": btTestOpen, "Picker.Sandbox": btTestSandbox, "Picker.Filter": btTestFilter,
	"Picker.Challenges": ctTestChallenges, "Challenge.Actions": ctTestActions, "Challenge.Restart": ctTestRestart, "Challenge.Whole": ctTestWhole,
	"Player.Next": btTestNext, "Player.Prev": btTestPrev, "Player.First": btTestFirst, "Player.Last": btTestLast,
	"Player.Autoplay": btTestAutoplay, "Player.Faster": btTestFaster, "Player.Slower": btTestSlower,
	"Player.NextTab": btTestNextTab, "Player.PrevTab": btTestPrevTab,
	"Player.Tab1": btTestTabDigit, "Player.Tab2": btTestTabDigit, "Player.Tab3": btTestTabDigit, "Player.Tab4": btTestTabDigit, "Player.Tab5": btTestTabDigit,
	"Player.WhatIf": btTestWhatIf, "Player.Export": btTestExport,
	"Player.ScrollUp": btTestScrollUp, "Player.ScrollDown": btTestScrollDown,
	"Player.DiagramUp": btTestDiagramScroll, "Player.DiagramDown": btTestDiagramScroll,
	"Player.Answer1": btTestAnswer, "Player.Answer2": btTestAnswer, "Player.Answer3": btTestAnswer, "Player.Answer4": btTestAnswer, "Player.Answer5": btTestAnswer,
	"Sandbox.Login": btTestSandboxAction, "Sandbox.Call": btTestSandboxAction, "Sandbox.Refresh": btTestSandboxAction,
	"Sandbox.Logout": btTestSandboxAction, "Sandbox.Revoke": btTestSandboxAction,
	"Sandbox.AttackCall": btTestSandboxAction, "Sandbox.AttackRefresh": btTestSandboxAction, "Sandbox.Ride": btTestSandboxAction,
	"Sandbox.Advance": btTestAdvance, "Sandbox.Steal": btTestSteal,
	"Sandbox.Forge": btTestForge, "Sandbox.Race": btTestRace, "Sandbox.Validation": btTestValidation,
	"Sandbox.Forget": btTestSandboxAction, "Sandbox.EndSession": btTestSandboxAction, "Sandbox.SilentLogin": btTestSandboxAction, "Sandbox.Actions": btTestSandboxActions,
	"Filter.Apply": btTestFilterKeys, "Filter.Cancel": btTestFilterKeys, "Filter.Quit": btTestFilterKeys,
	"Menu.Pick": btTestMenuKeys, "Menu.Move": btTestMenuKeys, "Menu.Up": btTestMenuKeys, "Menu.Down": btTestMenuKeys,
	"Menu.Choose": btTestMenuKeys, "Menu.Cancel": btTestMenuKeys,
	"Player.Copy": btTestCopy, "Player.NextHop": btTestHop, "Player.PrevHop": btTestHop,
	"Menu.NextPage": btTestMenuPage, "Menu.PrevPage": btTestMenuPage,
	"Prompt.Enter": btTestPromptEnter,
}

func TestEveryBinding(t *testing.T) {
	seen := map[string]bool{}
	for _, kb := range btBindings() {
		name, b := kb.name, kb.b
		seen[name] = true
		test, ok := btBindingTests[name]
		if !ok {
			t.Errorf("binding %s has no test in btBindingTests", name)
			continue
		}
		if len(b.Keys()) == 0 || !b.Enabled() {
			t.Errorf("binding %s has no key or is disabled", name)
		}
		for _, k := range b.Keys() {
			t.Run(name+"/"+k, func(t *testing.T) {
				// A key the terminal can never send (" " instead of "space")
				// would make the binding dead.
				if got := tuitest.Key(k).String(); got != k {
					t.Fatalf("the terminal sends %q for %q: the binding never matches", got, k)
				}
				test(t, k)
			})
		}
	}
	for name := range btBindingTests {
		if !seen[name] {
			t.Errorf("btBindingTests has %s, which keys.go no longer defines", name)
		}
	}
}

func btTestQuit(t *testing.T, k string) {
	for name, a := range map[string]*btApp{
		"picker": btPicker(t, 100, 30), "player": btLesson(t, btLessonID, 100, 30), "sandbox": btSandbox(t, 100, 30),
	} {
		if !btIsQuit(a.press(k)) {
			t.Errorf("%s: %s does not quit", name, k)
		}
	}
	// An open menu takes q as a key of its own; ctrl+c still quits.
	a := btLesson(t, btLessonID, 100, 30)
	a.press("w")
	quit := btIsQuit(a.press(k))
	switch k {
	case "ctrl+c":
		if !quit {
			t.Error("ctrl+c does not quit while a menu is open")
		}
	default:
		if quit || a.pl().menu() == nil {
			t.Errorf("%s in an open menu: quit %v, menu still open %v", k, quit, a.pl().menu() != nil)
		}
	}
	// While the picker's filter is being typed, q is a letter.
	a = btPicker(t, 100, 30)
	a.press("/")
	quit = btIsQuit(a.press(k))
	switch k {
	case "ctrl+c":
		if !quit {
			t.Error("ctrl+c does not quit while filtering")
		}
	default:
		if quit {
			t.Errorf("%s quits while filtering instead of typing", k)
		}
		if v := a.pk().list.FilterInput.Value(); v != k || !a.pk().filtering() {
			t.Errorf("filter after typing %s: %q (filtering %v)", k, v, a.pk().filtering())
		}
	}
}

func btTestHelp(t *testing.T, k string) {
	// Each screen has a help entry that only the full help shows.
	for name, c := range map[string]struct {
		a    *btApp
		full string
	}{
		"picker":  {btPicker(t, 140, 45), "scroll down"},
		"player":  {btLesson(t, btLessonID, 140, 45), "export markdown"},
		"sandbox": {btSandbox(t, 140, 45), "admin revoke"},
	} {
		if strings.Contains(c.a.text(), c.full) {
			t.Fatalf("%s: the short help already shows %q", name, c.full)
		}
		c.a.press(k)
		if !c.a.root().help.ShowAll || !strings.Contains(c.a.text(), c.full) {
			t.Errorf("%s: %s does not show the full help:\n%s", name, k, c.a.text())
		}
		c.a.press(k)
		if c.a.root().help.ShowAll || strings.Contains(c.a.text(), c.full) {
			t.Errorf("%s: a second %s does not hide the full help", name, k)
		}
	}
	a := btPicker(t, 100, 30)
	a.press("/", k)
	if a.root().help.ShowAll || a.pk().list.FilterInput.Value() != k {
		t.Errorf("%s while filtering toggled help instead of typing (filter %q)", k, a.pk().list.FilterInput.Value())
	}
}

func btTestBack(t *testing.T, k string) {
	for name, a := range map[string]*btApp{"player": btLesson(t, btLessonID, 100, 30), "sandbox": btSandbox(t, 100, 30)} {
		a.press("n")
		if cmd := a.press(k); cmd != nil {
			t.Errorf("%s: %s returned a command", name, k)
		}
		if r := a.root(); r.screen != screenPicker || r.player != nil || !strings.Contains(a.text(), "pick a lesson") {
			t.Errorf("%s: %s did not go back to the picker:\n%s", name, k, a.text())
		}
	}
	// In a menu, esc closes the menu and stays.
	a := btLesson(t, btLessonID, 100, 30)
	a.press("w")
	if !strings.Contains(a.text(), "What if") {
		t.Fatalf("no what-if menu:\n%s", a.text())
	}
	a.press(k)
	if a.pl().menu() != nil || strings.Contains(a.text(), "What if") {
		t.Errorf("%s did not close the menu", k)
	}
	// On the picker, esc is not a way out of the program.
	a = btPicker(t, 100, 30)
	if btIsQuit(a.press(k)) || a.root().screen != screenPicker {
		t.Errorf("%s on the picker quits", k)
	}
}

func btTestOpen(t *testing.T, k string) {
	a := btPicker(t, 100, 30)
	first := a.pk().selected()
	a.press(k)
	if got := a.pl().tl.id; got != first.ID {
		t.Errorf("%s opened %q, want the selected %q", k, got, first.ID)
	}
	if !strings.Contains(a.text(), first.Title[:20]) {
		t.Errorf("the player does not show the lesson's title %q:\n%s", first.Title, a.text())
	}
	a.press("esc", "j")
	second := a.pk().selected()
	if second.ID == first.ID {
		t.Fatal("j did not move the picker's selection")
	}
	a.press(k)
	if got := a.pl().tl.id; got != second.ID {
		t.Errorf("%s opened %q, want %q", k, got, second.ID)
	}
	// In a menu, enter takes the highlighted choice.
	a = btLesson(t, btLessonID, 100, 30)
	a.press("w", k)
	if m := a.pl().menu(); m == nil || m.title != "refresh-token rotation" {
		t.Fatalf("%s in the what-if menu did not open the first knob", k)
	}
	a.press("j", k)
	if p := a.pl(); p.menu() != nil || p.whatIf != "refresh-token rotation off" {
		t.Errorf("%s did not choose rotation=false: menu %v, what-if %q", k, p.menu() != nil, p.whatIf)
	}
}

func btTestSandbox(t *testing.T, k string) {
	a := btPicker(t, 100, 30)
	a.press(k)
	if _, ok := a.root().player.(*sandbox); !ok {
		t.Fatalf("%s did not open the sandbox", k)
	}
	if !strings.Contains(a.text(), "press i to log in") {
		t.Errorf("the sandbox does not say how to start:\n%s", a.text())
	}
	a = btPicker(t, 100, 30)
	a.press("/", k)
	if a.root().screen != screenPicker || a.pk().list.FilterInput.Value() != k {
		t.Errorf("%s while filtering opened the sandbox instead of typing", k)
	}
}

func btTestFilter(t *testing.T, k string) {
	a := btPicker(t, 100, 30)
	a.press(k)
	if !a.pk().filtering() {
		t.Fatalf("%s did not start filtering", k)
	}
	a.typeFilter("wrong-audience")
	a.press("enter") // accept the filter
	if a.pk().filtering() || a.root().screen != screenPicker {
		t.Fatal("enter did not accept the filter")
	}
	if sc := a.pk().selected(); sc == nil || sc.ID != "wrong-audience" {
		t.Fatalf("the filter selected %v", sc)
	}
	if n := len(a.pk().list.VisibleItems()); n >= len(tuitest.Catalogue(t)) {
		t.Errorf("the filter left %d lessons", n)
	}
	a.press("enter")
	if got := a.pl().tl.id; got != "wrong-audience" {
		t.Errorf("enter opened %q", got)
	}
}

func btTestNext(t *testing.T, k string) {
	for _, w := range []int{80, 100, 140} { // stacked and side by side
		a := btLesson(t, btLessonID, w, 30)
		n := len(a.pl().tl.steps)
		before := a.text()
		a.press(k)
		if got := a.pl().tl.cur; got != 0 {
			t.Fatalf("%s: cur %d, want 0", k, got)
		}
		if !strings.Contains(a.header(), fmt.Sprintf("step 1/%d", n)) || a.text() == before {
			t.Errorf("%s did not show step 1:\n%s", k, a.header())
		}
		q := btQuizAt(t, a.pl())
		for a.pl().tl.cur < q {
			a.press(k)
		}
		a.press(k)
		if got := a.pl().tl.cur; got != q {
			t.Errorf("%s went past the unanswered quiz at step %d to %d", k, q+1, got+1)
		}
		if !strings.Contains(a.pl().status, "predict first") || !strings.Contains(a.header(), "predict first: press a number to answer") {
			t.Errorf("width %d: no visible status for the blocked step:\n%s", w, a.header())
		}
		a.press("2")
		a.press(k)
		if got := a.pl().tl.cur; got != q+1 {
			t.Errorf("%s after answering: cur %d, want %d", k, got, q+1)
		}
		for a.pl().tl.cur < n-1 {
			a.press(k)
		}
		a.press(k) // at the end, next opens the recap (recap.go)
		if a.pl().tl.cur != n-1 || !a.lesson().course.recap || !strings.Contains(a.text(), "Recap · ") {
			t.Errorf("%s at the end: cur %d, no recap:\n%s", k, a.pl().tl.cur, a.text())
		}
	}
}

func btTestPrev(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	views := map[int]string{-1: a.view()}
	for i := range 4 {
		a.press("n")
		views[i] = a.view()
		if views[i] == views[i-1] {
			t.Fatalf("step %d looks like step %d", i+1, i)
		}
	}
	for i := 3; i >= 0; i-- {
		a.press(k)
		if got := a.pl().tl.cur; got != i-1 {
			t.Fatalf("%s: cur %d, want %d", k, got, i-1)
		}
		if got := a.view(); got != views[i-1] {
			t.Errorf("%s back to step %d does not show it as it was:\n%s\n--- was ---\n%s", k, i, ansi.Strip(got), ansi.Strip(views[i-1]))
		}
	}
	a.press(k)
	if a.pl().tl.cur != -1 || a.view() != views[-1] {
		t.Errorf("%s before the first step moved (cur %d)", k, a.pl().tl.cur)
	}
}

func btTestFirst(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	start := a.view()
	a.press("n", "n", "n", "3")
	a.press(k)
	if a.pl().tl.cur != -1 {
		t.Fatalf("%s: cur %d, want -1", k, a.pl().tl.cur)
	}
	a.press("1") // the tab is not part of the step
	if got := a.view(); got != start {
		t.Errorf("%s does not show the start as it was:\n%s", k, ansi.Strip(got))
	}
}

func btTestLast(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	q := btQuizAt(t, a.pl())
	n := len(a.pl().tl.steps)
	a.press(k)
	if got := a.pl().tl.cur; got != q {
		t.Fatalf("%s: cur %d, want the quiz at %d", k, got, q)
	}
	question := a.pl().tl.steps[q].Text.Quiz.Question
	if !strings.Contains(strings.Join(strings.Fields(a.text()), " "), question[:40]) {
		t.Errorf("the quiz's question is not on screen:\n%s", a.text())
	}
	a.press(k) // the quiz still waits: last must not jump over it
	if got := a.pl().tl.cur; got != q || !a.pl().tl.hidden(q) {
		t.Errorf("%s at an unanswered quiz moved to %d", k, got)
	}
	if !strings.Contains(a.header(), "predict first") {
		t.Errorf("%s at an unanswered quiz gives no reason:\n%s", k, a.header())
	}
	a.press("2", k)
	if got := a.pl().tl.cur; got != n-1 || !strings.Contains(a.header(), fmt.Sprintf("step %d/%d", n, n)) {
		t.Errorf("%s after answering: cur %d, header %q", k, got, a.header())
	}
}

func btTestAutoplay(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	cmd := a.press(k)
	p := a.pl()
	if cmd == nil || !p.auto || !strings.Contains(a.header(), "autoplay 2s") {
		t.Fatalf("%s: cmd %v, auto %v, header %q", k, cmd != nil, p.auto, a.header())
	}
	if cmd = a.send(autoplayMsg{p, p.tick}); cmd == nil || p.tl.cur != 0 {
		t.Fatalf("a tick: cur %d, re-armed %v", p.tl.cur, cmd != nil)
	}
	// Pressing it again stops; the pending tick is then ignored.
	if a.press(k) != nil || p.auto || strings.Contains(a.header(), "autoplay") {
		t.Fatalf("a second %s did not stop autoplay", k)
	}
	if a.send(autoplayMsg{p, p.tick}); p.tl.cur != 0 {
		t.Errorf("a stopped autoplay advanced to %d", p.tl.cur)
	}
	// Restarted, a tick of the earlier timer is stale.
	a.press(k)
	if a.send(autoplayMsg{p, p.tick - 1}); p.tl.cur != 0 {
		t.Errorf("a stale tick advanced to %d", p.tl.cur)
	}
	// The command itself produces the tick (at the fastest speed, 500ms).
	a.press(k, "+", "+", "+", "+")
	cmd = a.press(k)
	msg := cmd()
	if _, ok := msg.(autoplayMsg); !ok {
		t.Fatalf("the autoplay command produced %T", msg)
	}
	a.send(msg)
	if p.tl.cur != 1 {
		t.Errorf("the command's tick: cur %d, want 1", p.tl.cur)
	}
	// It stops at a quiz, and does not go past it when restarted there.
	q := btQuizAt(t, p)
	for i := 0; p.auto && i < 20; i++ {
		a.send(autoplayMsg{p, p.tick})
	}
	if p.auto || p.tl.cur != q {
		t.Fatalf("autoplay: auto %v at %d, want stopped at the quiz %d", p.auto, p.tl.cur, q)
	}
	a.press(k)
	a.send(autoplayMsg{p, p.tick})
	if p.tl.cur != q || !p.tl.hidden(q) {
		t.Errorf("autoplay restarted at an unanswered quiz went on to %d", p.tl.cur)
	}
	// And it stops at the end.
	a.press("2")
	if !p.auto {
		a.press(k)
	}
	for i := 0; p.auto && i < 20; i++ {
		a.send(autoplayMsg{p, p.tick})
	}
	if p.auto || p.tl.cur != len(p.tl.steps)-1 {
		t.Errorf("autoplay after the quiz: auto %v at %d", p.auto, p.tl.cur)
	}
}

func btTestFaster(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	a.press("a")
	for _, want := range []string{"1s", "500ms", "500ms"} {
		a.press(k)
		if !strings.Contains(a.header(), "autoplay "+want) {
			t.Errorf("%s: header %q, want autoplay %s", k, a.header(), want)
		}
	}
	if a.pl().speed != 0 {
		t.Errorf("speed %d", a.pl().speed)
	}
}

func btTestSlower(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	a.press("a")
	for _, want := range []string{"3s", "5s", "5s"} {
		a.press(k)
		if !strings.Contains(a.header(), "autoplay "+want) {
			t.Errorf("%s: header %q, want autoplay %s", k, a.header(), want)
		}
	}
	if a.pl().speed != len(speeds)-1 {
		t.Errorf("speed %d", a.pl().speed)
	}
}

// btActiveTab is the tab bar's highlighted label.
func btActiveTab(a *btApp) string {
	a.tb.Helper()
	t := a.text()
	i := strings.Index(t, iconCurrent+strconv.Itoa(a.pl().insp.tab+1)+" ")
	if i < 0 {
		return ""
	}
	return strings.Fields(t[i+len(iconCurrent):])[1]
}

func btCycleTabs(t *testing.T, a *btApp, k string, order []int) {
	t.Helper()
	for _, want := range order {
		a.press(k)
		if got := a.pl().insp.tab; got != want {
			t.Fatalf("%s: tab %d, want %d", k, got, want)
		}
		if got := btActiveTab(a); got != tabNames[want] {
			t.Fatalf("%s: the tab bar highlights %q, want %q", k, got, tabNames[want])
		}
	}
}

func btTestNextTab(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	a.press("n")
	btCycleTabs(t, a, k, []int{1, 2, 3, 4, 0})
	// While a quiz waits, tabs still switch (only digits answer).
	a.toQuiz()
	btCycleTabs(t, a, k, []int{1})
	btCycleTabs(t, btSandbox(t, 100, 30), k, []int{1, 2})
}

func btTestPrevTab(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	a.press("n")
	btCycleTabs(t, a, k, []int{4, 3, 2, 1, 0})
	a.toQuiz()
	btCycleTabs(t, a, k, []int{4})
	btCycleTabs(t, btSandbox(t, 100, 30), k, []int{4})
}

func btTestTabDigit(t *testing.T, k string) {
	n, _ := strconv.Atoi(k)
	for name, a := range map[string]*btApp{"player": btLesson(t, btLessonID, 100, 30), "sandbox": btSandbox(t, 100, 30)} {
		a.press("n")
		a.press(k)
		if got := a.pl().insp.tab; got != n-1 || btActiveTab(a) != tabNames[n-1] {
			t.Errorf("%s: %s shows tab %d (%q), want %s", name, k, got+1, btActiveTab(a), tabNames[n-1])
		}
	}
	// While a quiz waits, digits answer it and do not switch tabs.
	a := btLesson(t, btLessonID, 100, 30)
	q := a.toQuiz()
	a.press(k)
	if a.pl().insp.tab != tabNarration {
		t.Errorf("%s at a waiting quiz switched to tab %d", k, a.pl().insp.tab+1)
	}
	options := len(a.pl().tl.steps[q].Text.Quiz.Options)
	if answered := a.pl().tl.answered[q]; (n <= options) != (answered == n) {
		t.Errorf("%s at a quiz with %d options: answered %d", k, options, answered)
	}
}

func btTestWhatIf(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	a.press("n", "n", "n")
	cur := a.pl().tl.cur
	a.press(k)
	if a.pl().menu() == nil || !strings.Contains(a.text(), "What if") {
		t.Fatalf("%s did not open the what-if menu:\n%s", k, a.text())
	}
	a.press("1") // refresh-token rotation
	if !strings.Contains(a.text(), "refresh-token rotation") || !strings.Contains(a.text(), "2. off") {
		t.Fatalf("no rotation sub-menu:\n%s", a.text())
	}
	a.press("2") // off: rotation=false
	p := a.pl()
	if p.menu() != nil || p.whatIf != "refresh-token rotation off" || p.tl.cur != cur {
		t.Fatalf("what-if: menu %v, what-if %q, cur %d (was %d)", p.menu() != nil, p.whatIf, p.tl.cur, cur)
	}
	var changed []int
	for i := range p.tl.changed {
		changed = append(changed, i)
	}
	slices.Sort(changed)
	if len(changed) == 0 {
		t.Fatal("turning rotation off changed no step of a rotation lesson")
	}
	var nums []string
	for _, i := range changed {
		nums = append(nums, strconv.Itoa(i+1))
		if d := p.tl.changed[i]; len(d.What) == 0 || d.Step != i+1 {
			t.Errorf("step %d is marked changed but says nothing differs: %+v", i+1, d)
		}
	}
	want := fmt.Sprintf("rotation=false: %d of %d steps differ", len(nums), len(p.tl.steps))
	if !strings.HasPrefix(p.status, want) {
		t.Errorf("status %q, want it to start %q", p.status, want)
	}
	h := a.header()
	if !strings.Contains(h, iconChanged+" what-if: steps "+scenarios.DifferingSteps(p.tl.run.Differences())+" differ") || !strings.Contains(h, want) {
		t.Errorf("header %q does not show the what-if and the changed steps", h)
	}
	// The lesson's own policy again.
	a.press(k)
	a.press(strconv.Itoa(len(p.menu().choices)))
	if p = a.pl(); p.whatIf != "" || len(p.tl.changed) != 0 || strings.Contains(a.header(), "what-if") {
		t.Errorf("reset: what-if %q, %d changed", p.whatIf, len(p.tl.changed))
	}
	// In the sandbox the knob changes the policy from now on, as a step.
	s := btSandbox(t, 100, 30)
	s.press(k)
	if !strings.Contains(s.text(), "Change the policy from now on") {
		t.Fatalf("no sandbox policy menu:\n%s", s.text())
	}
	s.press("1", "2")
	sp := s.pl()
	if len(sp.tl.steps) != 1 || !strings.Contains(sp.status, "set rotation = false") || sp.tl.snapshot().Policy.Rotation {
		t.Errorf("sandbox knob: %d steps, status %q, rotation %v", len(sp.tl.steps), sp.status, sp.tl.snapshot().Policy.Rotation)
	}
}

func btTestExport(t *testing.T, k string) {
	for _, c := range []struct {
		name, file string
		a          *btApp
		setup      []string
	}{
		{"player", btLessonID + ".md", btLesson(t, btLessonID, 100, 30), []string{"n"}},
		{"what-if", btLessonID + "-whatif.md", btLesson(t, btLessonID, 100, 30), []string{"w", "1", "2"}},
		{"sandbox", "sandbox.md", btSandbox(t, 100, 30), []string{"i", "c"}},
	} {
		dir := c.a.root().opts.ExportDir
		c.a.press(c.setup...)
		cmd := c.a.press(k)
		if cmd == nil {
			t.Fatalf("%s: %s returned no command", c.name, k)
		}
		if _, err := os.Stat(filepath.Join(dir, c.file)); err == nil {
			t.Fatalf("%s: the file was written in Update, not by the command", c.name)
		}
		msg := cmd()
		if _, ok := msg.(exportedMsg); !ok {
			t.Fatalf("%s: the command produced %T", c.name, msg)
		}
		c.a.send(msg)
		path := filepath.Join(dir, c.file)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !strings.Contains(string(b), "```mermaid") {
			t.Errorf("%s: %s has no mermaid diagram", c.name, path)
		}
		if c.name == "what-if" {
			rvExportedWhatIf(t, c.a.lesson(), string(b))
		}
		if got := c.a.pl().status; got != "exported to "+path {
			t.Errorf("%s: status %q", c.name, got)
		}
	}
	// A failed write is reported, not fatal.
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Sandbox: true, ExportDir: filepath.Join(t.TempDir(), "missing")}, 100, 30)
	a.send(a.press(k)())
	if !strings.HasPrefix(a.pl().status, "export failed: ") {
		t.Errorf("status after a failed export: %q", a.pl().status)
	}
}

// btScrollable is a lesson at a step whose Tokens tab is longer than the
// inspector.
func btScrollable(t *testing.T) *btApp {
	t.Helper()
	a := btLesson(t, btLessonID, 80, 24)
	a.press("n", "3")
	if lines := strings.Count(tokensTab(&a.pl().tl, a.pl().st, a.pl().insp.w-1, 0), "\n"); lines <= a.pl().insp.vp.Height() {
		t.Fatalf("the Tokens tab (%d lines) fits the inspector (%d): nothing to scroll", lines, a.pl().insp.vp.Height())
	}
	return a
}

func btTestScrollDown(t *testing.T, k string) {
	a := btScrollable(t)
	top := a.view()
	a.press(k)
	if a.pl().insp.vp.YOffset() == 0 || a.view() == top {
		t.Errorf("%s did not scroll the inspector", k)
	}
	a.press("up", "up", "up", "up", "up", "up")
	if a.pl().insp.vp.YOffset() != 0 || a.view() != top {
		t.Errorf("scrolling back up does not restore the top (offset %d)", a.pl().insp.vp.YOffset())
	}
	if k == "down" || k == "j" { // the menu's own keys
		a.press("w", k)
		if a.pl().menu().sel != 1 {
			t.Errorf("%s in a menu: selection %d, want 1", k, a.pl().menu().sel)
		}
	}
}

func btTestScrollUp(t *testing.T, k string) {
	a := btScrollable(t)
	top := a.view()
	a.press("down", "down")
	off := a.pl().insp.vp.YOffset()
	if off == 0 {
		t.Fatal("could not scroll down")
	}
	a.press(k)
	if got := a.pl().insp.vp.YOffset(); got >= off {
		t.Errorf("%s: offset %d, was %d", k, got, off)
	}
	a.press(k, k, k)
	if a.pl().insp.vp.YOffset() != 0 || a.view() != top {
		t.Errorf("%s does not go back to the top", k)
	}
	if k == "up" || k == "k" {
		a.press("w", k) // wraps to the last choice
		if m := a.pl().menu(); m.sel != len(m.choices)-1 {
			t.Errorf("%s in a menu: selection %d, want %d", k, m.sel, len(m.choices)-1)
		}
	}
}

// btFiveOptions is a lesson whose quiz has five options, so that every
// answer key has an option to pick.
const btFiveOptions = `id: bt-five
title: Five options
summary: A quiz with five options.
level: beginner
theme: basics
goals:
  - Answer with any digit.
steps:
  - title: Alice logs in
    do: login
    narration: Alice logs in.
    quiz:
      question: Which one is right?
      options: [one, two, three, four, five]
      answer: 4
      explain: Four is right.
  - title: The app calls the API
    do: call
    path: /api/orders
    narration: The app calls.
`

func btTestAnswer(t *testing.T, k string) {
	n, _ := strconv.Atoi(k)
	sc, err := scenarios.Load("bt-five.yaml", []byte(btFiveOptions))
	if err != nil {
		t.Fatal(err)
	}
	a := btNewApp(t, Options{Open: sc}, 100, 45) // room for the verdict
	if !strings.Contains(a.header(), "no quiz answered") {
		t.Errorf("header before answering: %q", a.header())
	}
	a.press("n")
	if !a.pl().tl.hidden(0) || !strings.Contains(a.text(), "Press 1–5 to answer") {
		t.Fatalf("the quiz does not wait:\n%s", a.text())
	}
	a.press(k)
	p := a.pl()
	if p.tl.answered[0] != n || p.insp.tab != tabNarration {
		t.Fatalf("%s: answered %d, tab %d", k, p.tl.answered[0], p.insp.tab)
	}
	right, verdict := 0, "Not quite: the answer is 4."
	if n == 4 {
		right, verdict = 1, "Right."
	}
	if h := a.header(); !strings.Contains(h, fmt.Sprintf("quiz %d of 1 right", right)) {
		t.Errorf("%s: header %q, want quiz %d of 1 right", k, h, right)
	}
	if !strings.Contains(a.text(), verdict) || !strings.Contains(a.text(), "Outcome: 200") {
		t.Errorf("%s: no verdict %q and outcome after answering:\n%s", k, verdict, a.text())
	}
	// Answered, the digit is a tab key again.
	a.press(k)
	if p.insp.tab != n-1 || p.tl.answered[0] != n {
		t.Errorf("%s after answering: tab %d, answer %d", k, p.insp.tab+1, p.tl.answered[0])
	}
}

// btActions maps the sandbox's action keys to the step titles they make.
var btActions = map[string]string{
	"i": "log in", "c": "the app calls GET /api/orders", "r": "the app refreshes", "o": "log out", "v": "an administrator revokes alice's sessions",
	"A": "the attacker calls GET /api/orders", "R": "the attacker refreshes", "P": "injected script rides the session",
	"u": "the app forgets its tokens", "O": "log out at the AS (RP-initiated)", "L": "injected script logs in silently",
}

// btDid checks that the last key added one step with the title and an
// outcome, shown in the status.
func btDid(t *testing.T, a *btApp, steps int, title string) {
	t.Helper()
	p := a.pl()
	if len(p.tl.steps) != steps+1 || p.tl.cur != steps {
		t.Fatalf("%d steps (cur %d), want %d", len(p.tl.steps), p.tl.cur, steps+1)
	}
	last := p.tl.steps[steps]
	want := title + ": " + scenarios.OutcomeText(last.Outcome)
	if last.Step.Title != title || p.status != want {
		t.Errorf("step %q, status %q, want %q", last.Step.Title, p.status, want)
	}
	if !strings.Contains(a.header(), want) {
		t.Errorf("the header does not show %q: %q", want, a.header())
	}
}

func btTestSandboxAction(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	if k == "P" {
		// Session riding works only in the first-party world (its failure
		// elsewhere is TestReviewRideNeedsFirstParty's).
		a.press("w", strconv.Itoa(len(knobChoices)+1), strconv.Itoa(len(sandboxWorlds)))
	}
	if k != "i" {
		a.press("i") // log in
	}
	if k == "A" || k == "R" || k == "P" {
		a.press("s", "2", "s", "1") // the attacker steals both tokens
	}
	steps := len(a.pl().tl.steps)
	a.press(k)
	btDid(t, a, steps, btActions[k])
	a.press(k)
	btDid(t, a, steps+1, btActions[k])
	// In a lesson, sandbox keys do nothing.
	l := btLesson(t, btLessonID, 100, 30)
	before := l.view()
	l.press(k)
	if l.pl().tl.cur != -1 || len(l.pl().tl.steps) != len(l.lesson().base.Steps) || l.view() != before {
		t.Errorf("%s changed a lesson", k)
	}
}

func btTestAdvance(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("i")
	start := a.pl().tl.snapshot().Time
	a.press(k)
	if m := a.pl().menu(); m == nil || !strings.Contains(a.text(), "Advance the clock by") {
		t.Fatalf("%s opened no menu:\n%s", k, a.text())
	}
	a.press("2") // 5m
	btDid(t, a, 1, "advance 5m")
	if got := a.pl().tl.snapshot().Time.Sub(start); got != 5*time.Minute {
		t.Errorf("the clock moved %s, want 5m", got)
	}
	a.press(k, "8") // until the access token has expired
	btDid(t, a, 2, "advance until access-expiry")
	snap := a.pl().tl.snapshot()
	for _, tok := range snap.Tokens {
		if tok.Kind == "access" && tok.Remaining(snap.Time) > 0 {
			t.Errorf("advanced until access-expiry, %s still has %s left", tok.Label, tok.Remaining(snap.Time))
		}
	}
	// esc closes the menu without a step.
	a.press(k, "esc")
	if a.pl().menu() != nil || len(a.pl().tl.steps) != 3 {
		t.Errorf("esc: menu %v, %d steps", a.pl().menu() != nil, len(a.pl().tl.steps))
	}
}

// btTestForge: F opens the forgeries; a hardened API refuses the one
// picked, and the Attacker tab lists the attempt with the reason.
func btTestForge(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("i", k)
	if a.pl().menu() == nil || !strings.Contains(a.text(), "The attacker forges a token") {
		t.Fatalf("%s opened no menu:\n%s", k, a.text())
	}
	a.press("1") // alg-none
	btDid(t, a, 1, "the attacker forges a token (alg-none) and calls POST /api/orders")
	if o := a.pl().tl.steps[1].Outcome; o.Status != 401 || o.Error != "invalid_token" {
		t.Errorf("alg none at the hardened sandbox API: %s", scenarios.OutcomeText(o))
	}
	a.press("5") // the Attacker tab
	if txt := a.text(); !strings.Contains(txt, "forged forged-1") || !strings.Contains(txt, "refused") {
		t.Errorf("the Attacker tab does not list the forgery:\n%s", txt)
	}
}

// btTestRace: T makes two tabs refresh at once; under the default preset
// (rotation, no grace) the race ends the session.
func btTestRace(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("i", k)
	btDid(t, a, 1, "2 tabs refresh at once")
	if o := a.pl().tl.steps[1].Outcome; o.Error != "invalid_grant" || !strings.Contains(o.Reason, "tab 2 of 2") {
		t.Errorf("race: %s", scenarios.OutcomeText(o))
	}
}

// btTestValidation: V picks the API's profile; the vulnerable one lets
// alg none in.
func btTestValidation(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("i", k)
	if a.pl().menu() == nil || !strings.Contains(a.text(), "The API validates tokens") {
		t.Fatalf("%s opened no menu:\n%s", k, a.text())
	}
	a.press("2")
	btDid(t, a, 1, "set api_validation = vulnerable")
	a.press("J", "1")
	if o := a.pl().tl.steps[2].Outcome; o.Status != 201 || !strings.Contains(o.Reason, "allow-none") {
		t.Errorf("alg none at the vulnerable API: %s", scenarios.OutcomeText(o))
	}
}

func btTestSteal(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("i", k)
	if a.pl().menu() == nil || !strings.Contains(a.text(), "The attacker steals") {
		t.Fatalf("%s opened no menu:\n%s", k, a.text())
	}
	a.press("2")
	btDid(t, a, 1, "steal the refresh token via script-injection")
	a.press("R")
	if o := a.pl().tl.steps[2].Outcome; o.Status != 200 {
		t.Errorf("the attacker's refresh with a stolen token: %s", scenarios.OutcomeText(o))
	}
	if !strings.Contains(a.text(), "Attacker") {
		t.Errorf("no attacker lane after a theft:\n%s", a.text())
	}
}

// TestQuizShowsItsQuestion: arriving at a quiz from another tab, the
// learner sees the question, so that a digit is not spent on a question
// they never read.
func TestQuizShowsItsQuestion(t *testing.T) {
	for _, k := range []string{"n", "G"} {
		a := btLesson(t, btLessonID, 100, 30)
		a.press("n", "3") // the Tokens tab
		q := btQuizAt(t, a.pl())
		for a.pl().tl.cur < q {
			a.press(k)
		}
		if tab := a.pl().insp.tab; tab != tabNarration {
			t.Errorf("%s: a waiting quiz shows tab %s, not its question", k, tabNames[tab])
		}
		if !strings.Contains(a.text(), "Press 1–3 to answer") {
			t.Errorf("%s: the question is not on screen:\n%s", k, a.text())
		}
	}
	// Autoplay too.
	a := btLesson(t, btLessonID, 100, 30)
	a.press("4", "a")
	p := a.pl()
	for i := 0; p.auto && i < 20; i++ {
		a.send(autoplayMsg{p, p.tick})
	}
	if !p.tl.hidden(p.tl.cur) || p.insp.tab != tabNarration {
		t.Errorf("autoplay stopped at %d on tab %d", p.tl.cur, p.insp.tab+1)
	}
}

// TestPickerQuitsOnlyOnQuitKeys: no other key on the picker ends the
// program (the list's own quit keys are the root's business).
func TestPickerQuitsOnlyOnQuitKeys(t *testing.T) {
	keys := []string{"esc", "v", "enter", "?", "tab", "home", "end", "pgup", "pgdown"}
	for r := 'a'; r <= 'z'; r++ {
		keys = append(keys, string(r))
	}
	for _, k := range keys {
		if k == "q" || k == "s" {
			continue
		}
		a := btPicker(t, 100, 30)
		if btIsQuit(a.press(k)) {
			t.Errorf("%s on the picker quits", k)
		}
	}
}

// TestPickerFilterFits: while filtering, the list fits its column (the
// filter line was as wide as the list plus the title bar's padding, which
// cut every line of the list with an ellipsis).
func TestPickerFilterFits(t *testing.T) {
	for _, w := range []int{60, 80, 100, 140} {
		a := btPicker(t, w, 30)
		a.press("/")
		a.typeFilter("to")
		p := a.pk()
		for i, l := range strings.Split(p.list.View(), "\n") {
			if sw := ansi.StringWidth(l); sw > p.list.Width() {
				t.Errorf("width %d: list line %d is %d cells in a %d-cell list: %q", w, i+1, sw, p.list.Width(), ansi.Strip(l))
				break
			}
		}
	}
}

// TestBackgroundColour: the terminal's background switches every screen's
// styles, in place, without a panic.
func TestBackgroundColour(t *testing.T) {
	for name, a := range map[string]*btApp{
		"picker": btPicker(t, 100, 30), "player": btLesson(t, btLessonID, 100, 30), "sandbox": btSandbox(t, 100, 30),
	} {
		dark := a.view()
		a.send(tea.BackgroundColorMsg{Color: color.White})
		r := a.root()
		if r.styles.isDark || r.picker.st.isDark {
			t.Errorf("%s: a white background left dark styles", name)
		}
		if r.player != nil && r.player.steps().st != r.styles {
			t.Errorf("%s: the player does not share the root's styles", name)
		}
		if r.styles.Title.GetForeground() == NewStyles(true).Title.GetForeground() {
			t.Errorf("%s: the title colour did not change", name)
		}
		a.send(tea.BackgroundColorMsg{Color: color.Black})
		if !a.root().styles.isDark {
			t.Errorf("%s: a black background left light styles", name)
		}
		if a.view() != dark {
			t.Errorf("%s: back on a dark background the screen differs", name)
		}
	}
}

// TestAutoplayTimerOfAClosedLesson: a tick armed in a lesson that was
// closed does not drive the next lesson's autoplay ahead of its own timer.
func TestAutoplayTimerOfAClosedLesson(t *testing.T) {
	a := btPicker(t, 100, 30)
	a.press("enter", "+", "+", "+", "+")
	stale := a.press("a") // 500ms
	a.press("esc", "j", "enter", "a")
	p := a.pl()
	a.send(stale())
	if p.tl.cur != -1 {
		t.Errorf("the closed lesson's timer moved the new lesson to step %d", p.tl.cur+1)
	}
	a.send(autoplayMsg{p, p.tick}) // its own timer still works
	if p.tl.cur != 0 {
		t.Errorf("the lesson's own tick: cur %d", p.tl.cur)
	}
}

// TestAutoplayDoesNotSkipAQuizReachedByHand: stepping by hand onto a quiz
// while autoplay runs, the pending tick stops there rather than skip it.
func TestAutoplayDoesNotSkipAQuizReachedByHand(t *testing.T) {
	a := btLesson(t, btLessonID, 100, 30)
	q := btQuizAt(t, a.pl())
	a.press("a")
	p := a.pl()
	for p.tl.cur < q {
		a.press("n")
	}
	a.send(autoplayMsg{p, p.tick})
	if p.tl.cur != q || !p.tl.hidden(q) || p.auto {
		t.Errorf("the tick at a waiting quiz: cur %d (quiz %d), autoplay %v", p.tl.cur, q, p.auto)
	}
}

// TestSandboxCustomAdvance: the advance menu's "custom…" asks for a
// duration; a bad one is refused with the reason and the prompt stays;
// q and ? are text there, not commands; a good one advances the clock.
func TestSandboxCustomAdvance(t *testing.T) {
	m, err := New(Options{Sandbox: true, ExportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var tm tea.Model = m
	send := func(msgs ...tea.Msg) {
		for _, msg := range msgs {
			tm, _ = tm.Update(msg)
		}
	}
	typeText := func(s string) {
		for _, r := range s {
			send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	send(tea.WindowSizeMsg{Width: 100, Height: 30})
	typeText("d9") // the advance menu, then its 9th choice: custom…
	p := tm.(Model).player.steps()
	if p.openPrompt() == nil {
		t.Fatal("custom… opened no prompt")
	}
	typeText("q?x")
	if _, ok := tm.(Model); !ok || tm.(Model).player.steps().openPrompt() == nil {
		t.Fatal("q or ? left the prompt")
	}
	send(tea.KeyPressMsg{Code: tea.KeyEnter})
	if p.openPrompt() == nil || !strings.Contains(p.openPrompt().err, "bad duration") {
		t.Fatalf("a bad duration was accepted: %+v", p.openPrompt())
	}
	for range 3 {
		send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText("2h30m")
	send(tea.KeyPressMsg{Code: tea.KeyEnter})
	if p.openPrompt() != nil {
		t.Fatalf("the prompt stayed open: %q", p.openPrompt().err)
	}
	if n := len(p.tl.steps); n != 1 || p.tl.steps[0].Step.Title != "advance 2h30m" {
		t.Fatalf("want one step 'advance 2h30m', got %d steps", n)
	}
	if got := p.tl.steps[0].Snapshot.Time.Sub(p.tl.initial.Time); got != 150*time.Minute {
		t.Errorf("the clock moved %s, want 2h30m", got)
	}
}

// TestWhatIfSeesConsequences: a what-if that leaves a status as it was
// but changes the session's fate is a change. In multi-tab-race, turning
// reuse detection off keeps the losing tab's 400 invalid_grant, but the
// family is no longer revoked: step 3 is marked, and its narration says
// what the original policy did.
func TestWhatIfSeesConsequences(t *testing.T) {
	a := btLesson(t, "multi-tab-race", 120, 40)
	a.press("w", "2", "2") // reuse detection: false
	p := a.pl()
	was, ok := p.tl.changed[2]
	if !ok || !strings.Contains(was.Lesson, "family revoked") {
		t.Fatalf("step 3 not marked as changed (changed %v, status %q)", p.tl.changed, p.status)
	}
	if got := p.tl.steps[2].Effects(); strings.Contains(got, "family revoked") || !strings.HasPrefix(got, "400 invalid_grant") {
		t.Fatalf("under the what-if step 3 gave %q", got)
	}
}

// btTestFilterKeys: while a filter is typed, enter keeps it (and opens no
// lesson), esc drops it, ctrl+c quits.
func btTestFilterKeys(t *testing.T, k string) {
	a := btPicker(t, 100, 30)
	a.press("/")
	a.typeFilter("rot")
	if !a.pk().filtering() {
		t.Fatal("/ started no filter")
	}
	cmd := a.press(k)
	switch k {
	case "enter":
		if st := a.pk().list.FilterState(); st != list.FilterApplied || a.root().screen != screenPicker {
			t.Errorf("enter: filter state %v, screen %d", st, a.root().screen)
		}
	case "esc":
		if st := a.pk().list.FilterState(); st != list.Unfiltered || a.root().screen != screenPicker {
			t.Errorf("esc: filter state %v, screen %d", st, a.root().screen)
		}
	case "ctrl+c":
		if !btIsQuit(cmd) {
			t.Error("ctrl+c does not quit while filtering")
		}
	default:
		t.Fatalf("no check for %s", k)
	}
}

// btTestMenuKeys: in an open menu a digit picks its choice, the arrows
// (and k, j) move the selection, enter picks the selected one and esc
// closes the menu without leaving the lesson.
func btTestMenuKeys(t *testing.T, k string) {
	a := btLesson(t, btLessonID, 100, 30)
	a.press("w")
	m := a.pl().menu()
	if m == nil {
		t.Fatal("w opened no menu")
	}
	n := len(m.choices)
	if n < 9 {
		t.Fatalf("the what-if menu has %d choices; the digit test needs 9", n)
	}
	title := m.title
	a.press(k)
	m = a.pl().menu()
	switch {
	case k >= "1" && k <= "9":
		if i, _ := strconv.Atoi(k); m != nil && m.title == title {
			t.Errorf("%s left the menu at %q, want choice %d picked", k, m.title, i)
		}
	case k == "up" || k == "k":
		if m == nil || m.sel != n-1 {
			t.Errorf("%s: selection %v, want the last choice (wraps)", k, m)
		}
	case k == "down" || k == "j":
		if m == nil || m.sel != 1 {
			t.Errorf("%s: selection %v, want the second choice", k, m)
		}
	case k == "enter":
		if m == nil || m.title != knobChoices[0].label {
			t.Errorf("enter: menu %v, want %q's values", m, knobChoices[0].label)
		}
	case k == "esc":
		if m != nil || a.root().screen != screenPlayer {
			t.Errorf("esc: menu %v, screen %d: want the menu closed, the lesson still open", m, a.root().screen)
		}
	default:
		t.Fatalf("no check for %s", k)
	}
}

// btTestPromptEnter: enter in the duration prompt advances the clock by
// what was typed and closes the prompt.
func btTestPromptEnter(t *testing.T, k string) {
	a := btSandbox(t, 100, 30)
	a.press("d", "9")
	if a.pl().openPrompt() == nil {
		t.Fatal("custom… opened no prompt")
	}
	a.press("5", "m", k)
	if a.pl().openPrompt() != nil {
		t.Fatalf("%s left the prompt open: %q", k, a.pl().openPrompt().err)
	}
	if s := a.pl().tl.steps; len(s) != 1 || s[0].Step.Title != "advance 5m" {
		t.Errorf("%s: %d steps, want one 'advance 5m'", k, len(s))
	}
}

// btTestDiagramScroll checks { and }: on a diagram taller than its panel
// (first-party's last step at 80×24) { shows earlier rows and } comes
// back; the inspector does not move.
func btTestDiagramScroll(t *testing.T, k string) {
	a := btLesson(t, "first-party", 80, 24)
	a.press("G")
	for a.pl().tl.hidden(a.pl().tl.cur) {
		a.press("1", "G")
	}
	end := a.view()
	off := a.pl().insp.vp.YOffset()
	if k == "}" {
		a.press("{")
		if a.view() == end {
			t.Fatal("{ did not scroll the diagram")
		}
	}
	a.press(k)
	switch got := a.view(); {
	case k == "{" && (got == end || a.pl().dia.up == 0):
		t.Errorf("%s did not scroll the diagram up", k)
	case k == "}" && got != end:
		t.Errorf("%s did not scroll the diagram back down", k)
	}
	if a.pl().insp.vp.YOffset() != off {
		t.Errorf("%s scrolled the inspector", k)
	}
}
