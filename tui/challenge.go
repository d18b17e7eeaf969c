package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/scenarios"
)

// iconChallenge heads a challenge's panel.
const iconChallenge = "◎"

// challengeTries is what the panel says of a try before the first action:
// the rule the engine applies (scenarios.Attempt.Check), on screen.
const challengeTries = "After each action the engine checks the goal. An action that leaves it unmet is a try, and each try shows the next hint."

// challenge is a level to solve (issue 15, section 3): the sandbox's
// panels and action keys over a scenarios.Attempt, with the challenge's
// goal and the engine's verdict in a panel below them. The actions it does
// not allow have their keys switched off, so neither the keys nor the help
// offer them, and the attempt refuses them anyway (ErrNotAllowed).
type challenge struct {
	*sandbox
	ch      *scenarios.Challenge
	att     *scenarios.Attempt
	verdict *scenarios.Verdict // the engine's, after the latest action; nil before one
	store   progress.Store     // nil: no progress kept
	saved   progress.Record
	// fullW, fullH are the screen's size: the panel takes the bottom
	// rows, so that the stepper's rows (and its mouse areas) stay where
	// they are.
	fullW, fullH int
	// whole shows the goal and verdict over the whole screen: on a small
	// one the panel cannot hold every condition the engine explains.
	whole bool
}

// errSolved refuses an action once the goal is met: the score stands.
var errSolved = errors.New("solved: z plays the challenge again, esc goes back")

// errStuck refuses an action once the goal can no longer be met.
var errStuck = errors.New("this attempt can no longer meet the goal: z starts again")

// newChallenge starts a fresh attempt at ch, with keys of its own: a copy
// of k with the sandbox's actions ch does not allow switched off.
func newChallenge(k *KeyMap, st *Styles, ch *scenarios.Challenge, opts scenarios.Options, store progress.Store) (*challenge, error) {
	keys := challengeKeys(k, ch)
	c := &challenge{ch: ch, store: store}
	c.sandbox = &sandbox{stepper: &stepper{keys: keys, st: st, insp: newInspector(keys), speed: 2}, opts: opts}
	c.act = c.attemptDo
	if store != nil {
		c.saved, _ = store.Load(progress.ChallengeID(ch.ID))
	}
	if err := c.begin(); err != nil {
		return nil, err
	}
	return c, nil
}

// begin sets the challenge's world up afresh: its setup steps run and
// shown, no verdict yet.
func (c *challenge) begin() error {
	att, err := c.ch.Start(c.opts)
	if err != nil {
		return err
	}
	c.att, c.verdict = att, nil
	c.start(att.Live)
	c.tl.challenge = true
	c.tl.cur = len(c.tl.steps) - 1
	c.auto = false
	c.status = ""
	return nil
}

// attemptDo is the sandbox's act: one action through the attempt, then the
// engine's verdict, saved with the learner's progress.
func (c *challenge) attemptDo(action string, params map[string]string) (scenarios.StepResult, error) {
	switch {
	case c.verdict != nil && c.verdict.Met:
		return scenarios.StepResult{}, errSolved
	case c.verdict != nil && c.verdict.Stuck:
		return scenarios.StepResult{}, errStuck
	}
	res, err := c.att.Do(action, params)
	if err != nil {
		return res, err
	}
	v := c.att.Check()
	c.verdict = &v
	c.save()
	return res, nil
}

// save records the try: tried, or solved with the best stars so far.
func (c *challenge) save() {
	if c.store == nil || c.verdict == nil {
		return
	}
	r := c.saved
	r.Step = len(c.att.Learner())
	if c.verdict.Met {
		r.Done = true
		r.Stars = max(r.Stars, c.verdict.Score.Stars)
	}
	c.saved = r
	if err := c.store.Save(progress.ChallengeID(c.ch.ID), r); err != nil {
		c.status = err.Error()
	}
}

// Update takes the challenge's keys, then the allowed sandbox actions,
// then the stepper's.
func (c *challenge) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && c.modal == nil {
		switch {
		case key.Matches(k, c.keys.Challenge.Restart):
			if err := c.begin(); err != nil {
				c.status = "start again refused: " + err.Error()
			} else {
				c.status = "a fresh attempt: the world as the challenge sets it up"
			}
			c.SetSize(c.fullW, c.fullH)
			return nil
		case key.Matches(k, c.keys.Challenge.Whole):
			c.whole = !c.whole
			return nil
		case key.Matches(k, c.keys.Challenge.Actions):
			c.openMenu(c.actionsMenu())
			return nil
		case key.Matches(k, c.keys.Player.WhatIf):
			c.openMenu(c.knobsMenu())
			return nil
		}
		if cmd, handled := c.sandboxKey(k); handled {
			c.SetSize(c.fullW, c.fullH)
			return cmd
		}
	}
	cmd := c.stepper.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		c.SetSize(c.fullW, c.fullH) // a menu's action changed the verdict
	}
	return cmd
}

