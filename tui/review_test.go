package tui

// Update-level tests of the fixes a review asked for: the picker's filter,
// the sandbox's first screen, restarting the sandbox with another app (and
// session riding, which needs one), exporting the run shown, and the
// Tokens tab's claim explanations.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// rvVisible is the picker's visible lessons, in order.
func rvVisible(a *btApp) []*scenarios.Scenario {
	var out []*scenarios.Scenario
	for _, it := range a.pk().list.VisibleItems() {
		out = append(out, it.(item).sc)
	}
	return out
}

// TestReviewFilterTitleWords: the filter matches words of the title, id,
// tags and text (a word's beginning: "rotat" finds rotation), title
// matches first, and highlights "rotat" in the first title.
func TestReviewFilterTitleWords(t *testing.T) {
	a := btPicker(t, 100, 30)
	a.press("/")
	a.typeFilter("rotat")
	got := rvVisible(a)
	if len(got) == 0 || len(got) == len(tuitest.Catalogue(t)) {
		t.Fatalf("rotat: %d lessons visible", len(got))
	}
	inTitle := func(sc *scenarios.Scenario) bool { return strings.Contains(strings.ToLower(sc.Title), "rotat") }
	for i, sc := range got {
		if !regexp.MustCompile(`(?i)\brotat`).MatchString(item{sc: sc}.FilterValue()) {
			t.Errorf("rotat shows %s, which has no word beginning with rotat", sc.ID)
		}
		if i > 0 && inTitle(sc) && !inTitle(got[i-1]) {
			t.Errorf("%s (rotat in its title) ranks below %s (not in its title)", sc.ID, got[i-1].ID)
		}
	}
	for _, sc := range tuitest.Catalogue(t) {
		if inTitle(sc) && !containsLesson(got, sc.ID) {
			t.Errorf("rotat hides %s (%q)", sc.ID, sc.Title)
		}
	}
	// The highlighted runes of the first title spell the word typed.
	title := []rune(got[0].Title)
	var hl []rune
	for _, i := range a.pk().list.MatchesForItem(0) {
		hl = append(hl, title[i])
	}
	if strings.ToLower(string(hl)) != "rotat" {
		t.Errorf("the first title %q highlights %q, not rotat", got[0].Title, string(hl))
	}
	// Enter keeps the filter; the lesson opens with a second enter.
	a.press("enter", "enter")
	if p := a.lesson(); p.sc.ID != got[0].ID {
		t.Errorf("opened %s, want %s", p.sc.ID, got[0].ID)
	}

	cat := tuitest.Catalogue(t)
	var targets []string
	for _, sc := range cat {
		targets = append(targets, item{sc: sc}.FilterValue())
	}
	for _, sc := range cat {
		// Every word of every title finds its lesson.
		for _, w := range strings.Fields(sc.Title) {
			w = strings.Trim(w, ",.:;'’()")
			if utf8.RuneCountInString(w) < 4 {
				continue
			}
			found := false
			for _, r := range lessonFilter(w, targets) {
				found = found || cat[r.Index] == sc
			}
			if !found {
				t.Errorf("typing %q does not find %s (%q)", w, sc.ID, sc.Title)
			}
		}
	}
}

// TestReviewFilterUnicode: the filter indexes the lowered string it
// searches, so that letters whose lower case is longer do not throw it
// off (or out of range).
func TestReviewFilterUnicode(t *testing.T) {
	targets := []string{"İİİ Straße\nx", "ÉTÉ été\ny", "plain\nz"}
	for _, term := range []string{"straße", "été", "i", "İ", "é t", "z", "xyz"} {
		for _, r := range lessonFilter(term, targets) {
			n := utf8.RuneCountInString(strings.SplitN(strings.ToLower(targets[r.Index]), "\n", 2)[0])
			for _, i := range r.MatchedIndexes {
				if i < 0 || i >= n {
					t.Errorf("%q in %q: index %d outside the title", term, targets[r.Index], i)
				}
			}
		}
	}
	if r := lessonFilter("été", targets); len(r) != 1 || r[0].Index != 1 {
		t.Errorf("été: %+v", r)
	}
}

func containsLesson(list []*scenarios.Scenario, id string) bool {
	for _, sc := range list {
		if sc.ID == id {
			return true
		}
	}
	return false
}

// TestReviewFilterHelp: while a filter is typed the footer says what enter
// and esc do there.
func TestReviewFilterHelp(t *testing.T) {
	a := btPicker(t, 100, 30)
	a.press("/")
	if txt := a.text(); !strings.Contains(txt, "apply filter") || strings.Contains(txt, "enter open") {
		t.Errorf("footer while filtering:\n%s", txt)
	}
}

