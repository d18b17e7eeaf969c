package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding, grouped by screen. The keys are the ones
// users of terminal players expect (issue 4 lists them); keep them.
type KeyMap struct {
	Quit, Help, Back key.Binding

	// picker
	Open, Sandbox, Filter key.Binding

	// player and sandbox
	Next, Prev, First, Last      key.Binding
	Autoplay, Faster, Slower     key.Binding
	NextTab, PrevTab             key.Binding
	Tab1, Tab2, Tab3, Tab4, Tab5 key.Binding
	WhatIf, Export               key.Binding
	ScrollUp, ScrollDown         key.Binding
	Answer1, Answer2, Answer3    key.Binding
	Answer4, Answer5             key.Binding

	// sandbox actions
	Login, Call, Refresh, Logout, Revoke key.Binding
	Advance, Steal                       key.Binding
	AttackCall, AttackRefresh, Ride      key.Binding
	Forge, Race, Validation              key.Binding
	// the AS session's layers (curriculum idea 10)
	Forget, EndSession, SilentLogin key.Binding

	// workshop over SSH (tokensim ssh): an attendee steps away from the
	// instructor and follows again; the instructor leads and releases
	StepAway, Rejoin, Lead, Release key.Binding
}

// DefaultKeyMap returns the bindings.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit: b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help: b([]string{"?"}, "?", "help"),
		Back: b([]string{"esc"}, "esc", "back"),

		Open:    b([]string{"enter"}, "enter", "open"),
		Sandbox: b([]string{"s"}, "s", "sandbox"),
		Filter:  b([]string{"/"}, "/", "filter"),

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
		ScrollUp:   b([]string{"up", "k", "pgup"}, "↑/k", "scroll up"),
		ScrollDown: b([]string{"down", "j", "pgdown"}, "↓/j", "scroll down"),
		Answer1:    b([]string{"1"}, "1-5", "answer"),
		Answer2:    b([]string{"2"}, "2", "answer 2"),
		Answer3:    b([]string{"3"}, "3", "answer 3"),
		Answer4:    b([]string{"4"}, "4", "answer 4"),
		Answer5:    b([]string{"5"}, "5", "answer 5"),

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

		StepAway: b([]string{"x"}, "x", "step away from the instructor"),
		Rejoin:   b([]string{"f"}, "f", "follow the instructor again"),
		Lead:     b([]string{"F"}, "F", "follow me: lead the room"),
		Release:  b([]string{"X"}, "X", "release the room"),
	}
}

// pickerHelp is the picker's help.
type pickerHelp struct{ k *KeyMap }

func (h pickerHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Open, h.k.Filter, h.k.Sandbox, h.k.Help, h.k.Quit}
}
func (h pickerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.k.Open, h.k.Filter, h.k.Sandbox}, {h.k.ScrollUp, h.k.ScrollDown}, {h.k.Help, h.k.Quit}}
}

// filterHelp is the picker's help while a filter is typed: enter keeps
// the filter (it does not open a lesson), esc drops it, and letters are
// text (q does not quit).
type filterHelp struct{ k *KeyMap }

var (
	filterApply  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter"))
	filterCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel filter"))
	filterQuit   = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
)

func (h filterHelp) ShortHelp() []key.Binding {
	return []key.Binding{filterApply, filterCancel, filterQuit}
}
func (h filterHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// playerHelp is the player's help.
type playerHelp struct{ k *KeyMap }

func (h playerHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Next, h.k.Prev, h.k.NextTab, h.k.WhatIf, h.k.Help, h.k.Back}
}
func (h playerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Next, h.k.Prev, h.k.First, h.k.Last},
		{h.k.Autoplay, h.k.Faster, h.k.Slower},
		{h.k.NextTab, h.k.PrevTab, h.k.Tab1, h.k.ScrollUp, h.k.ScrollDown},
		{h.k.Answer1, h.k.WhatIf, h.k.Export},
		{h.k.Help, h.k.Back, h.k.Quit},
	}
}

// serveHelp is the live view's (tokensim serve --tui): no what-if, export
// or lesson picker there, and q stops the server.
type serveHelp struct{ k *KeyMap }

func (h serveHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Next, h.k.Prev, h.k.Last, h.k.NextTab, h.k.Help, h.k.Quit}
}
func (h serveHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Next, h.k.Prev, h.k.First, h.k.Last},
		{h.k.NextTab, h.k.PrevTab, h.k.Tab1, h.k.ScrollUp, h.k.ScrollDown},
		{h.k.Help, h.k.Quit},
	}
}

// sandboxHelp is the sandbox's help.
type sandboxHelp struct{ k *KeyMap }

func (h sandboxHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Login, h.k.Call, h.k.Advance, h.k.Steal, h.k.AttackRefresh, h.k.Help, h.k.Back}
}
func (h sandboxHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Login, h.k.Call, h.k.Refresh, h.k.Logout, h.k.Revoke},
		{h.k.Advance, h.k.Steal, h.k.AttackCall, h.k.AttackRefresh, h.k.Ride},
		{h.k.Forge, h.k.Race, h.k.Validation},
		{h.k.Forget, h.k.EndSession, h.k.SilentLogin},
		{h.k.Prev, h.k.Next, h.k.NextTab, h.k.Tab1, sandboxWhatIf(h.k), h.k.Export},
		{h.k.Help, h.k.Back, h.k.Quit},
	}
}

// sandboxWhatIf is w as the sandbox's help names it: there it changes the
// policy from now on or restarts with another app; nothing is replayed.
func sandboxWhatIf(k *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(k.WhatIf.Keys()...), key.WithHelp(k.WhatIf.Help().Key, "policy, restart"))
}

// menuHelp is the help of an open menu. Its keys are the menu's own (a
// digit picks a choice, enter the selected one, esc closes it): the quiz's
// "1-5 answer" and the picker's "enter open" said the wrong thing there.
type menuHelp struct{ k *KeyMap }

var (
	menuPick   = key.NewBinding(key.WithKeys("1"), key.WithHelp("1-9", "choose"))
	menuMove   = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))
	menuEnter  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	menuCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

func (h menuHelp) ShortHelp() []key.Binding {
	return []key.Binding{menuPick, menuMove, menuEnter, menuCancel}
}
func (h menuHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// promptHelp is the help of the sandbox's duration prompt, where every
// other key is text.
type promptHelp struct{ k *KeyMap }

var promptEnter = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "advance"))

func (h promptHelp) ShortHelp() []key.Binding  { return []key.Binding{promptEnter, menuCancel} }
func (h promptHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }
