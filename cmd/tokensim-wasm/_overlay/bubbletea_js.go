//go:build js && wasm

// This file is NOT part of the tokensim module's packages: the directory
// starts with "_" so the go command ignores it. The wasm build (`tokensim
// web --export`, cmd/tokensim/web_export.go) copies
// charm.land/bubbletea/v2 unchanged into a temporary directory and adds
// this file to the copy, because bubbletea v2.1.1 defines these four
// symbols only in its unix and windows files (tty_unix.go,
// signals_unix.go, tty_windows.go, signals_windows.go) and so does not
// compile for js/wasm. In the page the program's input is a term.Inbox
// and its size comes as tea.WindowSizeMsg (wasmplay.Session), never from
// a TTY or SIGWINCH; there is no process to suspend.

package tea

// suspendSupported is false: a page has no process group to stop.
const suspendSupported = false

// suspendProcess does nothing in a page.
func suspendProcess() {}

// initInput leaves input alone: the input is not a TTY in a page.
func (p *Program) initInput() error { return nil }

// listenForResize has no SIGWINCH to wait for; it reports that it is done.
func (p *Program) listenForResize(done chan struct{}) { close(done) }
