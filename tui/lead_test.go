package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/tuitest"
)

// Tests of issue 16's room: one lead at a time, the what-if pushed with
// the step, quiz counts and their reset, and the broadcast.

func init() {
	btBindingTests["Room.TakeOver"] = ldTestTakeOver
	btBindingTests["Room.KeepOff"] = ldTestKeepOff
	btBindingTests["Room.ResetCount"] = ldTestResetCount
	btBindingTests["Room.Broadcast"] = ldTestBroadcast
	btBindingTests["Room.Send"] = ldTestSend
	btBindingTests["Room.Cancel"] = ldTestCancel
}

// ldTestOtherLeads is an instructor in the login lesson while ann leads
// the room.
func ldTestOtherLeads(t *testing.T) (*btApp, *sshTestRoom) {
	a, room := sshTestApp(t, true, "login")
	room.status = RoomStatus{Attendees: 3, Leading: true, Leader: "ann"}
	a.send(RoomChangedMsg{})
	return a, room
}

// ldTestType types text, a key per rune.
func ldTestType(a *btApp, text string) {
	for _, r := range text {
		a.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// F while another instructor leads asks first; y takes the lead.
func ldTestTakeOver(t *testing.T, k string) {
	a, room := ldTestOtherLeads(t)
	if h := a.header(); !strings.Contains(h, "ann leads the room") || strings.Contains(h, "not leading") || strings.Contains(h, "leading the room") {
		t.Fatalf("a second instructor's line: %q", h)
	}
	a.press("F")
	if len(room.leads) != 0 || room.status.You {
		t.Fatalf("F took the lead without asking: %v", room.leads)
	}
	if h := a.header(); !strings.Contains(h, "take the lead from ann? y yes · n/esc no") {
		t.Fatalf("F did not ask: %q", h)
	}
	if f := sshTestFooter(a); !strings.Contains(f, "yes, take over the lead") {
		t.Errorf("the footer while asking: %q", f)
	}
	a.press("l") // waits for the answer: not a step
	if a.pl().tl.cur != -1 || len(room.leads) != 0 {
		t.Fatalf("a key while asking moved or led: index %d, leads %v", a.pl().tl.cur, room.leads)
	}
	a.press(k)
	if len(room.leads) != 1 || room.leads[0].Scenario != "login" || !strings.Contains(a.header(), "leading the room") {
		t.Fatalf("%s: leads %v, header %q", k, room.leads, a.header())
	}
}

// n or esc leaves the lead with the other instructor (esc does not leave
// the lesson either).
func ldTestKeepOff(t *testing.T, k string) {
	a, room := ldTestOtherLeads(t)
	a.press("F", k)
	if len(room.leads) != 0 || a.root().screen != screenPlayer {
		t.Fatalf("%s: leads %v, screen %d", k, room.leads, a.root().screen)
	}
	if h := a.header(); !strings.Contains(h, "ann leads the room") || !strings.Contains(h, "the lead stays where it is") {
		t.Fatalf("%s: header %q", k, a.header())
	}
	a.press("l")
	if a.pl().tl.cur != 0 || len(room.leads) != 0 {
		t.Fatalf("after %s a step: index %d, pushed %v", k, a.pl().tl.cur, room.leads)
	}
}

// The instructor whose lead was taken hears of it from the room (a
// RoomChangedMsg), and its steps no longer move the room.
func TestRoomLeadTakenOver(t *testing.T) {
	a, room := sshTestApp(t, true, "login")
	a.press("F")
	if !strings.Contains(a.header(), "leading the room") {
		t.Fatalf("F: %q", a.header())
	}
	room.status = RoomStatus{Attendees: 3, Leading: true, Leader: "bob"}
	a.send(RoomChangedMsg{})
	if h := a.header(); !strings.Contains(h, "bob took over the lead") || strings.Contains(h, "leading the room") {
		t.Fatalf("after a take-over: %q", h)
	}
	n := len(room.leads)
	a.press("l")
	if len(room.leads) != n {
		t.Fatalf("a step after losing the lead was pushed: %v", room.leads[n:])
	}
	if h := a.header(); !strings.Contains(h, "bob leads the room") || strings.Contains(h, "took over") {
		t.Fatalf("a key after the take-over: %q", h)
	}
	// Two instructors may share a user name: the line says which.
	room.status.Namesake, room.status.Leader = true, "instructor"
	a.send(RoomChangedMsg{})
	if h := a.header(); !strings.Contains(h, "instructor (another session) leads the room") {
		t.Fatalf("a namesake leads: %q", h)
	}
}

// Z resets the count of the quiz at the instructor's step; a follower at
// that step may answer again, and a new run clears every answer.
func ldTestResetCount(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "login")
	a.press("F", k)
	if len(room.resets) != 0 || !strings.Contains(a.header(), "no quiz at this step") {
		t.Fatalf("%s before the quiz: resets %v, header %q", k, room.resets, a.header())
	}
	a.press("l", k)
	if len(room.resets) != 1 || room.resets[0] != sshTestQuizStep || !strings.Contains(a.root().room.note, "count reset") {
		t.Fatalf("%s at the quiz: resets %v, note %q", k, room.resets, a.root().room.note)
	}

	f, froom := sshTestApp(t, false, "")
	at := FollowMsg{Scenario: "login", Step: sshTestQuizStep, Run: 1}
	f.send(at)
	f.press("2")
	at.Reset = 1
	f.send(at)
	if f.pl().tl.answered[f.pl().tl.cur] != 0 {
		t.Fatal("a reset count left the follower's answer")
	}
	f.press("3")
	if len(froom.answers) != 2 || froom.answers[1].choice != 3 || froom.answers[1].at.Run != 1 {
		t.Fatalf("answers %v, want 2 then 3, in run 1", froom.answers)
	}
	at.Run = 2
	f.send(at)
	if len(f.pl().tl.answered) != 0 {
		t.Fatalf("a new run left answers: %v", f.pl().tl.answered)
	}
}

// A reconnect's world is given back with its answers (Rejoin), and the
// new room's first push, of the run they were given in, keeps them. Only
// a change of run seen clears them.
func TestRoomFirstRunKeepsAnswers(t *testing.T) {
	f, _ := sshTestApp(t, false, "")
	at := FollowMsg{Scenario: "login", Step: sshTestQuizStep, Run: 3, Reset: 2}
	f.send(at)
	f.press("2")
	f.m = f.root().Rejoin(&sshTestRoom{})
	f.send(at) // the new room's Join
	if f.pl().tl.answered[0] != 2 {
		t.Fatalf("the first follow after a reconnect cleared the answers: %v", f.pl().tl.answered)
	}
	at.Run = 4
	f.send(at)
	if len(f.pl().tl.answered) != 0 {
		t.Fatalf("a new run left the answers: %v", f.pl().tl.answered)
	}
}

// A lesson opened anew and led is a new run; steps and a take-over of the
// lesson already open are not.
func TestRoomRuns(t *testing.T) {
	a, room := sshTestApp(t, true, "login")
	a.press("F", "l")
	a.press("esc", "enter") // the login lesson again, from the picker
	if len(room.runs) != 3 || !room.runs[0] || room.runs[1] || !room.runs[2] {
		t.Fatalf("runs %v, want true (F), false (a step), true (opened anew)", room.runs)
	}
	a.press("X", "F")
	if len(room.runs) != 4 || room.runs[3] {
		t.Fatalf("F again with the same lesson open: runs %v, want false", room.runs)
	}
}

// B opens a prompt on the instructor's line; letters are text there (F
// does not lead); enter sends it cleaned; esc cancels.
func ldTestBroadcast(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "login")
	a.press(k)
	if a.root().room.prompt == nil || !strings.Contains(a.header(), "message the room:") {
		t.Fatalf("%s: no prompt, header %q", k, a.header())
	}
	if f := sshTestFooter(a); !strings.Contains(f, "enter send to the room") || !strings.Contains(f, "esc cancel") {
		t.Errorf("the prompt's footer: %q", f)
	}
	ldTestType(a, "Five minutes: look at the Attacker tab (F X l)")
	if len(room.leads) != 0 || a.pl().tl.cur != -1 {
		t.Fatalf("keys typed in the prompt acted: leads %v, index %d", room.leads, a.pl().tl.cur)
	}
	a.press("enter")
	a.send(tea.WindowSizeMsg{Width: 200, Height: 30}) // the whole line
	if len(room.broadcasts) != 1 || room.broadcasts[0] != "Five minutes: look at the Attacker tab (F X l)" {
		t.Fatalf("sent %q", room.broadcasts)
	}
	if h := a.header(); !strings.Contains(h, "message on screens: Five minutes") {
		t.Fatalf("the instructor's line after sending: %q", h)
	}

	f, _ := sshTestApp(t, false, "")
	f.send(FollowMsg{Scenario: "login", Step: 1})
	f.send(BroadcastMsg{From: "ann", Text: "5-minute break"})
	if h := f.header(); !strings.HasPrefix(h, "message from ann: 5-minute break · ") {
		t.Fatalf("the attendee's line: %q", h)
	}
	f.send(FollowMsg{Scenario: "login", Step: 1, Reset: 1}) // the same step: the message stays
	if !strings.Contains(f.header(), "5-minute break") {
		t.Fatalf("a reset at the same step dropped the message: %q", f.header())
	}
	f.send(FollowMsg{Scenario: "login", Step: 2})
	if strings.Contains(f.header(), "5-minute break") {
		t.Fatalf("the message outlived the step: %q", f.header())
	}
	// An attendee at the picker, not led, sees it too.
	p, _ := sshTestApp(t, false, "")
	p.send(BroadcastMsg{From: "ann", Text: "we start at 10"})
	if !strings.Contains(p.header(), "message from ann: we start at 10") {
		t.Fatalf("at the picker: %q", p.header())
	}
}

