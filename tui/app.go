// Package tui is tokensim's terminal interface: a picker of lessons, a
// player that steps through one (sequence diagram, inspector tabs, quizzes,
// what-if replays, export), and a sandbox for free play. It renders what the
// sim and scenarios packages report and invents no fact of its own.
package tui

import (
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// Minimum usable size; below it the TUI asks for a larger terminal.
const (
	MinWidth  = 60
	MinHeight = 16
)

// page is which screen is in front.
type page int

const (
	screenPicker page = iota
	screenPlayer
)

// Options configure a Model.
type Options struct {
	Catalogue []*scenarios.Scenario // lessons for the picker
	Open      *scenarios.Scenario   // open this lesson directly (tokensim play)
	Sandbox   bool                  // open the sandbox directly
	// Challenges are the levels the picker lists beside the lessons (C);
	// nil means the built-ins (scenarios.Challenges). Challenge opens one
	// directly (tokensim play --challenge).
	Challenges []*scenarios.Challenge
	Challenge  *scenarios.Challenge
	Run        scenarios.Options // preset, settings and seed for every run
	ExportDir  string            // where e writes Markdown; "" means the current directory

	// Watch opens a lesson file that its author is writing (tokensim play
	// --watch): its first load; each Reload message replaces it.
	Watch *Reload

	// A workshop (tokensim ssh): the room this session plays in, whether
	// it is the instructor's, and no export (it would write files on the
	// server, not on the attendee's machine).
	Room       Room
	Instructor bool
	NoExport   bool
	// NoCommandHints hides hints that name tokensim commands ("tokensim
	// play login"): an attendee over SSH has no tokensim binary to run.
	NoCommandHints bool

	// Progress is the learner's progress (package progress): a file in
	// the state directory, a workshop attendee's memory, or nil to keep
	// none (--no-progress). ProgressWarning is the one line Opening it
	// gave, shown until the first key.
	Progress        progress.Store
	ProgressWarning string
}

// Model is the root model: the only one that returns a tea.View.
//
// Bubble Tea passes it by value on every message and every frame, so what
// is large (the key map, the help, the picker's list: some 37 KB in all)
// is held by pointer: a copy is a few hundred bytes, not 37 KB copied and
// allocated per key, as the player already was.
type Model struct {
	keys   *KeyMap
	styles *Styles
	help   *help.Model
	opts   Options

	screen page
	picker *picker
	player screen // a lesson, the sandbox or the live view; nil at the picker
	w, h   int
	err    string
	room   roomState // the workshop's view of this session (follow.go)

	ws workshopState // presence, overview, display name, pulls (presence.go)

	footers *footerMemo // the last footer (footer.go)

	quitArmed bool // q asked "q again to quit" (input.go)
}

// New makes the root model. It starts with dark styles; the terminal's
// real background arrives as a BackgroundColorMsg.
func New(opts Options) (Model, error) {
	if opts.ExportDir == "" {
		opts.ExportDir = "."
	}
	keys, hm := DefaultKeyMap(), help.New()
	m := Model{keys: &keys, styles: NewStyles(true), help: &hm, opts: opts, footers: &footerMemo{}}
	m.help.Styles = m.styles.helpStyles()
	m.keys.Player.Export.SetEnabled(!opts.NoExport)
	pk := newPicker(opts.Catalogue, m.keys, m.styles, opts.Progress)
	// The built-in challenges are not loaded before the first frame:
	// loading plays each one's setup (100 ms on the project's machine).
	// Init asks for them in the background; C waits for them if they
	// have not arrived (picker.haveChallenges).
	pk.challenges, pk.loadChallenges = opts.Challenges, scenarios.Challenges
	pk.noCommand = opts.NoCommandHints
	m.picker = &pk
	m.err = opts.ProgressWarning
	switch {
	case opts.Open != nil:
		p, err := m.courseLesson(opts.Open)
		if err != nil {
			return m, err
		}
		m.player, m.screen = p, screenPlayer
	case opts.Watch != nil:
		p, err := newWatched(m.keys, m.styles, *opts.Watch, opts.Run, opts.ExportDir)
		if err != nil {
			return m, err
		}
		m.player, m.screen = p, screenPlayer
	case opts.Challenge != nil:
		p, err := newChallenge(m.keys, m.styles, opts.Challenge, opts.Run, opts.Progress)
		if err != nil {
			return m, err
		}
		m.player, m.screen = p, screenPlayer
	case opts.Sandbox:
		p, err := newSandbox(m.keys, m.styles, opts.Run, opts.ExportDir)
		if err != nil {
			return m, err
		}
		m.player, m.screen = p, screenPlayer
	}
	return m, nil
}

// Init asks the terminal for its background colour, to pick light or dark
// styles.
func (m Model) Init() tea.Cmd {
	if m.picker.challenges != nil {
		return tea.RequestBackgroundColor
	}
	load := m.picker.loadChallenges
	return tea.Batch(tea.RequestBackgroundColor, func() tea.Msg {
		cs, err := load()
		return challengesMsg{cs: cs, err: err}
	})
}

// challengesMsg brings the built-in challenges, loaded after the first
// frame (Init).
type challengesMsg struct {
	cs  []*scenarios.Challenge
	err error
}

// Update routes messages: sizes and colours to everyone, keys to the
// screen in front. In a workshop (Options.Room) the room sees them first
// (its messages, its keys, and the keys it refuses a follower) and hears
// afterwards what changed (follow.go).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if drop, cmd := m.guard(msg); drop {
		return m, cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && !key.Matches(k, m.keys.Quit) {
		m.quitArmed = false
	}
	if m.opts.Room == nil {
		return m.update(msg)
	}
	if done, cmd := m.presenceMsg(msg); done { // the overview, the name prompt (presence_keys.go)
		return m.report(), cmd
	}
	lines := m.roomLines()
	if m.roomMsg(msg) {
		return m.relayout(lines).report(), nil
	}
	before := m.where()
	next, cmd := m.update(msg)
	m = next.(Model)
	m.roomAfter(before)
	return m.relayout(lines).report(), cmd
}