// TestReviewSandboxFirstScreen: the sandbox's first screen says what its
// keys do, not how to step through a lesson.
func TestReviewSandboxFirstScreen(t *testing.T) {
	for _, w := range []int{80, 100, 140} {
		a := btSandbox(t, w, 40)
		txt := a.text()
		for _, want := range []string{"Sandbox: " + sandboxWorlds[0].label, "i  log in", "c  the app calls the API", "d  advance the clock", "s  the attacker steals", "?  all keys"} {
			if !strings.Contains(txt, want) {
				t.Errorf("%d columns: the sandbox's first screen lacks %q:\n%s", w, want, txt)
			}
		}
		if strings.Contains(txt, "quizzes") || strings.Contains(txt, "take the first step") {
			t.Errorf("%d columns: the sandbox's first screen talks about a lesson:\n%s", w, txt)
		}
	}
	// A lesson keeps its own first screen.
	if txt := btLesson(t, btLessonID, 100, 30).text(); !strings.Contains(txt, "take the first step") {
		t.Errorf("a lesson's first screen:\n%s", txt)
	}
	// A sandbox step has no narration: no blank lines for it.
	a := btSandbox(t, 100, 30)
	a.press("i")
	var lines []string
	for l := range strings.SplitSeq(a.text(), "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	if txt := strings.Join(lines, "\n"); !strings.Contains(txt, "· login\n\nOutcome: 200") {
		t.Errorf("a sandbox step's missing narration leaves blank lines:\n%s", txt)
	}
}

// rvRestart opens the what-if menu and restarts with world i (0-based).
func rvRestart(a *btApp, i int) {
	a.tb.Helper()
	a.press("w")
	p := a.pl()
	last := p.menu().choices[len(p.menu().choices)-1]
	if last.label != "restart with…" {
		a.tb.Fatalf("the sandbox's what-if menu ends with %q", last.label)
	}
	a.press(strconv.Itoa(len(p.menu().choices)))
	if !strings.Contains(a.text(), "Restart with…") {
		a.tb.Fatalf("no restart menu:\n%s", a.text())
	}
	a.press(strconv.Itoa(i + 1))
}

// TestReviewSandboxRestart: the what-if menu's "restart with…" starts the
// sandbox again with each kind of app, says so, and the sandbox works there.
func TestReviewSandboxRestart(t *testing.T) {
	for i, w := range sandboxWorlds {
		t.Run(w.short, func(t *testing.T) {
			a := btSandbox(t, 100, 30)
			a.press("i", "c")
			rvRestart(a, i)
			p := a.sb()
			world := p.live.World
			if world.App().Kind() != w.client || world.App().Storage() != w.storage || world.Topology() != w.topology {
				t.Errorf("restarted with %s/%s/%s, want %s/%s/%s", world.App().Kind(), world.App().Storage(), world.Topology(), w.client, w.storage, w.topology)
			}
			if p.menu() != nil || len(p.tl.steps) != 0 || p.tl.cur != -1 || p.tl.run != &p.live.Run {
				t.Errorf("after the restart: menu %v, %d steps, cur %d", p.menu() != nil, len(p.tl.steps), p.tl.cur)
			}
			if want := "restarted: " + w.label; p.status != want || !strings.Contains(a.header(), want) {
				t.Errorf("status %q, header %q, want %q", p.status, a.header(), want)
			}
			// The first screen names the new world (not a cached frame of
			// the old one, which also had no step).
			if !strings.Contains(a.text(), "Sandbox: "+w.label) {
				t.Errorf("the first screen does not name the new world:\n%s", a.text())
			}
			a.press("i")
			btDid(t, a, 0, "log in")
			if o := p.tl.steps[0].Outcome; !o.OK() {
				t.Errorf("log in: %s", scenarios.OutcomeText(o))
			}
			// The menu marks the world in force.
			a.press("w")
			if note := p.menu().choices[len(p.menu().choices)-1].note; note != w.short {
				t.Errorf("restart with…'s note %q, want %q", note, w.short)
			}
		})
	}
	// A lesson's what-if replays it; it does not offer a restart.
	l := btLesson(t, btLessonID, 100, 30)
	l.press("w")
	for _, c := range l.pl().menu().choices {
		if strings.HasPrefix(c.label, "restart") {
			t.Errorf("a lesson's what-if offers %q", c.label)
		}
	}
}

// TestReviewRideNeedsFirstParty: P fails outside the first-party world and
// says how to get there; there, it works.
func TestReviewRideNeedsFirstParty(t *testing.T) {
	a := btSandbox(t, 100, 30)
	a.press("i", "P")
	p := a.pl()
	if len(p.tl.steps) != 2 || p.tl.steps[1].Step.Do != "attacker.ride" || p.tl.steps[1].Outcome.OK() {
		t.Fatalf("P in the default world: %d steps", len(p.tl.steps))
	}
	if p.status != rideNeeds || !strings.Contains(a.header(), rideNeeds) {
		t.Errorf("status %q, header %q, want %q", p.status, a.header(), rideNeeds)
	}
	for _, want := range []string{"needs a session", "w", "restart with…", sandboxWorlds[len(sandboxWorlds)-1].label, "BFF"} {
		if !strings.Contains(rideNeeds, want) {
			t.Errorf("the failure message does not say %q", want)
		}
	}
	// At 80 columns the whole message shows.
	b := btSandbox(t, 80, 24)
	b.press("i", "P")
	if !strings.Contains(b.header(), rideNeeds) {
		t.Errorf("at 80 columns the header cuts the message: %q", b.header())
	}
	// Following it, the attack works.
	rvRestart(a, len(sandboxWorlds)-1)
	a.press("i", "P")
	p = a.pl()
	if o := p.tl.steps[1].Outcome; !o.OK() || p.status == rideNeeds {
		t.Errorf("P in the first-party world: %s, status %q", scenarios.OutcomeText(o), p.status)
	}
	if !p.tl.snapshot().Attacker.HoldsAccess {
		t.Errorf("after riding the session the attacker holds no access token")
	}
	// Behind a BFF the ride works too, and hands the attacker no token.
	bff := slices.IndexFunc(sandboxWorlds, func(w sandboxWorld) bool { return w.storage == sim.StorageCookie && w.topology == sim.TopologyOAuth })
	rvRestart(a, bff)
	a.press("i", "P")
	p = a.pl()
	if o := p.tl.steps[1].Outcome; !o.OK() || p.status == rideNeeds || p.tl.snapshot().Attacker.HoldsAccess {
		t.Errorf("P behind a BFF: %s, status %q, attacker %+v", scenarios.OutcomeText(o), p.status, p.tl.snapshot().Attacker)
	}
}

// rvExport presses e and feeds the command's message back.
func rvExport(a *btApp) string {
	a.tb.Helper()
	cmd := a.press("e")
	if cmd == nil {
		a.tb.Fatal("e returned no command")
	}
	msg, ok := cmd().(exportedMsg)
	if !ok || msg.err != nil {
		a.tb.Fatalf("export: %+v", msg)
	}
	a.send(msg)
	if want := "exported to " + msg.path; a.pl().status != want {
		a.tb.Errorf("status %q, want %q", a.pl().status, want)
	}
	return msg.path
}

// rvExportedWhatIf fails unless md, a Markdown export made under a what-if,
// holds the what-if's outcomes and not the lesson's own: every step the
// what-if changed is marked as differing and shows the what-if's status and
// error. Writing the lesson's own steps under the what-if banner (the
// mistake this guards against) shows the lesson's status there instead.
func rvExportedWhatIf(tb testing.TB, p *lesson, md string) {
	tb.Helper()
	if len(p.tl.changed) == 0 {
		tb.Fatalf("the what-if %q changed no step: the export cannot be told from the lesson's", p.whatIf)
	}
	checked := 0
	for i := range p.tl.changed {
		shown, own := p.tl.steps[i].Outcome, p.base.Steps[i].Outcome
		head := fmt.Sprintf("\n### %d. ", i+1)
		at := strings.Index(md, head)
		if at < 0 {
			tb.Errorf("step %d is missing from the export", i+1)
			continue
		}
		sec := md[at+len(head):]
		if end := strings.Index(sec, "\n### "); end >= 0 {
			sec = sec[:end]
		}
		if !strings.Contains(sec, "This step differs from the lesson's own run") {
			tb.Errorf("step %d is not marked as differing:\n%s", i+1, sec)
		}
		if shown.Status == own.Status && shown.Error == own.Error {
			continue // it differs in its events, not its outcome
		}
		checked++
		if row := fmt.Sprintf("| %d | %s |", shown.Status, shown.Error); !strings.Contains(sec, row) {
			tb.Errorf("step %d: the export lacks the what-if's outcome %q (the lesson's own is %d %s):\n%s", i+1, row, own.Status, own.Error, sec)
		}
	}
	if checked == 0 {
		tb.Fatalf("the what-if %q changed no step's status", p.whatIf)
	}
}

