package tui

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// Nothing is lost on pull: an attendee in the sandbox, actions taken, a
// step back and another tab, is pulled into the instructor's lesson; x
// returns exactly to the sandbox (the same world: steps, step shown,
// clock and tokens, tab); f goes back to the room's lesson, and x to the
// sandbox again.
func TestPullKeepsSandbox(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.press("s", "i", "r", "d")
	a.press("1") // advance the clock by the menu's first choice
	a.press("c", "left", "3")
	sb := a.sb()
	cur, steps, tab := sb.tl.cur, len(sb.tl.steps), sb.insp.tab
	snap := sb.tl.snapshot()
	view := sshTestViewAt(sb)
	if steps < 4 || cur != steps-2 || tab != tabTokens {
		t.Fatalf("setup: %d steps, index %d, tab %d", steps, cur, tab)
	}

	a.send(FollowMsg{Scenario: "login", Step: 2})
	if a.lesson().tl.id != "login" || a.pl().tl.cur != 1 || !strings.Contains(a.header(), "your sandbox is kept: x returns to it") {
		t.Fatalf("pulled: %q index %d, header %q", a.pl().tl.id, a.pl().tl.cur, a.header())
	}
	room := a.lesson()
	a.send(FollowMsg{Scenario: "login", Step: 1}) // the next step: the note is gone, x's help says it
	if f := sshTestFooter(a); !strings.Contains(f, "x back to your sandbox") {
		t.Fatalf("pulled, the footer: %q", f)
	}
	a.press("x")
	if f := sshTestFooter(a); strings.Contains(f, "back to your sandbox") {
		t.Fatalf("back in the sandbox, the footer: %q", f)
	}
	back := a.sb()
	if back != sb || back.tl.cur != cur || len(back.tl.steps) != steps || back.insp.tab != tab ||
		!reflect.DeepEqual(back.tl.snapshot(), snap) || sshTestViewAt(back) != view {
		t.Fatalf("x: sandbox %p (was %p), index %d of %d (was %d of %d), tab %d (was %d), snapshot equal %v, view equal %v",
			back, sb, back.tl.cur, len(back.tl.steps), cur, steps, back.insp.tab, tab,
			reflect.DeepEqual(back.tl.snapshot(), snap), sshTestViewAt(back) == view)
	}
	if !strings.Contains(a.header(), "stepped away") {
		t.Fatalf("x: header %q", a.header())
	}
	a.press("f")
	if a.lesson() != room || a.pl().tl.cur != 0 {
		t.Fatalf("f: not the room's lesson at index 0 (index %d)", a.pl().tl.cur)
	}
	a.send(FollowMsg{Scenario: "login", Step: 3})
	a.press("x")
	if a.sb() != sb || sshTestViewAt(a.sb()) != view {
		t.Fatal("x after f and a step: not the same sandbox")
	}
	// Pulled again, then the room is released: x still returns, and the
	// help says so.
	a.press("f")
	a.send(ReleaseMsg{})
	if f := sshTestFooter(a); !strings.Contains(f, "x back to your sandbox") {
		t.Fatalf("released with the sandbox kept, the footer: %q", f)
	}
	a.press("x")
	if a.sb() != sb || !strings.Contains(a.header(), "back to what you were doing") {
		t.Fatalf("x after a release: header %q", a.header())
	}
}

// A lesson the attendee moved in alone is kept too, step and answers,
// even when the instructor pulls the room into the same lesson; a
// challenge likewise.
func TestPullKeepsLessonAndChallenge(t *testing.T) {
	a, _ := sshTestApp(t, false, "login")
	a.press("l", "2", "l", "l")
	own, cur := a.lesson(), a.pl().tl.cur
	a.send(FollowMsg{Scenario: "login", Step: 1})
	if a.lesson() == own || a.pl().tl.cur != 0 || own.tl.cur != cur {
		t.Fatalf("pulled into the same lesson: the attendee's own was moved (index %d, was %d)", own.tl.cur, cur)
	}
	a.press("x")
	if a.lesson() != own || a.pl().tl.cur != cur || own.tl.answered[0] != 2 {
		t.Fatalf("x: lesson %p (own %p) at index %d, want %d", a.lesson(), own, a.pl().tl.cur, cur)
	}

	ch, err := scenarios.ChallengeByID("stop-the-thief")
	if err != nil {
		t.Fatal(err)
	}
	c := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Challenge: ch, Room: &sshTestRoom{}, NoExport: true}, 80, 24)
	c.press("r")
	mine, tries := c.challenge(), len(c.challenge().att.Learner())
	c.send(FollowMsg{Scenario: "login", Step: 1})
	if !strings.Contains(c.header(), "your challenge is kept") {
		t.Fatalf("pulled from a challenge: header %q", c.header())
	}
	c.press("x")
	if c.challenge() != mine || len(mine.att.Learner()) != tries {
		t.Fatal("x: not the same challenge")
	}
}

// sshTestViewAt is s drawn at one size: the room line above it comes and
// goes with the room, and the screen's height with it.
func sshTestViewAt(s screen) string {
	s.SetSize(100, 25)
	return s.View()
}

// The room's own lesson is the attendee's once they moved in it alone:
// released, they take another step; the room pulls them again and x
// returns to their step, not the instructor's. Stepped away, likewise,
// and f (follow again) keeps it too. A follower who did not move is
// moved in place, nothing kept.
func TestPullKeepsTheRoomsLessonMovedInAlone(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: 1, Run: 1})
	own := a.lesson()
	a.send(FollowMsg{Scenario: "login", Step: 2, Run: 1})
	if a.lesson() != own || a.root().ws.kept != nil {
		t.Fatal("a follower who did not move was given another lesson, or had one kept")
	}
	a.send(ReleaseMsg{})
	a.press("h") // step 1, alone
	a.send(FollowMsg{Scenario: "login", Step: 2, Run: 1})
	if a.lesson() == own || a.pl().tl.cur != 1 {
		t.Fatalf("pulled: the same lesson (%v) at index %d", a.lesson() == own, a.pl().tl.cur)
	}
	a.press("x")
	if a.lesson() != own || a.pl().tl.cur != 0 {
		t.Fatalf("x: the kept lesson %v at index %d, want index 0", a.lesson() == own, a.pl().tl.cur)
	}
	// Stepped away in the room's lesson, a step back alone, then f.
	b, _ := sshTestApp(t, false, "")
	b.send(FollowMsg{Scenario: "login", Step: 2, Run: 1})
	room := b.lesson()
	b.press("x", "h")
	b.press("f")
	if b.lesson() == room || b.pl().tl.cur != 1 {
		t.Fatalf("f: the same lesson (%v) at index %d", b.lesson() == room, b.pl().tl.cur)
	}
	b.press("x")
	if b.lesson() != room || b.pl().tl.cur != 0 {
		t.Fatalf("x after f: the kept lesson %v at index %d, want index 0", b.lesson() == room, b.pl().tl.cur)
	}
}
