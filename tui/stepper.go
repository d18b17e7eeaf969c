package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
)

// Autoplay speeds, slowest last.
var speeds = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second}

// stepper shows a run step by step: a header, the sequence diagram and the
// inspector's tabs, over one timeline. It moves between steps, answers
// quizzes, switches tabs, scrolls and autoplays; a lesson, the sandbox and
// the live view each own one and add their own keys (what-if, export, the
// sandbox's actions). Every step of a lesson is computed up front, so
// stepping in either direction only moves an index: no replay, no
// recomputation.
type stepper struct {
	keys *KeyMap
	st   *Styles
	tl   timeline
	dia  diagram
	insp inspector
	w, h int

	auto  bool
	speed int // index into speeds
	tick  int // generation of the autoplay timer: stale ticks are ignored

	modal  modal  // an open menu or prompt; nil for none
	status string // the answer to the last key, in the header
	whatIf string // the what-if in force, in words; "" for none

	exported exportMark // what the last export wrote (input.go)
	hop      hopSel     // the exchange selected with ] and [ (hop.go)
	tok      hopSel     // the token selected on the Tokens tab (clipboard.go)
	at       at         // where View last drew the panels (mouse.go)
	scheme   string     // the origins' scheme for curl; "" is https (clipboard.go)
}

// newStepper shows the run r.
func newStepper(k *KeyMap, st *Styles, r *scenarios.Run) *stepper {
	s := &stepper{keys: k, st: st, insp: newInspector(k), speed: 2}
	s.show(newTimeline(r))
	return s
}

// show replaces the timeline, keeping the panels bound to it.
func (s *stepper) show(t timeline) {
	s.tl = t
	s.dia.t, s.dia.st = &s.tl, s.st
	s.insp.t, s.insp.st = &s.tl, s.st
}

// steps is the stepper itself: a screen that embeds it has it promoted.
func (s *stepper) steps() *stepper { return s }

// autoplayMsg advances autoplay; gen discards ticks of a stopped timer.
// s is the stepper that armed it: gen alone let the tick of a lesson closed
// while autoplaying drive the next lesson's autoplay ahead of its timer.
type autoplayMsg struct {
	s   *stepper
	gen int
}

// exportedMsg reports where an export went.
type exportedMsg struct {
	path string
	err  error
	mark exportMark // what was written, for the sandbox's unsaved steps (input.go)
}

// SetSize lays the panels out: side by side from 120 columns, stacked
// below that (the inspector folds its panels into tabs either way).
func (s *stepper) SetSize(w, h int) {
	s.w, s.h = w, h
	body := max(h-2, 0) // header and a rule
	if w >= 120 {
		dw := w * 55 / 100
		s.dia.SetSize(dw, body)
		s.insp.SetSize(w-dw-2, body) // a rule and a space between the panels
	} else {
		s.stack(w, body) // layout.go
	}
	if s.modal != nil {
		s.modal.SetSize(s.insp.w, s.insp.h)
	}
}

// open shows a modal in the inspector's place.
func (s *stepper) open(m modal) {
	s.modal = m
	s.SetSize(s.w, s.h) // the layout gives a menu its room; sizes m too
}

// openMenu shows a menu in the inspector's place.
func (s *stepper) openMenu(m *menu) {
	m.keys, m.st = s.keys, s.st
	s.open(m)
}

// menu is the open menu, or nil.
func (s *stepper) menu() *menu {
	m, _ := s.modal.(*menu)
	return m
}

// helpFor is the help of the open modal, or else own.
func (s *stepper) helpFor(own help.KeyMap) help.KeyMap {
	if s.modal != nil {
		return s.modal
	}
	return stepHelp{own, s} // footer.go: a quiz's keys, autoplay's speed
}

// Update handles the stepper's keys and timer messages.
func (s *stepper) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case autoplayMsg:
		if !s.auto || msg.s != s || msg.gen != s.tick {
			return nil
		}
		// A tick that finds a quiz waiting (stepped onto by hand while
		// autoplay ran) must not move past it: next refuses to, and so
		// does autoplay.
		if s.tl.hidden(s.tl.cur) {
			s.auto = false
			return nil
		}
		moved := s.next()
		s.SetSize(s.w, s.h)
		if !moved || s.tl.hidden(s.tl.cur) {
			s.auto = false // stop at the end, and at a quiz: predict first
			return nil
		}
		return s.scheduleTick()
	case exportedMsg:
		if msg.err != nil {
			s.status = "export failed: " + msg.err.Error()
		} else {
			s.status = "exported to " + msg.path
			s.exported = msg.mark
		}
		return nil
	case tea.KeyPressMsg:
		defer s.SetSize(s.w, s.h) // a step may open or close a quiz: re-balance the panels
		return s.key(msg)
	}
	return nil
}

