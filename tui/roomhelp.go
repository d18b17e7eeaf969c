package tui

import (
	"slices"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// The workshop's keys in the footer and the full help (split from
// follow.go).

// roomHelp adds the workshop's keys to a screen's help: after the
// screen's own, or first (an attendee's f, which 80 columns would cut).
type roomHelp struct {
	inner help.KeyMap
	keys  []key.Binding
	first bool
}

func (h roomHelp) ShortHelp() []key.Binding {
	if h.first {
		return append(slices.Clone(h.keys), h.inner.ShortHelp()...)
	}
	return append(h.inner.ShortHelp(), h.keys...)
}
func (h roomHelp) FullHelp() [][]key.Binding {
	g := h.inner.FullHelp()
	if len(g) == 0 || len(h.keys) > 2 {
		return append(g, h.keys)
	}
	// A key or two join the last group (help, back, quit): a group of
	// their own took rows the sandbox's help has none of at 60×16.
	g = slices.Clone(g)
	g[len(g)-1] = append(slices.Clone(h.keys), g[len(g)-1]...)
	return g
}

// withRoomKeys adds the workshop's keys to km, in a workshop.
func (m *Model) withRoomKeys(km help.KeyMap) help.KeyMap {
	switch {
	case m.opts.Room == nil:
		return km
	case m.opts.Instructor && (m.room.prompt != nil || m.room.confirm):
		return m.instructorHelp(km) // lead.go
	case m.typing():
		return km
	case m.opts.Instructor:
		return m.instructorHelp(km)
	case m.room.following() && m.screen == screenPlayer && m.player != nil && m.player.steps().modal == nil:
		s := m.player.steps()
		// The digits answer only while the question is on screen.
		return followHelp{m.keys, s.tl.hidden(s.tl.cur) && s.insp.tab == tabNarration}
	case m.room.following():
		return roomHelp{km, []key.Binding{m.keys.Room.StepAway}, true}
	case m.room.led:
		return roomHelp{km, []key.Binding{m.keys.Room.Rejoin}, true}
	}
	return km
}

// followHelp is a following attendee's help: only the keys that work
// while the instructor moves the screen (roomKey refuses the others), x
// first so that it stays visible on a narrow terminal.
type followHelp struct {
	k    *KeyMap
	quiz bool // a quiz waits for an answer, its question on screen: the digits answer it
}

func (h followHelp) digits() key.Binding {
	if h.quiz {
		return h.k.Player.Answer1
	}
	return h.k.Player.Tab1
}

func (h followHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Room.StepAway, h.digits(), h.k.Player.NextTab, h.k.Help, h.k.Quit}
}
func (h followHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Room.StepAway},
		{h.k.Player.NextTab, h.k.Player.PrevTab, h.digits(), h.k.Player.ScrollUp, h.k.Player.ScrollDown},
		{h.k.Help, h.k.Quit},
	}
}
