package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
)

// sshTestRoom is a Room that records what the model told it, and keeps
// the lead as the workshop's room does: Lead takes it, Push and Release
// only from the session that leads.
type sshTestRoom struct {
	answers    []sshTestAnswer
	leads      []FollowMsg // every push honoured (Lead's and Push's)
	runs       []bool      // run, for each of leads
	releases   int
	resets     []int // the steps whose counts were reset
	broadcasts []string
	status     RoomStatus
	pres       sshTestPresence // presence_test.go
}

type sshTestAnswer struct {
	at     FollowMsg
	choice int
}

func (r *sshTestRoom) Answer(at FollowMsg, choice int) {
	r.answers = append(r.answers, sshTestAnswer{at, choice})
}
func (r *sshTestRoom) Lead(to FollowMsg, run bool) {
	r.status.Leading, r.status.You, r.status.Leader, r.status.Namesake = true, true, "me", false
	if to.Scenario != "" {
		r.leads, r.runs = append(r.leads, to), append(r.runs, run)
	}
}
func (r *sshTestRoom) Push(to FollowMsg, run bool) {
	// Recorded even from a session that does not lead (the workshop's
	// room ignores it): the tests see what the model sent.
	r.leads, r.runs = append(r.leads, to), append(r.runs, run)
}
func (r *sshTestRoom) Release() {
	if r.status.You {
		r.releases++
		r.status.Leading, r.status.You, r.status.Leader = false, false, ""
	}
}
func (r *sshTestRoom) ResetAnswers(_ string, step int) { r.resets = append(r.resets, step) }
func (r *sshTestRoom) Broadcast(text string) {
	r.broadcasts = append(r.broadcasts, text)
	r.status.Broadcast = CleanBroadcast(text)
}
func (r *sshTestRoom) Status(FollowMsg) RoomStatus { return r.status }

func init() {
	// TestEveryBinding runs a test per binding; the workshop's are here.
	btBindingTests["Room.StepAway"] = sshTestStepAway
	btBindingTests["Room.Rejoin"] = sshTestRejoin
	btBindingTests["Room.Lead"] = sshTestLead
	btBindingTests["Room.Release"] = sshTestRelease
}

// sshTestApp is a session in a workshop, at the picker.
func sshTestApp(tb testing.TB, instructor bool, open string) (*btApp, *sshTestRoom) {
	tb.Helper()
	room := &sshTestRoom{status: RoomStatus{Attendees: 3}}
	opts := Options{Catalogue: tuitest.Catalogue(tb), Room: room, Instructor: instructor, NoExport: true, NoCommandHints: true}
	if open != "" {
		sc := tuitest.Lookup(tb, open)
		opts.Open = sc
	}
	return btNewApp(tb, opts, 100, 30), room
}

// sshTestQuizStep is the login lesson's first step: it has a quiz with
// three options, the second right.
const sshTestQuizStep = 1

func sshTestStepAway(t *testing.T, k string) {
	a, _ := sshTestApp(t, false, "")
	a.press(k)
	if !strings.Contains(a.header(), "no instructor is leading the room") {
		t.Fatalf("%s with no one leading: header %q", k, a.header())
	}
	a.send(FollowMsg{Scenario: "login", Step: 2})
	if a.pl().tl.id != "login" || a.pl().tl.cur != 1 || !strings.Contains(a.header(), "following the instructor") {
		t.Fatalf("after a follow: lesson %q index %d, header %q", a.pl().tl.id, a.pl().tl.cur, a.header())
	}
	a.press("h") // refused while following
	if a.pl().tl.cur != 1 || !strings.Contains(a.header(), "you follow the instructor: the steps are theirs") {
		t.Fatalf("a step key while following: index %d, header %q", a.pl().tl.cur, a.header())
	}
	a.press(k)
	if !strings.Contains(a.header(), "stepped away from the instructor") {
		t.Fatalf("%s: header %q", k, a.header())
	}
	a.press("h") // away, the attendee moves alone
	if a.pl().tl.cur != 0 {
		t.Fatalf("a step key after stepping away: index %d, want 0", a.pl().tl.cur)
	}
	a.send(FollowMsg{Scenario: "login", Step: 2}) // the room moves on without this attendee
	if a.pl().tl.cur != 0 || !strings.Contains(a.header(), "the instructor is at login, step 2") {
		t.Fatalf("a follow while away: index %d, header %q", a.pl().tl.cur, a.header())
	}
}

