package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// sshTestPresence is what the fake room keeps of presence.
type sshTestPresence struct {
	reports   []Presence
	name      string // as SetName set it
	user      string // the user name
	attendees []Attendee
}

func (r *sshTestRoom) Report(p Presence) { r.pres.reports = append(r.pres.reports, p) }
func (r *sshTestRoom) SetName(n string) string {
	r.pres.name = DisplayName(n)
	return r.Name()
}
func (r *sshTestRoom) Name() string {
	if r.pres.name != "" {
		return r.pres.name
	}
	return r.pres.user
}
func (r *sshTestRoom) Attendees() []Attendee { return r.pres.attendees }

func init() {
	btBindingTests["Presence.Overview"] = sshTestOverview
	btBindingTests["Presence.Name"] = sshTestName
}

// sshTestRows is a room of n attendees, "att001" upward, following at
// login's step 2 (a quiz), the odd ones having answered it.
func sshTestRows(n int) []Attendee {
	var rows []Attendee
	for i := n; i >= 1; i-- { // the overview sorts them
		rows = append(rows, Attendee{Name: fmt.Sprintf("att%03d", i), Presence: Presence{
			Place: InLesson, Scenario: "login", Step: 2, Steps: 9, Quiz: true, Answered: i%2 == 1, Following: true}})
	}
	return rows
}

// W opens the instructor's overview: each attendee's name, following or
// away, where, and whether it answered, in words; it updates live as the
// room changes, scrolls when the room is larger than the screen, and esc
// (or W again) closes it. An attendee's W does nothing.
func sshTestOverview(t *testing.T, k string) {
	a, room := sshTestApp(t, true, "login")
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	room.pres.attendees = []Attendee{
		{Name: "Ada L", Presence: Presence{Place: InLesson, Scenario: "login", Step: 2, Steps: 9, Quiz: true, Answered: true, Following: true}},
		{Name: "bob", Presence: Presence{Place: InSandbox, Away: true}},
		{Name: "cy", Presence: Presence{Place: InLesson, Scenario: "login", Step: 2, Steps: 9, Quiz: true, Following: true}},
	}
	a.press(k)
	txt := a.text()
	for _, want := range []string{
		"Who's here: 3 attendees · 2 following · 1 stepped away",
		"Ada L", "▶ following", "login 2/9", "✓ answered",
		"bob", "◇ stepped away", "sandbox",
		"cy", "? not yet",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("the overview lacks %q:\n%s", want, txt)
		}
	}
	if f := sshTestFooter(a); !strings.Contains(f, "esc back") {
		t.Errorf("the overview's footer: %q", f)
	}
	// Live: the room changed while the overview is open.
	room.pres.attendees = append(room.pres.attendees, Attendee{Name: "dee", Presence: Presence{Place: InChallenge, Scenario: "stolen-refresh"}})
	a.send(RoomChangedMsg{})
	if txt := a.text(); !strings.Contains(txt, "4 attendees") || !strings.Contains(txt, "challenge stolen-refresh") {
		t.Errorf("after the room changed:\n%s", txt)
	}
	a.press("l") // the lesson's keys do not reach the lesson under the overview
	if a.pl().tl.cur != -1 {
		t.Errorf("l under the overview moved the lesson to index %d", a.pl().tl.cur)
	}
	a.press("esc")
	if strings.Contains(a.text(), "Who's here") || a.pl().tl.cur != -1 {
		t.Fatalf("esc: the overview is still open, or the lesson left (index %d):\n%s", a.pl().tl.cur, a.text())
	}
	// 200 attendees at 80×24: the rows that fit, and the keys to scroll.
	room.pres.attendees = sshTestRows(200)
	a.press(k)
	txt = a.text()
	if !strings.Contains(txt, "att001") || strings.Contains(txt, "att200") || !strings.Contains(txt, "rows 1–") || !strings.Contains(txt, "of 200") {
		t.Fatalf("200 attendees at 80×24:\n%s", txt)
	}
	a.press("G")
	if txt := a.text(); !strings.Contains(txt, "att200") || strings.Contains(txt, "att001") {
		t.Fatalf("G: the last rows are not shown:\n%s", txt)
	}
	a.press("g", "down")
	if txt := a.text(); strings.Contains(txt, "att001") || !strings.Contains(txt, "att002") {
		t.Fatalf("g, ↓: the rows from the second:\n%s", txt)
	}
	a.press(k)
	if strings.Contains(a.text(), "Who's here") {
		t.Fatalf("%s again did not close the overview", k)
	}
	b, broom := sshTestApp(t, false, "")
	broom.pres.attendees = sshTestRows(2)
	b.press(k)
	if strings.Contains(b.text(), "Who's here") {
		t.Fatalf("an attendee's %s opened the overview", k)
	}
}

