package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
)

// Input that must not surprise (issue 14 §4): what the root model does
// with a key or a mouse event before any screen sees it.

// tooSmall reports whether the screen shows only "make the terminal
// larger". Under it the learner sees none of the screens, so no key may
// change them: only quitting (and a resize) does anything.
func (m *Model) tooSmall() bool {
	return m.w > 0 && m.h > 0 && (m.w < MinWidth || m.h < MinHeight)
}

// guard reports whether msg is input that must be dropped before it
// reaches a screen or the room, and, for the keys that still work under
// it, their command.
func (m *Model) guard(msg tea.Msg) (drop bool, cmd tea.Cmd) {
	if !m.tooSmall() {
		return false, nil
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Quit, m.keys.Filter.Quit) {
			return true, tea.Quit
		}
		return true, nil
	case tea.MouseMsg:
		return true, nil
	}
	return false, nil
}

// quitAsks is why q asks before it quits, in words; "" when it quits at
// once. An attendee who follows an instructor would drop out of the room,
// and the sandbox's steps exist nowhere else until exported. (ctrl+c
// always quits at once: FilterKeys.Quit, matched before q.)
func (m *Model) quitAsks() string {
	if m.opts.Room != nil && m.room.following() {
		return "you follow the instructor"
	}
	if sb, ok := m.player.(*sandbox); ok && m.screen == screenPlayer && sb.unsaved() {
		n := len(sb.tl.steps)
		return fmt.Sprintf("%d sandbox %s not exported (%s exports)", n, plural(n, "step", "steps"), m.keys.Player.Export.Help().Key)
	}
	return ""
}

// quit answers q: it quits, or, when leaving would lose something
// (quitAsks), says so once and quits on a second q. Any other key
// between the two disarms it (Update).
func (m Model) quit() (tea.Model, tea.Cmd) {
	why := m.quitAsks()
	if why == "" || m.quitArmed {
		return m, tea.Quit
	}
	m.quitArmed = true
	note := why + ": " + m.keys.Quit.Help().Key + " again to quit"
	switch {
	case m.opts.Room != nil && m.room.following():
		m.room.note = note // the room's line, above the screen
	case m.screen == screenPlayer && m.player != nil:
		m.player.steps().status = note
	default:
		m.err = note
	}
	return m, nil
}

// unsaved reports whether the sandbox holds steps that no export has
// written: the run shown is not the one last exported, or it has grown
// since.
func (s *sandbox) unsaved() bool {
	return len(s.tl.steps) > 0 && (s.exported.run != s.tl.run || s.exported.steps < len(s.tl.steps))
}

// exportMark is what the last successful export wrote: its run and how
// many steps it had.
type exportMark struct {
	run   *scenarios.Run
	steps int
}
