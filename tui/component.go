package tui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// component is the contract every child of the root model keeps (in the
// manner of soft-serve's pkg/ui/common.Component): the parent hands it its
// size, passes it messages, and draws the string it renders; its keys are
// its help.KeyMap, which the footer shows. Only the root model returns a
// tea.View.
type component interface {
	SetSize(w, h int)
	Update(tea.Msg) tea.Cmd
	View() string
	help.KeyMap
}

// screen is a screen built on the stepper: a lesson (lesson.go), the
// sandbox (sandbox.go) or the live view of `tokensim serve --tui`
// (serveview.go). Each owns one stepper and adds its own keys to it.
type screen interface {
	component
	steps() *stepper
}

// modal is a small dialog that, while open, takes the keys and the
// inspector's place: a menu of choices, or the sandbox's duration prompt.
type modal interface {
	component
	// closed reports that the modal is done and should be dropped.
	closed() bool
	// text reports whether keys are text (q and ? are letters, not
	// commands) rather than the modal's own.
	text() bool
}

// The components. The diagram is a panel the stepper draws, not a
// component: it takes no keys or messages of its own.
var (
	_ component = (*picker)(nil)
	_ component = (*inspector)(nil)
	_ screen    = (*lesson)(nil)
	_ screen    = (*sandbox)(nil)
	_ screen    = (*liveView)(nil)
	_ modal     = (*menu)(nil)
	_ modal     = (*prompt)(nil)
)