// TestReviewExportRunShown: the export is the run on screen (after a
// what-if, with its preset and settings), and never overwrites a file.
func TestReviewExportRunShown(t *testing.T) {
	a := btLesson(t, btLessonID, 100, 30)
	dir := a.root().opts.ExportDir
	// A file of the learner's own, with the name the export wants.
	mine := filepath.Join(dir, btLessonID+"-whatif.md")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	a.press("w", "5", "2") // API mode: introspect
	if a.pl().whatIf != "API mode (how it learns of revocation) introspect" {
		t.Fatalf("what-if %q", a.pl().whatIf)
	}
	first := rvExport(a)
	if want := filepath.Join(dir, btLessonID+"-whatif-2.md"); first != want {
		t.Errorf("exported to %s, want %s", first, want)
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Errorf("the export overwrote %s", mine)
	}
	md, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "api_mode=introspect") {
		t.Errorf("the export does not say api_mode=introspect:\n%s", md)
	}
	// Its outcomes are the what-if's, step by step.
	rvExportedWhatIf(t, a.lesson(), string(md))
	if second := rvExport(a); second != filepath.Join(dir, btLessonID+"-whatif-3.md") {
		t.Errorf("the second export went to %s", second)
	}

	// A preset what-if exports that preset.
	preset := sim.Presets()[len(sim.Presets())-1].Name
	b := btLesson(t, btLessonID, 100, 30)
	b.press("w", strconv.Itoa(len(knobChoices)+1))
	// The preset menu has more than nine choices: the last is reached with
	// the arrows (up wraps to it) and enter, as its missing number says.
	if m := b.pl().menu(); m.choices[len(m.choices)-1].label != preset {
		t.Fatalf("the preset menu does not end with %s", preset)
	}
	b.press("up", "enter")
	md, err = os.ReadFile(rvExport(b))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "preset `"+preset+"`") {
		t.Errorf("a what-if under preset %s exports:\n%s", preset, md[:min(len(md), 400)])
	}

	// The sandbox's export names its world.
	s := btSandbox(t, 100, 30)
	rvRestart(s, 1)
	s.press("i")
	md, err = os.ReadFile(rvExport(s))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "storage `memory`") {
		t.Errorf("the sandbox's export does not name its world:\n%s", md[:min(len(md), 400)])
	}
}

// TestReviewClaimExplanations: every claim's meaning is on the Tokens tab,
// wrapped under the claim when the line is too narrow, and no line is
// wider than the tab. An opaque token says what it is in sim's words.
func TestReviewClaimExplanations(t *testing.T) {
	for _, w := range []int{59, 80, 120} { // 59: the inspector at 60 columns
		a := btLesson(t, btLessonID, 100, 30)
		a.press("n", "n", "n", "n")
		tab := ansi.Strip(tokensTab(&a.pl().tl, a.pl().st, w, 0))
		flat := strings.Join(strings.Fields(tab), " ")
		for _, tok := range a.pl().tl.snapshot().Tokens {
			for k := range tok.Claims {
				if m := rendering.ClaimMeaningFor(tok.Kind, k); m != "" && !strings.Contains(flat, strings.Join(strings.Fields(m), " ")) {
					t.Errorf("width %d: the meaning of %s is missing: %q", w, k, m)
				}
			}
			if tok.Header == nil && !strings.Contains(flat, rendering.OpaqueMeaning()) {
				t.Errorf("width %d: an opaque token without sim's description", w)
			}
		}
		for i, l := range strings.Split(tab, "\n") {
			if n := ansi.StringWidth(l); n > w && !strings.Contains(l, "…") {
				t.Errorf("width %d: line %d is %d cells: %q", w, i+1, n, l)
			}
		}
	}
	// Long values are elided by cells, never inside a rune.
	st := NewStyles(true)
	val := strings.Repeat("é", 30) + strings.Repeat("字", 30)
	line := ansi.Strip(claimLine(st, "   ", "name", val, rendering.ClaimMeaning("name"), 80))
	if !utf8.ValidString(line) || !strings.Contains(line, "…") {
		t.Errorf("elided value: %q", line)
	}
	if n := ansi.StringWidth(strings.SplitN(line, "\n", 2)[0]); n > 80 {
		t.Errorf("elided line is %d cells", n)
	}
}