func sshTestRejoin(t *testing.T, k string) {
	a, _ := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: 1})
	a.press("x")
	a.send(FollowMsg{Scenario: "bearer-calls", Step: 2})
	if a.pl().tl.id != "login" {
		t.Fatalf("away, the lesson changed to %q", a.pl().tl.id)
	}
	a.press(k)
	if a.pl().tl.id != "bearer-calls" || a.pl().tl.cur != 1 || !strings.Contains(a.header(), "following the instructor") {
		t.Fatalf("%s: lesson %q index %d, header %q", k, a.pl().tl.id, a.pl().tl.cur, a.header())
	}
	a.send(ReleaseMsg{})
	a.press(k)
	if !strings.Contains(a.header(), "no instructor is leading the room") {
		t.Fatalf("%s after a release: header %q", k, a.header())
	}
}

func sshTestLead(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "")
	if h := a.header(); !strings.Contains(h, "instructor · 3 attendees connected · not leading") {
		t.Fatalf("the instructor's line: %q", h)
	}
	a.press(k) // at the picker: nothing to push yet
	if len(room.leads) != 0 || !strings.Contains(a.header(), "leading the room") {
		t.Fatalf("%s at the picker: leads %v, header %q", k, room.leads, a.header())
	}
	a.press("enter")
	// In a lesson at 80 columns the help line is cut short: the room key
	// comes first, so the instructor sees it.
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if f := sshTestFooter(a); !strings.HasPrefix(strings.TrimSpace(f), "X release") {
		t.Errorf("the leading instructor's footer does not start with X: %q", f)
	}
	a.press("l")
	want := []FollowMsg{{Scenario: a.pl().tl.id, Step: 0}, {Scenario: a.pl().tl.id, Step: 1}}
	if len(room.leads) != 2 || room.leads[0] != want[0] || room.leads[1] != want[1] {
		t.Fatalf("pushed %v, want %v (the lesson when opened, then every step)", room.leads, want)
	}
}

func sshTestRelease(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "login")
	a.press("F")
	a.press(k)
	if room.releases != 1 || !strings.Contains(a.header(), "not leading") {
		t.Fatalf("%s: %d releases, header %q", k, room.releases, a.header())
	}
	a.press("l")
	if len(room.leads) != 1 {
		t.Fatalf("released, a step still pushed: %v", room.leads)
	}
}

// An attendee's quiz answers reach the room once, as the step's number
// and the option; the instructor sees the counts per option, the right
// one marked by a glyph.
func TestRoomQuizAnswers(t *testing.T) {
	a, room := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: sshTestQuizStep})
	a.press("2")
	a.press("3") // the quiz is answered: 3 is a tab now
	if len(room.answers) != 1 || room.answers[0] != (sshTestAnswer{FollowMsg{Scenario: "login", Step: sshTestQuizStep}, 2}) {
		t.Fatalf("answers %v, want one: login step 1 option 2", room.answers)
	}

	in, iroom := sshTestApp(t, true, "login")
	iroom.status = RoomStatus{Attendees: 2, Answers: []int{1, 0, 4}}
	in.send(RoomChangedMsg{})
	in.press("l", "1")
	if len(iroom.answers) != 0 {
		t.Fatalf("the instructor's answer was counted: %v", iroom.answers)
	}
	if h := in.header(); !strings.Contains(h, "quiz: 1) 1  2)✓ 0  3) 4 (5 answered)") {
		t.Fatalf("the instructor's line: %q", h)
	}
}

// Over SSH, export is off: it would write on the server's disk.
func TestRoomNoExport(t *testing.T) {
	a, _ := sshTestApp(t, false, "login")
	a.press("e")
	if cmd := a.press("e"); cmd != nil {
		t.Fatal("e exported with NoExport")
	}
	if strings.Contains(a.text(), "export markdown") {
		t.Fatal("the help offers export with NoExport")
	}
}

