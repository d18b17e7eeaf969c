package tui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// KeyMap is every key binding, nested by the context it works in. The keys
// are the ones users of terminal players expect (issue 4 lists them); keep
// them. No key is named outside this file: code matches bindings.
type KeyMap struct {
	Quit, Help, Back key.Binding // everywhere

	Picker  PickerKeys
	Filter  FilterKeys // while a picker filter is typed
	Player  PlayerKeys // a lesson, the sandbox and the live view (the stepper)
	Sandbox SandboxKeys
	// Challenge is a challenge's own (challenge.go); its actions are the
	// sandbox's keys, those it does not allow switched off.
	Challenge ChallengeKeys
	Menu      MenuKeys   // an open menu
	Prompt    PromptKeys // the sandbox's duration prompt
	Room      RoomKeys   // workshop over SSH (tokensim ssh)

	// Presence: the workshop's who's here and names (presence_keys.go).
	Presence PresenceKeys
}

// PickerKeys are the lesson picker's.
type PickerKeys struct{ Open, Sandbox, Filter, Challenges key.Binding }

// ChallengeKeys are a challenge's: a menu of every action it allows (some
// have no sandbox key), and a fresh attempt.
type ChallengeKeys struct{ Actions, Restart, Whole key.Binding }

// FilterKeys are shown while a filter is typed: enter keeps the filter (it
// does not open a lesson), esc drops it, and letters are text (q does not
// quit). The list itself handles them.
type FilterKeys struct{ Apply, Cancel, Quit key.Binding }

// PlayerKeys move through a run's steps and its inspector.
type PlayerKeys struct {
	Next, Prev, First, Last      key.Binding
	Autoplay, Faster, Slower     key.Binding
	NextTab, PrevTab             key.Binding
	Tab1, Tab2, Tab3, Tab4, Tab5 key.Binding
	WhatIf, Export               key.Binding
	NextHop, PrevHop             key.Binding // exchange by exchange (hop.go); a token on the Tokens tab
	Copy                         key.Binding // the selected token or exchange (clipboard.go)
	ScrollUp, ScrollDown         key.Binding
	DiagramUp, DiagramDown       key.Binding // scroll the diagram
	Answer1, Answer2, Answer3    key.Binding
	Answer4, Answer5             key.Binding
}

// SandboxKeys are the sandbox's actions.
type SandboxKeys struct {
	Login, Call, Refresh, Logout, Revoke key.Binding
	Advance, Steal                       key.Binding
	AttackCall, AttackRefresh, Ride      key.Binding
	Forge, Race, Validation              key.Binding
	// the AS session's layers (curriculum idea 10)
	Forget, EndSession, SilentLogin key.Binding
	// Actions lists every action, those without a key of their own too.
	Actions key.Binding
}

// MenuKeys are an open menu's: a digit picks a choice, the arrows move,
// enter picks the selected one, esc closes it. Pick and Move are what the
// help shows for the digits and for Up and Down.
// NextPage and PrevPage turn the pages of a menu of more than nine
// choices (or more than fit): each page numbers its choices 1 to 9, so
// that every choice has a key.
type MenuKeys struct {
	Pick, Move, Up, Down, Choose, Cancel key.Binding
	NextPage, PrevPage                   key.Binding
}

// PromptKeys are the duration prompt's; every other key is text.
type PromptKeys struct{ Enter key.Binding }

// RoomKeys are the workshop's: an attendee steps away from the instructor
// and follows again; the instructor leads and releases, answers the
// question F asks when another instructor leads (TakeOver, KeepOff),
// resets the quiz count of a step, and sends the room a message (a one-line
// prompt: Send, Cancel).
type RoomKeys struct {
	StepAway, Rejoin, Lead, Release key.Binding
	TakeOver, KeepOff               key.Binding
	ResetCount                      key.Binding
	Broadcast, Send, Cancel         key.Binding
}

// PresenceKeys are the workshop's too: the instructor's overview of who
// is here (W: "who", the letter free everywhere an instructor is) and an
// attendee's display name at the picker (N).
type PresenceKeys struct{ Overview, Name key.Binding }

