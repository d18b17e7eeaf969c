// Package wasmplay drives tokensim's one player (tui.Model) without
// tea.Program, for the WebAssembly build (cmd/tokensim-wasm): it feeds the
// root model key and size messages built from the page's frame-protocol
// messages, runs the commands Update returns, and turns each View into a
// protocol frame. It has no build tag, so its tests run on linux with
// -race; only cmd/tokensim-wasm/main.go touches syscall/js.
package wasmplay

import (
	"image/color"
	"reflect"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// Driver owns one model and its screen. Send may be called from any
// goroutine (a page callback); Run processes messages one at a time, as
// tea.Program does, so the model is never touched concurrently.
type Driver struct {
	m    tea.Model
	scr  *screen
	out  func(any) // a Frame or a Message, to encode for the page
	dark bool

	mu    sync.Mutex
	queue []tea.Msg
	text  string // the last frame as plain text (Text)
	wake  chan struct{}
	dec   uv.EventDecoder
}

// New makes a driver for m on a cols×rows screen. dark is the page's
// prefers-color-scheme, the answer to the player's background query.
func New(m tea.Model, cols, rows int, dark bool, out func(any)) *Driver {
	return &Driver{m: m, scr: newScreen(cols, rows), out: out, dark: dark, wake: make(chan struct{}, 1)}
}

// Send queues msg for Run; it never blocks.
func (d *Driver) Send(msg tea.Msg) {
	d.mu.Lock()
	d.queue = append(d.queue, msg)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Key decodes the bytes a terminal sends (the page's {"type":"key"}) into
// key messages, with the decoder tea.Program's input reader uses.
func (d *Driver) Key(data string) {
	buf := []byte(data)
	for len(buf) > 0 {
		n, ev := d.dec.Decode(buf)
		if n <= 0 {
			break
		}
		buf = buf[n:]
		switch ev := ev.(type) {
		case uv.KeyPressEvent:
			d.Send(tea.KeyPressMsg(ev))
		case uv.PasteEvent:
			d.Send(tea.PasteMsg(ev))
		}
	}
}

// Resize is the page's {"type":"resize"}: the next frame sends all rows.
func (d *Driver) Resize(cols, rows int) {
	d.Send(resizeMsg{cols, rows})
}

// resizeMsg resizes the screen before the model hears the new size.
type resizeMsg struct{ cols, rows int }

// Run starts the model (Init, then its size) and handles messages until
// the player quits; it then sends {"type":"bye"}.
func (d *Driver) Run() {
	d.exec(d.m.Init())
	w, h := d.scr.emu.Width(), d.scr.emu.Height()
	d.Send(tea.WindowSizeMsg{Width: w, Height: h})
	for {
		<-d.wake
		for {
			d.mu.Lock()
			if len(d.queue) == 0 {
				d.mu.Unlock()
				break
			}
			msg := d.queue[0]
			d.queue = d.queue[1:]
			d.mu.Unlock()
			if !d.handle(msg) {
				d.out(Message{Type: "bye", Text: "the player quit; reload the page to start again"})
				return
			}
		}
		d.render()
	}
}

// handle gives msg to the model, or acts on it as tea.Program would; it
// reports false once the player quits.
func (d *Driver) handle(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case nil:
		return true
	case tea.QuitMsg:
		return false
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
		return true
	case resizeMsg:
		d.scr.resize(msg.cols, msg.rows)
		msg2 := tea.WindowSizeMsg{Width: msg.cols, Height: msg.rows}
		return d.update(msg2)
	}
	if name, internal := teaInternal(msg); internal {
		switch name {
		case "sequenceMsg": // tea.Sequence: run in order, one at a time
			cmds := reflect.ValueOf(msg)
			go func() {
				for i := range cmds.Len() {
					if c, ok := cmds.Index(i).Interface().(tea.Cmd); ok && c != nil {
						d.Send(c())
					}
				}
			}()
		case "setClipboardMsg": // tea.SetClipboard: OSC 52 becomes the page's clipboard message
			d.out(Message{Type: "clipboard", Text: reflect.ValueOf(msg).String()})
		case "backgroundColorMsg": // tea.RequestBackgroundColor: the page's colour scheme answers
			d.Send(tea.BackgroundColorMsg{Color: d.background()})
		}
		// Other internal messages (window title, cursor, modes) steer a
		// real terminal; a page has none of them.
		return true
	}
	return d.update(msg)
}

func (d *Driver) update(msg tea.Msg) bool {
	next, cmd := d.m.Update(msg)
	d.m = next
	d.exec(cmd)
	return true
}

// exec runs cmd beside the loop, as tea.Program does, and queues its
// message (a tea.Tick waits without holding the loop).
func (d *Driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { d.Send(cmd()) }()
}

func (d *Driver) background() color.Color {
	if d.dark {
		return color.Black
	}
	return color.White
}

// render sends the changed rows of the model's current view.
func (d *Driver) render() {
	v := d.m.View()
	cur := Cursor{}
	if v.Cursor != nil {
		cur = Cursor{X: v.Cursor.X, Y: v.Cursor.Y, Visible: true}
	}
	f := d.scr.frame(v.Content, cur)
	d.mu.Lock()
	d.text = d.scr.Text()
	d.mu.Unlock()
	if len(f.Lines) > 0 || cur.Visible {
		d.out(f)
	}
}

// Text is the last frame as plain text.
func (d *Driver) Text() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.text
}

// teaInternal names msg's type if it is one of bubbletea's unexported
// messages, which only a tea.Program understands. Reflection is the only
// way to recognise them from outside the package; the test pins the names
// against the pinned bubbletea version (go.mod).
func teaInternal(msg tea.Msg) (string, bool) {
	t := reflect.TypeOf(msg)
	if t == nil || t.PkgPath() != reflect.TypeOf(tea.QuitMsg{}).PkgPath() {
		return "", false
	}
	name := t.Name()
	if name == "" || strings.ToUpper(name[:1]) == name[:1] {
		return "", false
	}
	return name, true
}