// panelRows is the height of the goal-and-verdict panel at height h: its
// text's, but never so much that the stepper above it has fewer than
// twelve rows (header, diagram, tabs and a few lines of the inspector at
// 80×24; eleven on the smallest screens), nor more than half a large one.
func (c *challenge) panelRows(h int) int {
	most := max(h-12, 3)
	switch {
	case h < 20:
		// The smallest screens: the stepper keeps its header, two rows
		// of diagram, the tabs and a few lines of the inspector.
		most = max(h-11, 3)
	case h >= 40:
		most = h / 2
	}
	return min(strings.Count(c.panel(), "\n")+1, most)
}

// SetSize gives the stepper the rows above the panel, which grows and
// shrinks with the verdict.
func (c *challenge) SetSize(w, h int) {
	c.fullW, c.fullH = w, h
	c.stepper.SetSize(w, max(h-c.panelRows(h), 0))
}

// View is the stepper with the panel under it.
func (c *challenge) View() string {
	if c.fullW <= 0 || c.fullH <= 0 {
		return ""
	}
	if c.whole {
		back := c.st.Subtle.Render(c.keys.Challenge.Whole.Help().Key + " goes back to the sandbox")
		return c.panelIn(c.fullH-1) + "\n" + clampBlock(back, c.fullW, 1)
	}
	return c.stepper.View() + "\n" + c.panelIn(c.panelRows(c.fullH))
}

// panelIn is the panel in h rows. When its text needs more, the last row
// says how many lines are hidden and which key shows them all, so that no
// part of the engine's verdict is cut off without a word.
func (c *challenge) panelIn(h int) string {
	p := c.panel()
	lines := strings.Split(p, "\n")
	if len(lines) > h && h > 0 {
		more := len(lines) - h + 1
		lines = append(lines[:h-1], c.st.Subtle.Render(fmt.Sprintf("↓ %d more line(s): %s shows the whole goal and verdict", more, c.keys.Challenge.Whole.Help().Key)))
		p = strings.Join(lines, "\n")
	}
	return clampBlock(p, c.fullW, h)
}

// panel is the goal and the engine's verdict, in words and symbols:
// never told by colour alone.
func (c *challenge) panel() string {
	st, w := c.st, max(c.fullW, 20)
	var b strings.Builder
	head := fmt.Sprintf("%s Challenge: %s", iconChallenge, c.ch.Title)
	par := fmt.Sprintf(" · par %d action(s), %s", c.ch.Par.Actions, virtual(c.ch.Par.Virtual))
	if c.fullH >= 20 {
		b.WriteString(st.Subtle.Render(strings.Repeat("─", w)) + "\n")
	}
	b.WriteString(st.Title.Render(head) + st.Subtle.Render(par) + "\n")
	v := c.verdict
	switch {
	case v == nil:
		b.WriteString(wrap("Goal: "+oneLine(c.ch.Goal), w) + "\n")
		b.WriteString(st.Subtle.Render(wrap(challengeTries, w)) + "\n")
	case v.Met:
		b.WriteString(st.OK.Render(iconOK+" Goal met.") + " " + st.Subtle.Render("z plays it again · esc back") + "\n")
		b.WriteString(st.Bold.Render(wrap(fmt.Sprintf("Score: %d action(s), %s (par %d action(s), %s): %s",
			v.Score.Actions, virtual(v.Score.Virtual), c.ch.Par.Actions, parTime(c.ch.Par.Virtual), progress.Stars(v.Score.Stars)), w)) + "\n")
		b.WriteString("As the engine checks it:\n")
		whyLines(&b, v.Why, w, true)
	case v.Stuck:
		b.WriteString(st.Bad.Render(wrap(iconBad+" This attempt can no longer meet the goal: "+oneLine(v.Why), w)) + "\n")
		b.WriteString(st.Subtle.Render("z starts again") + "\n")
	default:
		// The verdict first: on a short screen the panel keeps its top
		// rows, and the goal was on screen before the first action.
		whyLines(&b, v.Why, w, false)
		if v.Hint != "" {
			b.WriteString(st.Warn.Render(wrap("Hint: "+v.Hint, w)) + "\n")
		}
		b.WriteString(wrap("Goal: "+oneLine(c.ch.Goal), w) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// whyLines writes the engine's why, one line per condition, each marked
// met or not yet by a symbol and the engine's own words.
func whyLines(b *strings.Builder, why string, w int, met bool) {
	for _, line := range strings.Split(why, "\n") {
		switch {
		case strings.HasPrefix(line, "met: "), strings.HasPrefix(line, "not yet: "):
		case met:
			line = "met: " + line
		default:
			line = "not yet: " + line
		}
		mark := iconBad + " "
		if strings.HasPrefix(line, "met: ") {
			mark = iconOK + " "
		}
		b.WriteString(wrap(mark+line, w) + "\n")
	}
}

// virtual is a stretch of virtual time in words.
func virtual(d time.Duration) string {
	if d == 0 {
		return "no virtual time"
	}
	return text.FormatDuration(d) + " of virtual time"
}

// parTime is par's virtual time, short.
func parTime(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	return text.FormatDuration(d)
}

// oneLine folds a text written over several lines into one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *challenge) ShortHelp() []key.Binding  { return c.helpFor(challengeHelp{c.keys}).ShortHelp() }
func (c *challenge) FullHelp() [][]key.Binding { return c.helpFor(challengeHelp{c.keys}).FullHelp() }