// Outside a workshop there is no room line and the room's keys do nothing.
func TestRoomAbsentOutsideWorkshop(t *testing.T) {
	a := btLesson(t, "login", 100, 30)
	before := a.text()
	a.send(FollowMsg{Scenario: "bearer-calls", Step: 1})
	a.press("x")
	if a.pl().tl.id != "login" || a.text() != before {
		t.Fatal("a follow or x changed a session outside a workshop")
	}
}

// sshTestFooter is the last line of the screen: the short help.
func sshTestFooter(a *btApp) string {
	lines := strings.Split(strings.TrimRight(a.text(), "\n"), "\n")
	return lines[len(lines)-1]
}

// When the instructor who led leaves, the room's release says so in
// words, and the attendee's step keys work again.
func TestRoomLeaderLeft(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: 2})
	a.send(ReleaseMsg{LeaderLeft: true})
	if h := a.header(); !strings.Contains(h, "the instructor left: you explore alone") || strings.Contains(h, "following") {
		t.Fatalf("after the leader left: header %q", h)
	}
	a.press("h")
	if a.pl().tl.cur != 0 {
		t.Fatalf("a step key after the leader left: index %d, want 0", a.pl().tl.cur)
	}
}

// A follower's footer offers only the keys that work while following, x
// first so that 80 columns show it; w and e are refused like the step
// keys; the first step's text does not tell a follower to press →.
func TestRoomFollowerKeys(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.send(FollowMsg{Scenario: "login", Step: 0})
	f := sshTestFooter(a)
	for _, gone := range []string{"next step", "previous step", "what-if", "esc back"} {
		if strings.Contains(f, gone) {
			t.Errorf("following, the footer offers %q: %q", gone, f)
		}
	}
	if !strings.Contains(f, "x step away from the instructor") {
		t.Errorf("following at 80 columns, the footer lacks x: %q", f)
	}
	if txt := a.text(); strings.Contains(txt, "Press →") || !strings.Contains(sshTestSquash(txt), "The instructor takes the steps") {
		t.Errorf("following, the first step's text:\n%s", txt)
	}
	a.press("w")
	if a.pl().menu() != nil || !strings.Contains(a.header(), "you follow the instructor") {
		t.Fatalf("w while following: menu %v, header %q", a.pl().menu() != nil, a.header())
	}
	if cmd := a.press("e"); cmd != nil {
		t.Fatal("e while following returned a command")
	}
	a.send(FollowMsg{Scenario: "login", Step: sshTestQuizStep})
	if f := sshTestFooter(a); !strings.Contains(f, "1-5 answer") {
		t.Errorf("following at a quiz, the footer lacks the answer keys: %q", f)
	}
	a.press("x") // away: the lesson's own keys and f again
	// (At the quiz the answer keys stand where "next step" stood.)
	if f := sshTestFooter(a); !strings.HasPrefix(f, "f follow the instructor again") || !strings.Contains(f, "previous step") || !strings.Contains(f, "answer the quiz") {
		t.Errorf("stepped away at 80 columns, the footer: %q", f)
	}
	a.press("g")
	if txt := a.text(); !strings.Contains(txt, "Press →") {
		t.Errorf("stepped away, the first step's text:\n%s", txt)
	}
}

// sshTestSquash joins wrapped lines, for phrases that may wrap.
func sshTestSquash(s string) string { return strings.Join(strings.Fields(s), " ") }

// Only a follower's answer is the room's: one given after stepping away
// is not reported (README, "Workshop over SSH").
func TestRoomAwayAnswerNotCounted(t *testing.T) {
	a, room := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: sshTestQuizStep})
	a.press("x", "2")
	if a.pl().tl.answered[a.pl().tl.cur] != 2 {
		t.Fatal("away, the attendee could not answer")
	}
	if len(room.answers) != 0 {
		t.Fatalf("an answer given while away reached the room: %v", room.answers)
	}
}

// Over SSH the picker does not name a command the attendee cannot run.
func TestRoomNoCommandHints(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	if strings.Contains(a.text(), "tokensim play") {
		t.Fatalf("the picker names tokensim play over SSH:\n%s", a.text())
	}
	b := btPicker(t, 100, 30)
	if !strings.Contains(b.text(), "tokensim play") {
		t.Fatal("the local picker lost its tokensim play hint")
	}
}
