//go:build js && wasm

// This file is NOT part of the tokensim module's packages: the directory
// starts with "_" so the go command ignores it. build.sh maps it into
// charm.land/bubbletea/v2 with `go build -overlay` when GOOS=js GOARCH=wasm,
// because bubbletea v2.1.1 defines these four symbols only in its
// unix and windows files (tty_unix.go, signals_unix.go, tty_windows.go,
// signals_windows.go) and so does not compile for js/wasm. The wasm player
// never starts a tea.Program (cmd/tokensim-wasm drives the model itself),
// so none of these is reached; they exist only so the package's types
// (tea.Msg, tea.Cmd, tea.KeyPressMsg, ...) can be compiled.

package tea

// suspendSupported is false: a page has no process group to stop.
const suspendSupported = false

// suspendProcess does nothing in a page.
func suspendProcess() {}

// initInput leaves input alone: there is no TTY in a page.
func (p *Program) initInput() error { return nil }

// listenForResize has no SIGWINCH to wait for; it reports that it is done.
func (p *Program) listenForResize(done chan struct{}) { close(done) }