// update routes a message to the screens, the room aside.
func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = max(msg.Width, 0), max(msg.Height, 0)
		m.layout()
		return m, nil
	case challengesMsg:
		if msg.err != nil {
			m.err = "the built-in challenges did not load: " + msg.err.Error()
			return m, nil
		}
		if m.picker.challenges == nil {
			m.picker.challenges = msg.cs
			m.picker.refresh()
		}
		return m, nil
	case tea.BackgroundColorMsg:
		dark := msg.IsDark()
		*m.styles = *NewStyles(dark)
		m.help.Styles = m.styles.helpStyles()
		m.picker.setStyles(m.styles)
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case nextLessonMsg:
		return m.openNext(msg)
	case tea.MouseClickMsg, tea.MouseWheelMsg:
		return m.mouse(msg.(tea.MouseMsg))
	}
	if m.screen == screenPlayer {
		return m, m.player.Update(msg)
	}
	return m, m.picker.Update(msg)
}

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	// While the learner types (a picker filter, the sandbox's duration
	// prompt) letters are text, not commands. An open menu takes q and esc
	// as its own.
	var open modal
	if m.screen == screenPlayer {
		open = m.player.steps().modal
	}
	filtering := (m.screen == screenPicker && m.picker.filtering()) || (open != nil && open.text())
	switch {
	case key.Matches(msg, m.keys.Filter.Quit): // ctrl+c, which quits even while typing
		return m, tea.Quit
	case !filtering && key.Matches(msg, m.keys.Quit) && open == nil:
		return m.quit()
	case !filtering && key.Matches(msg, m.keys.Help),
		// esc closes the help first, as it closes a menu: it went back to
		// the picker from under the help, leaving the lesson or the sandbox.
		!filtering && open == nil && m.help.ShowAll && key.Matches(msg, m.keys.Back):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
		return m, nil
	}
	m.err = ""
	if m.screen == screenPlayer {
		if open == nil && key.Matches(msg, m.keys.Back) {
			m.leaveLesson()
			m.screen, m.player = screenPicker, nil
			m.layout()
			return m, nil
		}
		return m, m.player.Update(msg)
	}
	if !filtering {
		switch {
		case key.Matches(msg, m.keys.Picker.Challenges):
			if err := m.picker.haveChallenges(); err != nil {
				m.err = "the built-in challenges did not load: " + err.Error()
				return m, nil
			}
			m.picker.toggleChallenges()
			return m, nil
		case key.Matches(msg, m.keys.Picker.Open) && m.picker.selectedChallenge() != nil:
			ch := m.picker.selectedChallenge()
			return m.open(func() (screen, error) {
				return newChallenge(m.keys, m.styles, ch, m.opts.Run, m.opts.Progress)
			})
		case key.Matches(msg, m.keys.Picker.Open):
			if sc := m.picker.selected(); sc != nil {
				return m.open(func() (screen, error) { return m.courseLesson(sc) })
			}
		case key.Matches(msg, m.keys.Picker.Sandbox):
			return m.open(func() (screen, error) { return newSandbox(m.keys, m.styles, m.opts.Run, m.opts.ExportDir) })
		}
	}
	return m, m.picker.Update(msg)
}

