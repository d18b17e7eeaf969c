// Package term is a visitor's terminal on the Go side: the emulator a
// player draws into, its input, and the frame protocol the page speaks.
// Package web carries it over a WebSocket; the WebAssembly build, inside
// the page.
package term