// DefaultKeyMap returns the bindings.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit: b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help: b([]string{"?"}, "?", "help"),
		Back: b([]string{"esc"}, "esc", "back"),

		Picker: PickerKeys{
			Open:    b([]string{"enter"}, "enter", "open"),
			Sandbox: b([]string{"s"}, "s", "sandbox"),
			Filter:  b([]string{"/"}, "/", "filter"),
			// C: lessons and challenges, one list at a time.
			Challenges: b([]string{"C"}, "C", "lessons/challenges"),
		},
		Challenge: ChallengeKeys{
			Actions: b([]string{"m"}, "m", "allowed actions"),
			Restart: b([]string{"z"}, "z", "start the challenge again"),
			// t: the whole goal and verdict, when the panel cannot hold it.
			Whole: b([]string{"t"}, "t", "whole goal and verdict"),
		},
		Filter: FilterKeys{
			Apply:  b([]string{"enter"}, "enter", "apply filter"),
			Cancel: b([]string{"esc"}, "esc", "cancel filter"),
			Quit:   b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		},
		Player: PlayerKeys{
			Next:       b([]string{"right", "l", "space", "n"}, "→/l/space", "next step"),
			Prev:       b([]string{"left", "h", "p"}, "←/h", "previous step"),
			First:      b([]string{"g", "home"}, "g", "first"),
			Last:       b([]string{"G", "end"}, "G", "last"),
			Autoplay:   b([]string{"a"}, "a", "autoplay"),
			Faster:     b([]string{"+", "="}, "+", "faster"),
			Slower:     b([]string{"-"}, "-", "slower"),
			NextTab:    b([]string{"tab"}, "tab", "next tab"),
			PrevTab:    b([]string{"shift+tab"}, "shift+tab", "previous tab"),
			Tab1:       b([]string{"1"}, "1-5", "tabs"),
			Tab2:       b([]string{"2"}, "2", "HTTP"),
			Tab3:       b([]string{"3"}, "3", "tokens"),
			Tab4:       b([]string{"4"}, "4", "server"),
			Tab5:       b([]string{"5"}, "5", "attacker"),
			WhatIf:     b([]string{"w"}, "w", "what-if"),
			Export:     b([]string{"e"}, "e", "export markdown"),
			NextHop:    b([]string{"]"}, "]", "next exchange"),
			PrevHop:    b([]string{"["}, "[", "previous exchange"),
			Copy:       b([]string{"y"}, "y", "copy token/curl"),
			ScrollUp:   b([]string{"up", "k", "pgup"}, "↑/k", "scroll up"),
			ScrollDown: b([]string{"down", "j", "pgdown"}, "↓/j", "scroll down"),
			Answer1:    b([]string{"1"}, "1-5", "answer"),
			Answer2:    b([]string{"2"}, "2", "answer 2"),
			Answer3:    b([]string{"3"}, "3", "answer 3"),
			Answer4:    b([]string{"4"}, "4", "answer 4"),
			Answer5:    b([]string{"5"}, "5", "answer 5"),

			DiagramUp:   b([]string{"{"}, "{", "diagram up"),
			DiagramDown: b([]string{"}"}, "}", "diagram down"),
		},
		Sandbox: SandboxKeys{
			Actions:       b([]string{"m"}, "m", "every action"),
			Login:         b([]string{"i"}, "i", "log in"),
			Call:          b([]string{"c"}, "c", "call the API"),
			Refresh:       b([]string{"r"}, "r", "refresh"),
			Logout:        b([]string{"o"}, "o", "log out"),
			Revoke:        b([]string{"v"}, "v", "admin revoke"),
			Advance:       b([]string{"d"}, "d", "advance time"),
			Steal:         b([]string{"s"}, "s", "steal a token"),
			AttackCall:    b([]string{"A"}, "A", "attacker calls"),
			AttackRefresh: b([]string{"R"}, "R", "attacker refreshes"),
			Ride:          b([]string{"P"}, "P", "attacker rides the session"),
			Forge:         b([]string{"J"}, "J", "attacker forges a JWT"),
			Race:          b([]string{"T"}, "T", "two tabs refresh at once"),
			Validation:    b([]string{"V"}, "V", "API validation profile"),
			Forget:        b([]string{"u"}, "u", "app forgets its tokens"),
			EndSession:    b([]string{"O"}, "O", "log out at the AS"),
			SilentLogin:   b([]string{"L"}, "L", "script logs in silently"),
		},
		Menu: MenuKeys{
			Pick:     b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1-9", "choose"),
			Move:     b([]string{"up", "down"}, "↑/↓", "move"),
			Up:       b([]string{"up", "k"}, "↑/k", "previous choice"),
			Down:     b([]string{"down", "j"}, "↓/j", "next choice"),
			Choose:   b([]string{"enter"}, "enter", "choose"),
			Cancel:   b([]string{"esc"}, "esc", "cancel"),
			NextPage: b([]string{"pgdown"}, "PgDn", "next page"),
			PrevPage: b([]string{"pgup"}, "PgUp", "previous page"),
		},
		Prompt: PromptKeys{
			Enter: b([]string{"enter"}, "enter", "advance"),
		},
		Presence: PresenceKeys{
			Overview: b([]string{"W"}, "W", "who's here"),
			Name:     b([]string{"N"}, "N", "your name"),
		},
		Room: RoomKeys{
			StepAway: b([]string{"x"}, "x", "step away from the instructor"),
			Rejoin:   b([]string{"f"}, "f", "follow the instructor again"),
			Lead:     b([]string{"F"}, "F", "follow me: lead the room"),
			Release:  b([]string{"X"}, "X", "release the room"),
			TakeOver: b([]string{"y"}, "y", "yes, take over the lead"),
			KeepOff:  b([]string{"n", "esc"}, "n/esc", "no, leave the lead"),
			// Z and B: no sandbox action or player key uses them (the
			// challenge's z is lower-case).
			ResetCount: b([]string{"Z"}, "Z", "reset count"),
			Broadcast:  b([]string{"B"}, "B", "broadcast"),
			Send:       b([]string{"enter"}, "enter", "send to the room"),
			Cancel:     b([]string{"esc"}, "esc", "cancel"),
		},
	}
}