// enter sends what was typed, and an empty prompt clears the message.
func ldTestSend(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "")
	a.press("B")
	ldTestType(a, "hello")
	a.press(k)
	if len(room.broadcasts) != 1 || room.broadcasts[0] != "hello" || a.root().room.prompt != nil {
		t.Fatalf("%s: sent %q", k, room.broadcasts)
	}
	a.press("B") // the prompt opens with the message in force
	for range "hello" {
		a.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	a.press(k)
	if len(room.broadcasts) != 2 || room.broadcasts[1] != "" || !strings.Contains(a.header(), "the room's message is cleared") {
		t.Fatalf("%s on an empty prompt: sent %q, header %q", k, room.broadcasts, a.header())
	}
}

// esc closes the prompt and sends nothing; the lesson stays in front.
func ldTestCancel(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "login")
	a.press("B")
	ldTestType(a, "oops")
	a.press(k)
	if len(room.broadcasts) != 0 || a.root().room.prompt != nil || a.root().screen != screenPlayer {
		t.Fatalf("%s: sent %q, prompt open %v, screen %d", k, room.broadcasts, a.root().room.prompt != nil, a.root().screen)
	}
	if !strings.Contains(a.header(), "nothing sent") {
		t.Fatalf("%s: header %q", k, a.header())
	}
}

