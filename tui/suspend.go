package tui

import tea "charm.land/bubbletea/v2"

// NoSuspend is a tea.WithFilter for a player with no shell to return to
// (an SSH session, a browser's page): ctrl+z's suspend becomes a resume,
// so the player carries on instead of stopping.
func NoSuspend(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.SuspendMsg); ok {
		return tea.ResumeMsg{}
	}
	return msg
}
