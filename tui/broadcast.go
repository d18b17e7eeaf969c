package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// BroadcastLimit is the longest message an instructor can send the room,
// in runes: one line of a common terminal.
const BroadcastLimit = 120

// CleanBroadcast is text as the room may show it on another user's
// terminal: printable characters only, at most BroadcastLimit runes (see
// CleanText).
func CleanBroadcast(s string) string { return CleanText(s, BroadcastLimit) }

// CleanText keeps the printable text of s, at most limit runes: escape
// sequences (CSI, OSC, DCS…) are removed whole, every other control or
// format character (a bare ESC, C1 controls, bidirectional overrides:
// unicode.IsPrint is false for categories Cc and Cf) is dropped, and runs
// of white space become one space. What one SSH user typed reaches other
// users' terminals, which must not receive sequences that move the cursor,
// retitle the window or write the clipboard (ECMA-48 §5; xterm's OSC 52).
func CleanText(s string, limit int) string {
	s = ansi.Strip(s)
	var b strings.Builder
	n, space := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			// U+FFFD stands for bytes that were not UTF-8 (or is
			// itself typed): nothing worth showing.
			continue
		}
		if space {
			if n+1 >= limit {
				break
			}
			b.WriteByte(' ')
			n, space = n+1, false
		}
		if n >= limit {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// openBroadcast opens the instructor's one-line prompt on the room line.
func (m *Model) openBroadcast() {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "a line for every attendee's screen"
	in.CharLimit = BroadcastLimit
	st := textinput.DefaultStyles(m.styles.isDark)
	// No blinking: a blink is a message every half second per open prompt,
	// and the room line is redrawn with each.
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetValue(m.room.status.Broadcast)
	in.CursorEnd()
	in.Focus()
	m.room.prompt = &in
	m.room.note = ""
}

// broadcastMsg handles a message while the prompt is open: enter sends,
// esc cancels, other keys and pastes are the text. It reports whether msg
// was consumed (ctrl+c is not: it quits, as everywhere).
func (m *Model) broadcastMsg(msg tea.Msg) bool {
	r := &m.room
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Filter.Quit):
			return false
		case key.Matches(msg, m.keys.Room.Cancel):
			r.prompt, r.note = nil, "nothing sent"
			return true
		case key.Matches(msg, m.keys.Room.Send):
			text := CleanBroadcast(r.prompt.Value())
			r.prompt = nil
			m.opts.Room.Broadcast(text)
			// A step ends the message only when it is the leader's
			// (Room.Push), and a release ends it too.
			switch {
			case r.status.You:
				r.note = "sent: on screens until your next step"
			case r.status.Leading:
				r.note = "sent: on screens until " + leaderName(r.status) + "'s next step"
			default:
				r.note = "sent: on screens until the room's next step"
			}
			if text == "" {
				r.note = "the room's message is cleared"
			}
			m.refreshStatus()
			return true
		}
	case tea.PasteMsg:
	default:
		return false
	}
	in, _ := r.prompt.Update(msg)
	r.prompt = &in
	return true
}

// broadcastLine is the prompt as the instructor's room line shows it.
func (m *Model) broadcastLine() string {
	const label = "message the room: "
	r := m.room.prompt
	r.SetWidth(max(m.w-len(label)-1, 1))
	return m.styles.Status.Render(label) + r.View()
}

// fixedHelp is a help of a few keys, the same short and full: a prompt's or
// a question's, where other keys do nothing.
type fixedHelp []key.Binding

func (h fixedHelp) ShortHelp() []key.Binding  { return h }
func (h fixedHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h} }
