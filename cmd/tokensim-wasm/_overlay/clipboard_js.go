//go:build js && wasm

// This file is NOT part of the tokensim module's packages (see
// bubbletea_js.go). The wasm build adds it to a copy of github.com/atotto/clipboard v0.1.4,
// which Bubbles' textinput imports and which defines readAll and writeAll
// only for darwin, plan9, unix and windows. In a page the system clipboard
// is reached through the frame protocol's {"type":"clipboard"} message
// (OSC 52), never through this package, so both report that it is absent.

package clipboard

import "errors"

var errNoClipboard = errors.New("clipboard: not available in js/wasm")

func readAll() (string, error) { return "", errNoClipboard }

func writeAll(string) error { return errNoClipboard }