func (m Model) open(mk func() (screen, error)) (tea.Model, tea.Cmd) {
	p, err := mk()
	if err != nil {
		m.err = err.Error()
		return m, nil
	}
	m.player, m.screen = p, screenPlayer
	m.layout()
	return m, nil
}

// layout hands every child its size: the screen less the help footer.
func (m *Model) layout() {
	m.help.SetWidth(m.w)
	body := max(m.h-lipgloss.Height(m.footer())-m.roomLines(), 0)
	m.picker.SetSize(m.w, body)
	if m.player != nil {
		m.player.SetSize(m.w, body)
	}
	m.ws.setSize(m.w, body)
}

func (m Model) footer() string {
	var km help.KeyMap = m.picker
	if m.screen == screenPlayer && m.player != nil {
		km = m.player
	}
	km = m.withPresenceKeys(m.withRoomKeys(km))
	render := func() string {
		f := helpView(m.help, km, m.w) // footer.go: whole keys, never cut
		if m.err != "" {
			f = m.styles.Bad.Render(wrap(m.err, max(m.w, 1))) + "\n" + f // wrapped: a warning cut with "…" lost its end
		}
		return f
	}
	if m.footers == nil {
		return render()
	}
	return m.footers.view(m.help, km, m.styles, m.err, render)
}

// View renders the screen in front, or asks for a larger terminal.
func (m Model) View() tea.View {
	var s string
	switch {
	case m.w == 0 || m.h == 0:
		s = ""
	case m.w < MinWidth || m.h < MinHeight:
		msg := fmt.Sprintf("Make the terminal larger: tokensim needs %d×%d, this is %d×%d. (%s quits.)", MinWidth, MinHeight, m.w, m.h, m.keys.Quit.Help().Key)
		s = clampBlock(lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, wrap(msg, max(m.w-2, 10))), m.w, m.h)
	default:
		var body string
		if m.screen == screenPlayer {
			body = m.player.View()
		} else {
			body = m.picker.View()
		}
		body = m.ws.body(body) // the overview or the name prompt, if open
		footer := m.footer()
		if helpScreen(footer, m.h) {
			// The full help would leave the screen too few rows: it takes
			// the screen, whole, until ? closes it.
			s = clampBlock(footer, m.w, m.h)
			break
		}
		top := m.roomLine() // the workshop's line, if any
		if top != "" {
			top += "\n"
		}
		s = top + clampBlock(body, m.w, m.h-lipgloss.Height(footer)-m.roomLines()) + "\n" + clampBlock(footer, m.w, lipgloss.Height(footer))
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion // clicks and the wheel (mouse.go)
	v.WindowTitle = "tokensim"
	return v
}
