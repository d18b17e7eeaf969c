package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// MaxNameRunes is the longest display name, in runes.
const MaxNameRunes = 24

// DisplayName is name as the room may show it on other users' terminals:
// CleanText's printable text, at most MaxNameRunes runes. "" means the
// user name.
func DisplayName(name string) string { return CleanText(name, MaxNameRunes) }

// namePrompt asks an attendee, at the picker, for the name the room shows
// (the instructor's overview). Enter sets it, esc cancels.
type namePrompt struct {
	in   textinput.Model
	keys *KeyMap
	st   *Styles
	w    int
	// fresh: nothing typed yet. The current name is shown as if selected:
	// the first character typed or pasted replaces it (tried at 80x24:
	// typing "Ada L." over "ada" gave "adaAda L.").
	fresh bool
}

func newNamePrompt(k *KeyMap, st *Styles, current string) (*namePrompt, tea.Cmd) {
	in := textinput.New()
	in.Placeholder = current
	in.SetValue(current)
	in.CharLimit = MaxNameRunes
	in.SetWidth(MaxNameRunes + 1)
	styles := textinput.DefaultStyles(st.isDark)
	styles.Cursor.Blink = false // a blink is a frame a second down every attendee's SSH connection
	in.SetStyles(styles)
	return &namePrompt{in: in, keys: k, st: st, fresh: true}, in.Focus()
}

// Update types; enter reports done with the name typed, esc cancels.
func (p *namePrompt) Update(km tea.KeyPressMsg) (done, cancel bool, name string, cmd tea.Cmd) {
	switch {
	case key.Matches(km, p.keys.Menu.Cancel):
		return false, true, "", nil
	case key.Matches(km, p.keys.Prompt.Enter):
		return true, false, DisplayName(p.in.Value()), nil
	}
	p.replaceFresh(km.Text != "")
	p.in, cmd = p.in.Update(km)
	return false, false, "", cmd
}

// Paste types text into the prompt.
func (p *namePrompt) Paste(msg tea.PasteMsg) tea.Cmd {
	p.replaceFresh(msg.Content != "")
	var cmd tea.Cmd
	p.in, cmd = p.in.Update(msg) // DisplayName cleans it on enter
	return cmd
}

// replaceFresh clears the shown name if text is the first thing typed;
// any other first key (an arrow, backspace) edits it instead.
func (p *namePrompt) replaceFresh(text bool) {
	if p.fresh && text {
		p.in.SetValue("")
	}
	p.fresh = false
}

func (p *namePrompt) ShortHelp() []key.Binding {
	return []key.Binding{nameSet(p.keys), p.keys.Menu.Cancel}
}
func (p *namePrompt) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// nameSet is enter as the name prompt's help names it.
func nameSet(k *KeyMap) key.Binding {
	return key.NewBinding(key.WithKeys(k.Prompt.Enter.Keys()...), key.WithHelp(k.Prompt.Enter.Help().Key, "set the name"))
}

// View is the prompt's panel, at most the screen's width.
func (p *namePrompt) View() string {
	var b strings.Builder
	b.WriteString(p.st.Title.Render("Your name in the room") + "\n")
	b.WriteString(p.in.View() + "\n")
	b.WriteString(p.st.Subtle.Render(wrap("The instructor's list of who is here shows it. Typing replaces the name shown; empty: your user name. Printable characters, at most 24.", max(min(p.w, 60)-4, 10))))
	return p.st.Panel.Width(min(p.w, 60)).Padding(0, 1).Render(b.String())
}
