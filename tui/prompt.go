package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/sim"
)

// prompt asks the sandbox user for a custom duration to advance the clock
// by. Enter submits; a bad duration keeps the prompt open with the reason.
type prompt struct {
	in  textinput.Model
	err string
}

func newPrompt(st *Styles) (*prompt, tea.Cmd) {
	in := textinput.New()
	in.Placeholder = "90s, 45m, 2h30m, 10d"
	in.CharLimit = 16
	in.SetWidth(24)
	in.SetStyles(textinput.DefaultStyles(st.isDark))
	return &prompt{in: in}, in.Focus()
}

// update handles a key; it returns the duration once one is submitted.
func (pr *prompt) update(msg tea.KeyPressMsg, k *KeyMap) (value string, done, closed bool, cmd tea.Cmd) {
	switch {
	case key.Matches(msg, k.Back):
		return "", false, true, nil
	case key.Matches(msg, k.Open):
		v := strings.TrimSpace(pr.in.Value())
		d, err := sim.ParseDuration(v)
		switch {
		case err != nil:
			pr.err = err.Error()
		case d <= 0:
			pr.err = "the clock only moves forward: give a positive duration"
		default:
			return v, true, true, nil
		}
		return "", false, false, nil
	}
	pr.err = ""
	pr.in, cmd = pr.in.Update(msg)
	return "", false, false, cmd
}

func (pr *prompt) view(st *Styles, width int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render("Advance the clock by") + "\n")
	b.WriteString(pr.in.View() + "\n")
	if pr.err != "" {
		b.WriteString(st.Bad.Render(iconBad+" "+pr.err) + "\n")
	}
	b.WriteString(st.Subtle.Render("enter to advance · esc to cancel"))
	return st.Panel.Width(min(width, 60)).Padding(0, 1).Render(b.String())
}
