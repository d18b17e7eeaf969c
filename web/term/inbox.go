package term

import (
	"errors"
	"io"
	"sync"
)

// maxInbox is the most input a visitor may have waiting for the player:
// a page that sends faster than the player reads is ended, not buffered
// without bound.
const maxInbox = 256 << 10

// errInboxFull is returned by Inbox.Write beyond maxInbox.
var errInboxFull = errors.New("too much input waiting for the player")

// Inbox is the program's input: the visitor's keys and pastes, and the
// emulator's answers to the program's terminal queries. Writes never wait
// for the program, so the emulator (which answers from inside Write,
// under the session's lock) cannot wait on a program busy drawing.
type Inbox struct {
	mu     sync.Mutex
	ready  *sync.Cond
	buf    []byte
	closed bool
}

// NewInbox makes an empty inbox.
func NewInbox() *Inbox {
	b := &Inbox{}
	b.ready = sync.NewCond(&b.mu)
	return b
}

// Write adds p to the input; beyond maxInbox waiting it fails.
func (b *Inbox) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.ErrClosedPipe
	}
	if len(b.buf)+len(p) > maxInbox {
		return 0, errInboxFull
	}
	b.buf = append(b.buf, p...)
	b.ready.Signal()
	return len(p), nil
}

// Read waits for input; after Close it returns io.EOF.
func (b *Inbox) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.buf) == 0 && !b.closed {
		b.ready.Wait()
	}
	if len(b.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

// Close ends Read. It never fails.
func (b *Inbox) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.ready.Broadcast()
	return nil
}
