package wasmplay

import (
	"encoding/json"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/web/term"
)

// The size a player starts at when the page's first message is not its
// size, as the web server's (web/session.go).
const defaultCols, defaultRows = 80, 24

// Bridge is the page's end of one player, as the WebSocket is the web
// server's: the page's first message ("resize", which app.js sends as
// soon as its transport opens) starts the player at the page's size;
// every message after it goes to the Session.
type Bridge struct {
	newModel func() (tea.Model, error)
	out      func([]byte)

	mu sync.Mutex
	s  *Session
}

// NewBridge makes a bridge that starts newModel's model on the page's
// first message and sends the page the frame protocol through out.
func NewBridge(newModel func() (tea.Model, error), out func([]byte)) *Bridge {
	return &Bridge{newModel: newModel, out: out}
}

// Handle takes one message from the page. The first starts the player;
// a player that cannot be made says why in a "bye", as the web server does.
func (b *Bridge) Handle(msg []byte) error {
	b.mu.Lock()
	s := b.s
	if s == nil {
		s = b.start(msg)
		b.s = s
		b.mu.Unlock()
		if s == nil {
			return nil
		}
		var m term.In
		if json.Unmarshal(msg, &m) == nil && m.Type == "resize" {
			return nil // the size it started at
		}
		return s.Handle(msg)
	}
	b.mu.Unlock()
	return s.Handle(msg)
}

// start makes the session, or sends the "bye" saying why it could not.
func (b *Bridge) start(first []byte) *Session {
	cols, rows := defaultCols, defaultRows
	var m term.In
	if json.Unmarshal(first, &m) == nil && m.Type == "resize" {
		cols, rows = m.Cols, m.Rows
	}
	model, err := b.newModel()
	if err != nil {
		send(b.out, term.Text{Type: "bye", Text: byeFailed + err.Error()})
		return nil
	}
	return Start(model, cols, rows, b.out)
}

// Done is closed once the player has ended and said "bye"; nil before
// it started.
func (b *Bridge) Done() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.s == nil {
		return nil
	}
	return b.s.Done()
}
