package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// dtLesson is the stepper of a built-in lesson, every quiz answered.
func dtLesson(t *testing.T, sc *scenarios.Scenario) *lesson {
	t.Helper()
	keys := DefaultKeyMap()
	p, err := newLesson(&keys, NewStyles(true), sc, scenarios.Options{}, t.TempDir())
	if err != nil {
		t.Fatalf("%s: %v", sc.ID, err)
	}
	for i, s := range p.tl.steps {
		if q := s.Text.Quiz; q != nil {
			p.tl.answered[i] = q.Answer
		}
	}
	return p
}

// TestDiagramLabelsKeepLanes draws every built-in lesson at the widths the
// diagram gets (60 and 80 stacked, 77 and 110 beside the inspector) and
// checks that no label or note writes over a lane: outside an arrow's own
// span (its label may lie over the lanes the arrow crosses), and on every
// row but a step's title, a gap in time, a policy change and the quiz's
// notice (which run across on purpose), every lane's column holds the
// lane.
func TestDiagramLabelsKeepLanes(t *testing.T) {
	for _, sc := range tuitest.Catalogue(t) {
		p := dtLesson(t, sc)
		p.tl.cur = len(p.tl.steps) - 1
		for _, w := range []int{60, 77, 80, 110} {
			p.dia.SetSize(w, 20)
			rows := p.dia.layoutRows(&p.tl, p.st)
			for _, r := range rows {
				line := string(r.cells)
				if r.cells[1] == '─' || strings.ContainsAny(line, "┊"+iconQuiz+iconTime) || strings.Contains(line, " policy: ") {
					continue
				}
				lo, hi := -1, -1
				if i := strings.IndexAny(line, "▶◀"); i >= 0 || r.across {
					for x, c := range r.cells {
						if strings.ContainsRune("─╌▶◀", c) || r.across && x >= r.span[0] && x < r.span[1] {
							if lo < 0 {
								lo = x
							}
							hi = x
						}
					}
				}
				for _, c := range p.dia.cols {
					if c > lo-1 && c < hi+1 && lo >= 0 {
						continue // crossed by the arrow
					}
					if r.cells[c] != '│' {
						t.Errorf("%s at %d: a label writes over the lane at column %d:\n%s", sc.ID, w, c, line)
					}
				}
			}
		}
	}
}

// TestDiagramLanesStay: the lanes are where they will be from the first
// step on, in lessons whose attacker comes in later (issue 14: every lane
// moved when it did), and in the sandbox before the attacker's first move.
func TestDiagramLanesStay(t *testing.T) {
	for _, sc := range tuitest.Catalogue(t) {
		p := dtLesson(t, sc)
		p.dia.SetSize(80, 20)
		var first []int
		for cur := -1; cur < len(p.tl.steps); cur++ {
			p.tl.cur = cur
			p.dia.layoutRows(&p.tl, p.st)
			if first == nil {
				first = append([]int(nil), p.dia.cols...)
				continue
			}
			if got := p.dia.cols; !slices.Equal(got, first) {
				t.Fatalf("%s: lanes at %v at step %d, %v before", sc.ID, got, cur+1, first)
			}
		}
		if p.tl.cast(sim.ActorAttacker) && len(first) < 5 {
			t.Errorf("%s: no attacker lane before the attacker's first move: %v", sc.ID, first)
		}
	}
}

// TestDiagramSaysPolicyInWords: a policy change is drawn in words, the
// knob as the what-if menu names it, not as sim's "rotation = false".
func TestDiagramSaysPolicyInWords(t *testing.T) {
	p := dtLesson(t, tuitest.Lookup(t, "multi-tab-race"))
	p.tl.cur = len(p.tl.steps) - 1
	p.dia.SetSize(80, 20)
	var all []string
	for _, r := range p.dia.layoutRows(&p.tl, p.st) {
		all = append(all, string(r.cells))
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"policy: single flight on", "policy: single flight off", "policy: reuse grace interval 30s", "tab 1: POST /token", "tab 2: POST /token"} {
		if !strings.Contains(got, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, " = ") {
		t.Errorf("a raw policy change:\n%s", got)
	}
}

// TestDiagramServiceLane: the machine client of client-credentials gets a
// lane of its own beside the app's, named, while the user's and the app's
// stay (empty: no user takes part); lessons without it get no such lane.
func TestDiagramServiceLane(t *testing.T) {
	for _, sc := range tuitest.Catalogue(t) {
		p := dtLesson(t, sc)
		p.dia.SetSize(80, 20)
		actors, _ := p.dia.lanes(&p.tl)
		has := slices.Contains(actors, sim.ActorService)
		if has != p.tl.cast(sim.ActorService) {
			t.Errorf("%s: lanes %v; the service acts: %v", sc.ID, actors, p.tl.cast(sim.ActorService))
		}
		if sc.ID != "client-credentials" {
			continue
		}
		want := []sim.Actor{sim.ActorUser, sim.ActorApp, sim.ActorService, sim.ActorAS, sim.ActorAPI}
		if !slices.Equal(actors, want) {
			t.Errorf("client-credentials lanes %v, want %v", actors, want)
		}
		p.tl.cur = len(p.tl.steps) - 1
		if v := ansi.Strip(p.dia.render(&p.tl, p.st)); !strings.Contains(strings.SplitN(v, "\n", 2)[0], " Service ") {
			t.Errorf("no Service lane name on the diagram's first line:\n%s", v)
		}
	}
}
