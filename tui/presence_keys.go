package tui

import (
	"slices"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// presenceMsg handles the keys of the instructor's overview (W) and of the
// display name prompt (N, at the picker), before the room's keys: while
// either is open, keys are theirs. It keeps the overview live as the room
// changes. It reports whether msg was consumed.
func (m *Model) presenceMsg(msg tea.Msg) (bool, tea.Cmd) {
	switch msg := msg.(type) {
	case RoomChangedMsg:
		if m.ws.overview != nil {
			m.ws.overview.set(m.opts.Room.Attendees())
		}
		return false, nil // the room line asks the room too (roomMsg)
	case FollowMsg:
		// The room takes the screen, and the picker with the prompt, only
		// when the follow moves it (roomMsg): one who stepped away keeps
		// their screen, and what they typed.
		if !m.room.away && m.inCatalogue(msg.Scenario) {
			m.ws.naming = nil
		}
		return false, nil
	case tea.PasteMsg:
		if p := m.ws.naming; p != nil {
			return true, p.Paste(msg)
		}
	case tea.MouseWheelMsg:
		if o := m.ws.overview; o != nil {
			switch msg.Mouse().Button {
			case tea.MouseWheelUp:
				o.top--
			case tea.MouseWheelDown:
				o.top++
			}
			o.clamp()
			return true, nil
		}
		return m.ws.naming != nil, nil
	case tea.MouseClickMsg:
		// The screen under the overview or the prompt is not where the
		// click landed: it must not change a tab or a step there.
		return m.ws.overview != nil || m.ws.naming != nil, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Filter.Quit) || m.tooSmall() {
			return false, nil // ctrl+c quits from anywhere
		}
		if p := m.ws.naming; p != nil {
			done, cancel, name, cmd := p.Update(msg)
			switch {
			case cancel:
				m.ws.naming = nil
			case done:
				m.ws.naming = nil
				m.room.note = "the room shows you as " + m.opts.Room.SetName(name)
			}
			return true, cmd
		}
		if o := m.ws.overview; o != nil {
			switch {
			case key.Matches(msg, m.keys.Back, m.keys.Presence.Overview):
				m.ws.overview = nil
			case key.Matches(msg, m.keys.Quit, m.keys.Help, m.keys.Room.Lead, m.keys.Room.Release):
				return false, nil // the root's and the room's, as anywhere
			default:
				o.Update(msg)
			}
			return true, nil
		}
		if m.typing() {
			return false, nil
		}
		switch {
		case m.opts.Instructor && key.Matches(msg, m.keys.Presence.Overview):
			m.ws.overview = newOverview(m.keys, m.styles, m.opts.Room.Attendees())
			m.layout()
			return true, nil
		case !m.opts.Instructor && m.screen == screenPicker && key.Matches(msg, m.keys.Presence.Name):
			p, cmd := newNamePrompt(m.keys, m.styles, m.opts.Room.Name())
			m.ws.naming = p
			m.layout()
			return true, cmd
		}
	}
	return false, nil
}

// setSize hands the overview and the prompt the body's size.
func (ws *workshopState) setSize(w, h int) {
	if ws.overview != nil {
		ws.overview.SetSize(w, h)
	}
	if ws.naming != nil {
		ws.naming.w = w
	}
}

// body is what the body shows: the overview in the screen's place, the
// name prompt above the picker.
func (ws *workshopState) body(screen string) string {
	switch {
	case ws.overview != nil:
		return ws.overview.View()
	case ws.naming != nil:
		return lipgloss.JoinVertical(lipgloss.Left, ws.naming.View(), screen)
	}
	return screen
}

// withPresenceKeys is the footer's key map with the overview's and the
// name's keys: the open one's own, or W (the instructor's) and N (an
// attendee's, at the picker) beside the screen's.
func (m *Model) withPresenceKeys(km help.KeyMap) help.KeyMap {
	switch {
	case m.opts.Room == nil:
		return km
	case m.ws.naming != nil:
		return m.ws.naming
	case m.ws.overview != nil:
		return m.ws.overview
	case m.typing():
		return km
	case m.opts.Instructor:
		return km // W is among the instructor's keys (instructorHelp)
	}
	if m.ws.kept != nil && !m.room.led {
		// The room was released with a screen kept: x still returns to
		// it (pull.go), and the room's help no longer names x.
		km = roomHelp{km, []key.Binding{m.keys.Room.StepAway}, true} // first, as the room's keys are
	}
	if m.screen == screenPicker {
		return withKey(km, m.keys.Presence.Name, m.keys.Help)
	}
	return km
}

// withKey adds b to km: in the short help beside the room's keys when
// they come first (an instructor's, cut short at 80 columns otherwise),
// else before the help key (the short help drops hints from its end, the
// help key last: N stays at 80 columns); in the full help as a column of
// its own, which the help lays beside the room's where the width allows
// (at 60×16 the sandbox's full help has no row to spare for a key under
// F).
func withKey(km help.KeyMap, b, helpKey key.Binding) help.KeyMap {
	return keyHelp{km, b, helpKey}
}

type keyHelp struct {
	inner   help.KeyMap
	b, help key.Binding
}

func (h keyHelp) ShortHelp() []key.Binding {
	if r, ok := h.inner.(roomHelp); ok && r.first {
		r.keys = append(slices.Clone(r.keys), h.b)
		return r.ShortHelp()
	}
	bs := h.inner.ShortHelp()
	i := slices.IndexFunc(bs, func(b key.Binding) bool { return slices.Equal(b.Keys(), h.help.Keys()) })
	if i < 0 {
		i = len(bs)
	}
	return slices.Insert(slices.Clone(bs), i, h.b)
}
func (h keyHelp) FullHelp() [][]key.Binding {
	return append(h.inner.FullHelp(), []key.Binding{h.b})
}