// digit is the number of a digit key, 1 to 9 (Menu.Pick's keys), which
// answers a quiz, picks a tab or a menu's choice: the bindings that name
// each number (Tab1…, Answer1…) are for the help and the tests.
func (k *KeyMap) digit(msg tea.KeyPressMsg) (int, bool) {
	if !k.Menu.Pick.Enabled() {
		return 0, false
	}
	i := slices.Index(k.Menu.Pick.Keys(), msg.String())
	return i + 1, i >= 0
}

// pickerHelp is the picker's help.
type pickerHelp struct{ k *KeyMap }

func (h pickerHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Picker.Open, h.k.Picker.Filter, h.k.Picker.Sandbox, h.k.Picker.Challenges, h.k.Help, h.k.Quit}
}
func (h pickerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.k.Picker.Open, h.k.Picker.Filter, h.k.Picker.Sandbox, h.k.Picker.Challenges}, {h.k.Player.ScrollUp, h.k.Player.ScrollDown}, {h.k.Help, h.k.Quit}}
}

// challengeHelp is a challenge's help: its own keys, then the sandbox's
// that it allows (the others are switched off, so the help omits them).
type challengeHelp struct{ k *KeyMap }

func (h challengeHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Challenge.Actions, h.k.Challenge.Restart, h.k.Player.NextTab, h.k.Help, h.k.Back}
}
func (h challengeHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Challenge.Actions, h.k.Challenge.Restart, h.k.Challenge.Whole, h.k.Player.WhatIf},
		{h.k.Sandbox.Login, h.k.Sandbox.Call, h.k.Sandbox.Refresh, h.k.Sandbox.Logout, h.k.Sandbox.Revoke},
		{h.k.Sandbox.Advance, h.k.Sandbox.Steal, h.k.Sandbox.AttackCall, h.k.Sandbox.AttackRefresh, h.k.Sandbox.Ride},
		{h.k.Sandbox.Forge, h.k.Sandbox.Race, h.k.Sandbox.Validation, h.k.Sandbox.Forget, h.k.Sandbox.EndSession, h.k.Sandbox.SilentLogin},
		{h.k.Player.Prev, h.k.Player.Next, h.k.Player.NextTab, h.k.Player.Tab1, h.k.Player.NextHop, h.k.Player.Copy},
		{h.k.Help, h.k.Back, h.k.Quit},
	}
}

