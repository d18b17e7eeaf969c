// Package text holds the small text helpers every front end shares:
// wrapping to a width in terminal cells, the "did you mean" suggestion,
// enum names as strings, and plurals. It is a leaf: it imports the
// standard library and, to measure terminal cells exactly as the TUI's
// renderer does, github.com/charmbracelet/x/ansi (already a direct
// dependency of the module).
package text