// TestReviewMenuHelp: an open menu's footer names the menu's keys, and
// the duration prompt's its own.
func TestReviewMenuHelp(t *testing.T) {
	a := btSandbox(t, 100, 30)
	a.press("d")
	if txt := a.text(); !strings.Contains(txt, "choose") || strings.Contains(txt, "answer") {
		t.Errorf("menu footer:\n%s", txt)
	}
	a.press("9")
	if txt := a.text(); !strings.Contains(txt, "enter advance") || strings.Contains(txt, "answer") {
		t.Errorf("prompt footer:\n%s", txt)
	}
	// The sandbox's full help says what w does there.
	s := btSandbox(t, 140, 40)
	s.press("?")
	if txt := s.text(); !strings.Contains(txt, "policy, restart") {
		t.Errorf("sandbox help:\n%s", txt)
	}
}

// TestReviewMenuFits: a menu taller than its panel shows a page of
// choices, the selected one's, and says so, rather than losing its last
// choices below the panel (issue 14: pages, numbered 1 on each, so that
// every choice keeps a key).
func TestReviewMenuFits(t *testing.T) {
	a := btSandbox(t, 60, 16)
	a.press("d")
	if txt := a.text(); !strings.Contains(txt, "1. 1m") || !strings.Contains(txt, "(page 1 of") {
		t.Fatalf("the advance menu at 60×16:\n%s", txt)
	}
	for range 8 {
		a.press("down")
	}
	if txt := a.text(); !strings.Contains(txt, ". custom…") || strings.Contains(txt, "1. 1m") {
		t.Errorf("the selected last choice is not in sight:\n%s", txt)
	}
	// Where it fits, the whole menu shows with its hint.
	b := btSandbox(t, 100, 30)
	b.press("d")
	if txt := b.text(); !strings.Contains(txt, "9. custom…") || !strings.Contains(txt, "esc to cancel") || strings.Contains(txt, "(page") {
		t.Errorf("the advance menu at 100×30:\n%s", txt)
	}
}

// TestReviewSandboxRefusalsSayWhy: an action the sandbox's world refuses
// stays as a step whose code is in the header and whose reason, in the
// engine's words, is on the Narration tab; a refused parameter adds no
// step and the status says what was wrong with it; the duration prompt
// refuses a clock that goes backwards, saying so.
func TestReviewSandboxRefusalsSayWhy(t *testing.T) {
	for _, c := range []struct {
		name  string
		world int // 0-based index into sandboxWorlds; -1 for the default
		keys  []string
		code  string
		why   string
	}{
		{"race in the first-party world", 5, []string{"T"}, "bad_request", "race tabs in the OAuth topology"},
		{"a call before logging in", -1, []string{"c"}, "no_token", "the user must log in"},
		{"stealing from a server-side app", 4, []string{"s", "2"}, "unreachable", "keeps its tokens on the server"},
	} {
		a := btSandbox(t, 100, 30)
		if c.world >= 0 {
			rvRestart(a, c.world)
		}
		a.press(c.keys...)
		p := a.pl()
		if len(p.tl.steps) != 1 || p.tl.steps[0].Outcome.Error != c.code {
			t.Errorf("%s: %d steps, want one refused with %s", c.name, len(p.tl.steps), c.code)
			continue
		}
		if !strings.HasSuffix(p.status, ": "+c.code) || !strings.Contains(a.header(), c.code) {
			t.Errorf("%s: status %q, header %q, want the code %s", c.name, p.status, a.header(), c.code)
		}
		if txt := sshTestSquash(a.text()); !strings.Contains(txt, "Why: ") || !strings.Contains(txt, c.why) {
			t.Errorf("%s: the Narration tab does not say why (%q):\n%s", c.name, c.why, a.text())
		}
	}

	// A refused value: no step, and the engine's reason in the status.
	a := btSandbox(t, 100, 30)
	if _, ok := a.sb().do("set", map[string]string{"key": "access_ttl", "value": "banana"}); ok {
		t.Fatal("access_ttl=banana was taken")
	}
	if p := a.pl(); len(p.tl.steps) != 0 || !strings.Contains(p.status, "access_ttl") || !strings.Contains(p.status, `bad duration "banana"`) {
		t.Errorf("a refused value: %d steps, status %q", len(p.tl.steps), p.status)
	}

	// The prompt refuses a zero duration and stays open, saying why.
	a.press("d", "9")
	if a.pl().openPrompt() == nil {
		t.Fatal("custom… opened no prompt")
	}
	a.press("0", "s", "enter")
	if pr := a.pl().openPrompt(); pr == nil {
		t.Error("a zero duration closed the prompt")
	} else if pr.err != "the clock only moves forward: give a positive duration" {
		t.Errorf("a zero duration: the prompt says %q", pr.err)
	}
	if !strings.Contains(a.text(), "the clock only moves forward") {
		t.Errorf("the refusal is not on screen:\n%s", a.text())
	}
}