// filterHelp is the picker's help while a filter is typed (FilterKeys).
type filterHelp struct{ k *KeyMap }

func (h filterHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Filter.Apply, h.k.Filter.Cancel, h.k.Filter.Quit}
}
func (h filterHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// playerHelp is the player's help.
type playerHelp struct{ k *KeyMap }

func (h playerHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Player.Next, h.k.Player.Prev, h.k.Player.NextTab, h.k.Player.WhatIf, h.k.Help, h.k.Back}
}
func (h playerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Player.Next, h.k.Player.Prev, h.k.Player.First, h.k.Player.Last},
		{h.k.Player.Autoplay, h.k.Player.Faster, h.k.Player.Slower},
		{h.k.Player.NextTab, h.k.Player.PrevTab, h.k.Player.Tab1, h.k.Player.ScrollUp, h.k.Player.ScrollDown},
		{h.k.Player.Answer1, h.k.Player.NextHop, h.k.Player.PrevHop, h.k.Player.Copy, h.k.Player.DiagramUp, h.k.Player.DiagramDown, h.k.Player.WhatIf, h.k.Player.Export},
		{h.k.Help, h.k.Back, h.k.Quit},
	}
}

// serveHelp is the live view's (tokensim serve --tui): no what-if, export
// or lesson picker there, and q stops the server.
type serveHelp struct{ k *KeyMap }

func (h serveHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Player.Next, h.k.Player.Prev, h.k.Player.Last, h.k.Player.NextTab, h.k.Help, h.k.Quit}
}
func (h serveHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Player.Next, h.k.Player.Prev, h.k.Player.First, h.k.Player.Last},
		{h.k.Player.NextTab, h.k.Player.PrevTab, h.k.Player.Tab1, h.k.Player.ScrollUp, h.k.Player.ScrollDown},
		{h.k.Player.NextHop, h.k.Player.PrevHop, h.k.Player.Copy, h.k.Player.DiagramUp, h.k.Player.DiagramDown},
		{h.k.Help, h.k.Quit},
	}
}

// sandboxHelp is the sandbox's help.
type sandboxHelp struct{ k *KeyMap }

func (h sandboxHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Sandbox.Login, h.k.Sandbox.Call, h.k.Sandbox.Advance, h.k.Sandbox.Steal, h.k.Sandbox.AttackRefresh, h.k.Help, h.k.Back}
}
func (h sandboxHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Sandbox.Login, h.k.Sandbox.Call, h.k.Sandbox.Refresh, h.k.Sandbox.Logout, h.k.Sandbox.Revoke},
		{h.k.Sandbox.Advance, h.k.Sandbox.Steal, h.k.Sandbox.AttackCall, h.k.Sandbox.AttackRefresh, h.k.Sandbox.Ride},
		{h.k.Sandbox.Forge, h.k.Sandbox.Race, h.k.Sandbox.Validation},
		{h.k.Sandbox.Forget, h.k.Sandbox.EndSession, h.k.Sandbox.SilentLogin},
		{h.k.Player.Prev, h.k.Player.Next, h.k.Player.NextTab, h.k.Player.Tab1, h.k.Player.NextHop, h.k.Player.Copy, sandboxWhatIf(h.k), h.k.Player.Export},
		// m beside help: the list of every action is help of a kind,
		// and this column has the rows to spare at 60×16.
		{h.k.Sandbox.Actions, h.k.Help, h.k.Back, h.k.Quit},
	}
}

// sandboxWhatIf is w as the sandbox's help names it: there it changes the
// policy from now on or restarts with another app; nothing is replayed.
func sandboxWhatIf(k *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(k.Player.WhatIf.Keys()...), key.WithHelp(k.Player.WhatIf.Help().Key, "policy, restart"))
}

// digitRange names the digits 1 to n as a help or a status says them:
// "1" for one, "1–4" for four. Menus and quizzes name the keys they
// accept, not the "1-9" a KeyMap binding holds.
func digitRange(n int) string {
	if n <= 1 {
		return "1"
	}
	return fmt.Sprintf("1–%d", n)
}
