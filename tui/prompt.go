package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/text"
)

// prompt asks the sandbox user for a custom duration to advance the clock
// by. Enter submits it to done; a bad duration keeps the prompt open with
// the reason.
type prompt struct {
	in   textinput.Model
	err  string
	keys *KeyMap
	st   *Styles
	w, h int
	done func(by string) // what a good duration does
	shut bool
}

func newPrompt(k *KeyMap, st *Styles, done func(by string)) (*prompt, tea.Cmd) {
	in := textinput.New()
	in.Placeholder = "90s, 45m, 2h30m, 10d"
	in.CharLimit = 16
	in.SetWidth(24)
	in.SetStyles(textinput.DefaultStyles(st.isDark))
	return &prompt{in: in, keys: k, st: st, done: done}, in.Focus()
}

func (pr *prompt) SetSize(w, h int) { pr.w, pr.h = w, h }
func (pr *prompt) closed() bool     { return pr.shut }
func (pr *prompt) text() bool       { return true }

// Update handles a key: text, enter to submit, esc to cancel.
func (pr *prompt) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(km, pr.keys.Menu.Cancel):
		pr.shut = true
		return nil
	case key.Matches(km, pr.keys.Prompt.Enter):
		v := strings.TrimSpace(pr.in.Value())
		d, err := text.ParseDuration(v)
		switch {
		case err != nil:
			pr.err = err.Error()
		case d <= 0:
			pr.err = "the clock only moves forward: give a positive duration"
		default:
			pr.shut = true
			pr.done(v)
		}
		return nil
	}
	pr.err = ""
	var cmd tea.Cmd
	pr.in, cmd = pr.in.Update(km)
	return cmd
}

// ShortHelp is the prompt's keys, where every other key is text.
func (pr *prompt) ShortHelp() []key.Binding {
	return []key.Binding{pr.keys.Prompt.Enter, pr.keys.Menu.Cancel}
}
func (pr *prompt) FullHelp() [][]key.Binding { return [][]key.Binding{pr.ShortHelp()} }

// View draws the prompt at most its width.
func (pr *prompt) View() string { return pr.view(pr.st, pr.w) }

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
