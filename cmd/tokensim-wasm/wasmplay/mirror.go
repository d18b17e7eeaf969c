package wasmplay

import (
	"encoding/json"
	"strings"

	"github.com/tokensim/tokensim/web/term"
)

// Mirror keeps the screen as the page has it, from the messages a Session
// sends, as app.js draws them: for tests, and for the -smoke run in node
// where there is no page.
type Mirror struct {
	rows []string
}

// Apply takes one message for the page and returns its type and, for
// "clipboard", "status" and "bye", its text.
func (m *Mirror) Apply(msg []byte) (typ, text string) {
	var f term.Frame
	if json.Unmarshal(msg, &f) != nil {
		return "", ""
	}
	if f.Type != "frame" {
		var t term.Text
		_ = json.Unmarshal(msg, &t)
		return t.Type, t.Text
	}
	for len(m.rows) < f.Rows {
		m.rows = append(m.rows, "")
	}
	m.rows = m.rows[:f.Rows]
	for _, l := range f.Lines {
		if l.Y < 0 || l.Y >= len(m.rows) {
			continue
		}
		var b strings.Builder
		for _, sp := range l.Spans {
			b.WriteString(sp.Text)
		}
		m.rows[l.Y] = b.String()
	}
	return f.Type, ""
}

// Text is the screen, one line per row.
func (m *Mirror) Text() string { return strings.Join(m.rows, "\n") + "\n" }