// A message keeps printable text only, capped: what one user types must
// not reach other users' terminals as control sequences.
func TestCleanBroadcast(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"5-minute break", "5-minute break"},
		{"  look\tat\r\nthe   Attacker tab ", "look at the Attacker tab"},
		{"\x1b[2J\x1b[Hclear", "clear"},
		{"title\x1b]0;pwned\x07 here", "title here"},
		{"clip\x1b]52;c;aGk=\x1b\\board", "clipboard"},
		{"bell\x07 and bare\x1b", "bell and bare"},
		{"c1 \u009b31m csi", "c1 31m csi"},
		{"bidi \u202egnp.exe", "bidi gnp.exe"},
		{"héllo — ✓", "héllo — ✓"},
		{strings.Repeat("é", 200), strings.Repeat("é", BroadcastLimit)},
	} {
		if got := CleanBroadcast(tc.in); got != tc.want {
			t.Errorf("CleanBroadcast(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The instructor's what-if goes with the step; a follower's lesson runs
// under it and says so; f and a pull close a menu and drop the follower's
// own what-if; the follower's answer says the policy it was given under.
func TestRoomWhatIfPush(t *testing.T) {
	in, room := sshTestApp(t, true, "login")
	in.press("F", "l")
	in.press("w", "1", "2") // rotation off
	last := room.leads[len(room.leads)-1]
	if last.Step != 1 || last.WhatIf != (WhatIf{Set: "rotation=false"}) {
		t.Fatalf("pushed %+v, want step 1 under rotation off", last)
	}
	last.Run = 1 // as the workshop's room numbers runs (the test room does not)

	f, froom := sshTestApp(t, false, "")
	f.send(last)
	if got := f.lesson().applied.share(); got != last.WhatIf {
		t.Fatalf("the follower runs under %+v", got)
	}
	if h := f.header(); !strings.Contains(h, "what-if: refresh-token rotation off") {
		t.Fatalf("the follower's line does not name the what-if: %q", h)
	}
	f.press("2")
	if len(froom.answers) != 1 || froom.answers[0].at.WhatIf != last.WhatIf {
		t.Fatalf("answers %v, want one under the instructor's what-if", froom.answers)
	}

	// Away, the follower picks a what-if of its own and leaves a menu open.
	f.press("x", "w", "1", "1") // rotation on
	f.press("w")
	if f.pl().menu() == nil || f.lesson().applied.share() == last.WhatIf {
		t.Fatal("away, the follower could not change the what-if")
	}
	f.press("f")
	if f.pl().menu() != nil || f.lesson().applied.share() != last.WhatIf {
		t.Fatalf("f: menu open %v, what-if %+v", f.pl().menu() != nil, f.lesson().applied.share())
	}
	// The instructor goes back to the lesson's own policy: so do followers.
	f.send(FollowMsg{Scenario: "login", Step: 1, Run: last.Run})
	if f.lesson().applied.share() != (WhatIf{}) || strings.Contains(f.header(), "what-if") || !strings.Contains(f.pl().status, "under its own policy") {
		t.Fatalf("back to the own policy: %+v, header %q", f.lesson().applied.share(), f.header())
	}
	// The policy shown changed, so the room predicts afresh: the answer
	// given under rotation off is gone, and the next counts under this one.
	if len(f.pl().tl.answered) != 0 {
		t.Fatalf("the instructor's what-if changed and the follower's answers stayed: %v", f.pl().tl.answered)
	}
	f.press("3")
	if n := len(froom.answers); n != 2 || froom.answers[1].at.WhatIf != (WhatIf{}) || froom.answers[1].choice != 3 {
		t.Fatalf("answers %v, want a second one under the lesson's own policy", froom.answers)
	}
}

// The full help of an instructor at a quiz fits the smallest terminal, and
// names the room's keys; at 80 columns the footer starts with them.
func TestRoomInstructorHelp(t *testing.T) {
	a, _ := sshTestApp(t, true, "login")
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.press("F", "l")
	if f := sshTestFooter(a); !strings.HasPrefix(strings.TrimSpace(f), "X release the room • Z reset count • 1–3 answer the quiz • W who's here") {
		t.Errorf("the instructor's footer at 80 columns: %q", f)
	}
	a.send(tea.WindowSizeMsg{Width: MinWidth, Height: MinHeight})
	a.press("?")
	s := a.text()
	for _, want := range []string{"release the room", "reset count", "broadcast"} {
		if !strings.Contains(s, want) {
			t.Errorf("the full help at %dx%d lacks %q:\n%s", MinWidth, MinHeight, want, s)
		}
	}
	if n := len(strings.Split(s, "\n")); n > MinHeight {
		t.Errorf("the full help has %d lines", n)
	}
}

// In the sandbox, whose full help fills 60×16 already, the room's keys
// join its last group and fit too.
func TestRoomInstructorSandboxHelp(t *testing.T) {
	room := &sshTestRoom{status: RoomStatus{Attendees: 3}}
	a := btNewApp(t, Options{Catalogue: tuitest.Catalogue(t), Room: room, Instructor: true, NoExport: true, Sandbox: true}, MinWidth, MinHeight)
	a.press("F", "?")
	s := a.text()
	for _, want := range []string{"release the room", "broadcast", "every action", "quit"} {
		if !strings.Contains(s, want) {
			t.Errorf("the instructor's sandbox help at %dx%d lacks %q:\n%s", MinWidth, MinHeight, want, s)
		}
	}
}

// A reconnect remembers the run its world last followed: pushed another
// run (the instructor opened the lesson anew while the attendee was
// gone), the earlier run's answers go, so the attendee predicts again and
// is counted.
func TestRejoinNewRunClearsAnswers(t *testing.T) {
	f, _ := sshTestApp(t, false, "")
	at := FollowMsg{Scenario: "login", Step: sshTestQuizStep, Run: 3}
	f.send(at)
	f.press("2")
	l := f.lesson()
	f.m = f.root().Rejoin(&sshTestRoom{})
	at.Run = 4
	f.send(at) // the new room's Join, in a new run
	if f.lesson() != l || f.root().ws.kept != nil {
		t.Fatal("the lesson followed before the reconnect was taken for the attendee's own")
	}
	if len(f.pl().tl.answered) != 0 {
		t.Fatalf("a reconnect into a new run kept the earlier run's answers: %v", f.pl().tl.answered)
	}
}