// N at the picker asks an attendee for the name the room shows: enter
// sets it (sanitised), esc cancels; N elsewhere, or an instructor's, does
// nothing.
func sshTestName(t *testing.T, k string) {
	a, room := sshTestApp(t, false, "")
	room.pres.user = "ada"
	a.press(k)
	if txt := a.text(); !strings.Contains(txt, "Your name in the room") || !strings.Contains(sshTestFooter(a), "enter set the name") {
		t.Fatalf("%s: no prompt:\n%s", k, txt)
	}
	for range 3 { // the value is the name shown now, "ada": clear it
		a.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	sshTestType(a, "Ada  Lovelace q?x")
	a.press("enter")
	if room.pres.name != "Ada Lovelace q?x" || !strings.Contains(a.header(), "the room shows you as Ada Lovelace q?x") {
		t.Fatalf("enter: the room has %q; header %q", room.pres.name, a.header())
	}
	if a.root().screen != screenPicker || strings.Contains(a.text(), "Your name in the room") {
		t.Fatalf("after enter: screen %d, the prompt still open", a.root().screen)
	}
	a.press(k)
	sshTestType(a, "zz")
	a.press("esc")
	if room.pres.name != "Ada Lovelace q?x" || strings.Contains(a.text(), "Your name in the room") || a.root().screen != screenPicker {
		t.Fatalf("esc: the room has %q, or the prompt is open", room.pres.name)
	}
	a.press(k)
	a.send(FollowMsg{Scenario: "login", Step: 1}) // the room takes the screen: the prompt goes
	if a.root().ws.naming != nil || a.pl().tl.id != "login" {
		t.Fatal("a follow with the prompt open: the prompt stayed, or the lesson did not open")
	}
	in, iroom := sshTestApp(t, true, "")
	in.press(k)
	if iroom.pres.name != "" || strings.Contains(in.text(), "Your name in the room") {
		t.Fatalf("an instructor's %s opened the prompt", k)
	}
}

// Display names are printable, trimmed, at most 24 runes: nothing that a
// terminal would act on reaches the instructor's screen.
func TestDisplayName(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "",
		"   \t\n ":                    "",
		"Ada":                         "Ada",
		"  Ada \t\n Lovelace ":        "Ada Lovelace",
		"\x1b[2J\x1b[31mred\x1b[0m":   "red",
		"a\x07b\x00c\x7fd\u009be":     "abcde",
		"evil\u202egnp.exe":           "evilgnp.exe",
		"José 日本語":                    "José 日本語",
		"abcdefghijklmnopqrstuvwxyz":  "abcdefghijklmnopqrstuvwx",
		"abcdefghijklmnopqrstuvw xyz": "abcdefghijklmnopqrstuvw",
		"\xff\xfebad utf8":            "bad utf8",
	} {
		got := DisplayName(in)
		if got != want {
			t.Errorf("DisplayName(%q) = %q, want %q", in, got, want)
		}
		if n := utf8.RuneCountInString(got); n > MaxNameRunes {
			t.Errorf("DisplayName(%q) has %d runes", in, n)
		}
	}
}

// The room hears where a session stands when that changes, and only then:
// the picker, a followed step, its quiz answered, stepping away.
func TestPresenceReports(t *testing.T) {
	a, room := sshTestApp(t, false, "")
	if r := room.pres.reports; len(r) != 1 || r[0] != (Presence{}) {
		t.Fatalf("at the picker the room heard %+v, want one report of the picker", r)
	}
	a.press("down")
	a.send(tea.WindowSizeMsg{Width: 90, Height: 30})
	if n := len(room.pres.reports); n != 1 {
		t.Fatalf("nothing changed, %d reports", n)
	}
	a.send(FollowMsg{Scenario: "login", Step: sshTestQuizStep})
	steps := len(a.pl().tl.steps)
	at := Presence{Place: InLesson, Scenario: "login", Step: sshTestQuizStep, Steps: steps, Quiz: true, Following: true}
	a.press("2")
	answered := at
	answered.Answered = true
	a.press("x")
	away := answered
	away.Following, away.Away = false, true
	want := []Presence{{}, at, answered, away}
	if !slices.Equal(room.pres.reports, want) {
		t.Fatalf("reports\n%+v\nwant\n%+v", room.pres.reports, want)
	}
	a.press("s") // esc is refused while following, but not while away
	a.press("esc", "s")
	if last := room.pres.reports[len(room.pres.reports)-1]; last != (Presence{Place: InSandbox, Away: true}) {
		t.Fatalf("in the sandbox, away: the room last heard %+v", last)
	}
}