func (s *stepper) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	if s.modal != nil {
		cmd := s.modal.Update(msg)
		if s.modal != nil && s.modal.closed() {
			s.modal = nil
		}
		return cmd
	}
	// A digit answers a waiting quiz only while its question is on screen
	// (the Narration tab); on any other tab it picks a tab, as it always
	// does. Answering from another tab spent the digit a learner pressed
	// to get back to the question on an answer they never chose.
	if n, ok := k.digit(msg); ok {
		if s.tl.hidden(s.tl.cur) && s.insp.tab == tabNarration {
			if q := s.tl.steps[s.tl.cur].Text.Quiz; n <= len(q.Options) {
				s.tl.answered[s.tl.cur] = n
				s.status = ""
			} else {
				s.status = fmt.Sprintf("no option %d: press %s to answer", n, digitRange(len(q.Options)))
			}
			return nil
		}
		if n <= tabCount {
			s.insp.setTab(n - 1) // the status stays: it answers the last action, not a tab
		} else {
			s.status = fmt.Sprintf("no tab %d: press %s for a tab", n, digitRange(tabCount))
		}
		return nil
	}
	s.status = ""
	switch {
	case key.Matches(msg, k.Player.Next):
		if s.tl.hidden(s.tl.cur) {
			s.status = predictFirst
		} else if !s.next() {
			s.status = "that was the last step"
		}
	case key.Matches(msg, k.Player.Prev):
		if s.tl.cur > -1 {
			s.tl.cur--
		}
	case key.Matches(msg, k.Player.First):
		s.tl.cur = -1
	case key.Matches(msg, k.Player.Last):
		// Last stops at the next quiz waiting for an answer; at one, it
		// must not jump over it (which revealed the outcome unpredicted).
		if s.tl.hidden(s.tl.cur) {
			s.status = predictFirst
			break
		}
		for s.next() && !s.tl.hidden(s.tl.cur) {
		}
	case key.Matches(msg, k.Player.Autoplay):
		s.auto = !s.auto
		if s.auto && s.tl.hidden(s.tl.cur) {
			s.auto, s.status = false, predictFirst // as for next: answer first
		}
		if s.auto {
			return s.scheduleTick()
		}
	case key.Matches(msg, k.Player.Faster), key.Matches(msg, k.Player.Slower):
		if key.Matches(msg, k.Player.Faster) {
			s.speed = max(s.speed-1, 0)
		} else {
			s.speed = min(s.speed+1, len(speeds)-1)
		}
		s.status = "autoplay " + text.FormatDuration(speeds[s.speed]) + " a step" // the key's answer, autoplay on or off
	case key.Matches(msg, k.Player.DiagramUp):
		s.dia.scroll(-3)
	case key.Matches(msg, k.Player.DiagramDown):
		s.dia.scroll(3)
	case key.Matches(msg, k.Player.NextHop, k.Player.PrevHop):
		by := 1
		if key.Matches(msg, k.Player.PrevHop) {
			by = -1
		}
		if s.insp.tab == tabTokens {
			s.moveToken(by) // on the Tokens tab, ] and [ pick the token y copies
		} else {
			s.moveHop(by)
		}
	case key.Matches(msg, k.Player.Copy):
		return s.copySelected()
	default:
		return s.insp.Update(msg) // its tabs and scrolling
	}
	return nil
}

// noteText is the Narration tab's note: the what-if in force.
func (s *stepper) noteText() string {
	if s.whatIf != "" {
		return "what-if: " + s.whatIf
	}
	return ""
}

// predictFirst is the status when a key would step past an unanswered quiz.
const predictFirst = iconQuiz + " predict first: press a number to answer"

// next moves to the next step; false at the end.
func (s *stepper) next() bool {
	if s.tl.cur+1 >= len(s.tl.steps) {
		return false
	}
	s.tl.cur++
	// A quiz waiting for an answer shows its question, which is on the
	// Narration tab. From another tab the question was off screen, and the
	// digit a learner pressed to get back to a tab answered it unread.
	if s.tl.hidden(s.tl.cur) {
		s.insp.setTab(tabNarration)
	}
	return true
}

// goTo shows step n (1-based; 0 is before the first), as an instructor's
// follower does: autoplay stops, and a quiz waiting shows its question.
func (s *stepper) goTo(n int) {
	s.tl.cur = min(max(n-1, -1), len(s.tl.steps)-1)
	s.auto = false
	if s.tl.hidden(s.tl.cur) {
		s.insp.setTab(tabNarration) // the question, as when stepping onto it
	}
}

func (s *stepper) scheduleTick() tea.Cmd {
	s.tick++
	gen := s.tick
	return tea.Tick(speeds[s.speed], func(time.Time) tea.Msg { return autoplayMsg{s, gen} })
}

// View renders the header, the diagram and the inspector.
func (s *stepper) View() string {
	if s.w <= 0 || s.h <= 0 {
		return ""
	}
	s.syncHop() // a step moved since: the selection is gone
	s.insp.tok = s.selectedToken()
	header := clampBlock(s.header(), s.w, 1)
	rule := s.st.Subtle.Render(strings.Repeat("─", s.w))
	var right string
	if s.modal != nil {
		right = clampBlock(s.modal.View(), s.insp.w, s.insp.h)
	} else {
		s.insp.note = s.noteText()
		right = clampBlock(s.insp.View(), s.insp.w, s.insp.h)
	}
	left := clampBlock(s.dia.View(), s.dia.w, s.dia.h)
	var body string
	// Below the header and its rule: the diagram, then the inspector to
	// its right (a rule and a space between) or under it (a rule between).
	s.at = at{diaY: 2, inspY: 2, inspX: s.dia.w + 2}
	if s.w < 120 {
		s.at.inspX, s.at.inspY = 0, 2+s.dia.h+1
	}
	if s.w >= 120 {
		// Both panels are clamped to exactly their size: join them line by
		// line, without measuring every line again as JoinHorizontal does.
		ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
		sep := s.st.Subtle.Render("│ ")
		var b strings.Builder
		for i := range max(len(ls), len(rs)) {
			if i > 0 {
				b.WriteByte('\n')
			}
			if i < len(ls) {
				b.WriteString(ls[i])
			} else {
				b.WriteString(strings.Repeat(" ", s.dia.w))
			}
			b.WriteString(sep)
			if i < len(rs) {
				b.WriteString(rs[i])
			}
		}
		body = b.String()
	} else {
		body = left + "\n" + rule + "\n" + right
	}
	return clampBlock(header+"\n"+rule+"\n"+body, s.w, s.h)
}