// sshTestType types s, a key per rune.
func sshTestType(a *btApp, s string) {
	a.tb.Helper()
	for _, r := range s {
		a.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// In a workshop the full help, the room's keys and W or N with it, fits
// the smallest screen: the instructor's at the picker, in a lesson it
// leads, in the sandbox and in the overview; an attendee's at the picker,
// in the name prompt and following.
func TestPresenceFullHelpFitsSmallest(t *testing.T) {
	type setup struct {
		instructor bool
		open       string
		keys       []string
		msgs       []tea.Msg
	}
	for name, s := range map[string]setup{
		"instructor picker":   {instructor: true},
		"instructor lesson":   {instructor: true, open: "login", keys: []string{"F"}},
		"instructor sandbox":  {instructor: true, keys: []string{"s"}},
		"instructor overview": {instructor: true, open: "login", keys: []string{"W"}},
		"attendee picker":     {},
		"attendee naming":     {keys: []string{"N"}},
		"attendee following":  {msgs: []tea.Msg{FollowMsg{Scenario: "login", Step: 1}}},
	} {
		a, room := sshTestApp(t, s.instructor, s.open)
		room.pres.attendees = sshTestRows(50)
		a.send(tea.WindowSizeMsg{Width: MinWidth, Height: MinHeight})
		for _, m := range s.msgs {
			a.send(m)
		}
		a.press(s.keys...)
		r := a.root()
		var km help.KeyMap = r.picker
		if r.screen == screenPlayer {
			km = r.player
		}
		km = r.withPresenceKeys(r.withRoomKeys(km))
		a.press("?")
		txt := a.text()
		for _, g := range km.FullHelp() {
			for _, b := range g {
				if b.Enabled() && !strings.Contains(txt, b.Help().Desc) {
					t.Errorf("%s at %d×%d: the full help lacks %q:\n%s", name, MinWidth, MinHeight, b.Help().Desc, txt)
				}
			}
		}
		if n := len(strings.Split(txt, "\n")); n > MinHeight {
			t.Errorf("%s: %d lines", name, n)
		}
	}
}

// The wheel scrolls the overview; a click lands on nothing under it (the
// lesson behind keeps its tab); a paste reaches the name prompt.
func TestPresenceMouseAndPaste(t *testing.T) {
	a, room := sshTestApp(t, true, "login")
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	room.pres.attendees = sshTestRows(100)
	a.press("W")
	a.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if txt := a.text(); strings.Contains(txt, "att001") || !strings.Contains(txt, "att002") {
		t.Fatalf("the wheel did not scroll the overview:\n%s", txt)
	}
	tab := a.pl().insp.tab
	for y := range 24 {
		for x := 0; x < 80; x += 4 {
			a.send(tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft})
		}
	}
	if a.pl().insp.tab != tab || a.pl().tl.cur != -1 || a.root().ws.overview == nil {
		t.Fatalf("clicks on the overview reached the lesson: tab %d (was %d), index %d", a.pl().insp.tab, tab, a.pl().tl.cur)
	}
	b, broom := sshTestApp(t, false, "")
	b.press("N")
	for range 10 {
		b.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	b.send(tea.PasteMsg{Content: "Grace\x1b[31m Hopper"})
	b.press("enter")
	if broom.pres.name != "Grace[31m Hopper" {
		t.Fatalf("pasted, the room has %q", broom.pres.name)
	}
}

// At 80 columns an attendee's picker footer offers N, and the
// instructor's lesson footer W.
func TestPresenceKeysInFooterAt80(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if f := sshTestFooter(a); !strings.Contains(f, "N your name") {
		t.Errorf("the attendee's picker footer at 80 columns: %q", f)
	}
	in, _ := sshTestApp(t, true, "login")
	in.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	in.press("F")
	if f := sshTestFooter(in); !strings.HasPrefix(strings.TrimSpace(f), "X release the room • →/l/space next step • W who's here • B broadcast") {
		t.Errorf("the leading instructor's footer at 80 columns: %q", f)
	}
}

// The name prompt shows the current name as if selected: the first
// character typed (or pasted) replaces it, as a new user expects; a
// first backspace or arrow edits it instead.
func TestNamePromptTypingReplaces(t *testing.T) {
	a, room := sshTestApp(t, false, "")
	room.pres.user = "ada"
	a.press("N", "A", "d", "a", "space", "L", ".", "enter")
	if room.pres.name != "Ada L." {
		t.Fatalf("typed over the user name, the room has %q, want %q", room.pres.name, "Ada L.")
	}
	a.press("N")
	a.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	a.press("enter")
	if room.pres.name != "Ada L" {
		t.Fatalf("a first backspace gave %q, want the name edited: %q", room.pres.name, "Ada L")
	}
	a.press("N")
	a.send(tea.PasteMsg{Content: "Grace Hopper"})
	a.press("enter")
	if room.pres.name != "Grace Hopper" {
		t.Fatalf("a first paste gave %q, want it to replace the name", room.pres.name)
	}
}

// An attendee who stepped away keeps their name prompt, and what they
// typed, when the room moves on: their screen does not move.
func TestNamePromptStaysWhenAway(t *testing.T) {
	a, _ := sshTestApp(t, false, "")
	a.send(FollowMsg{Scenario: "login", Step: 1, Run: 1})
	a.press("x", "esc") // away, back at the picker
	if a.root().screen != screenPicker {
		t.Fatalf("setup: screen %d, want the picker", a.root().screen)
	}
	a.press("N")
	sshTestType(a, "Ada")
	a.send(FollowMsg{Scenario: "login", Step: 2, Run: 1})
	if a.root().ws.naming == nil || a.root().screen != screenPicker {
		t.Fatal("the room's step closed an away attendee's prompt")
	}
	a.press("enter")
	if !strings.Contains(a.header(), "the room shows you as Ada") {
		t.Fatalf("what was typed is lost: %q", a.header())
	}
}
