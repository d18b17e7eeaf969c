package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// Autoplay speeds, slowest last.
var speeds = []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second}

// player steps through a run: the scenario player, and (with live set)
// the sandbox. Every step of the run is computed up front, so stepping in
// either direction only moves an index: no replay, no recomputation.
type player struct {
	keys *KeyMap
	st   *Styles
	sc   *scenarios.Scenario
	opts scenarios.Options
	base *scenarios.Run // the run as the lesson defines it
	tl   timeline
	dia  diagram
	insp inspector
	w, h int

	auto  bool
	speed int // index into speeds
	tick  int // generation of the autoplay timer: stale ticks are ignored

	menu      *menu
	prompt    *prompt // the sandbox's custom-duration prompt
	status    string
	whatIf    string // the what-if in force, in words; "" for none
	applied   whatIf // the what-if in force
	exportDir string

	live *scenarios.Live // the sandbox's world; nil in the player
}

// autoplayMsg advances autoplay; gen discards ticks of a stopped timer.
// p is the player that armed it: gen alone let the tick of a lesson closed
// while autoplaying drive the next lesson's autoplay ahead of its timer.
type autoplayMsg struct {
	p   *player
	gen int
}

// exportedMsg reports where an export went.
type exportedMsg struct {
	path string
	err  error
}

func newPlayer(k *KeyMap, st *Styles, sc *scenarios.Scenario, opts scenarios.Options, exportDir string) (*player, error) {
	r, err := scenarios.Execute(sc, opts)
	if err != nil {
		return nil, err
	}
	p := &player{keys: k, st: st, sc: sc, opts: opts, base: r, tl: newTimeline(r), insp: newInspector(), speed: 2, exportDir: exportDir}
	return p, nil
}

// SetSize lays the panels out: side by side from 120 columns, stacked
// below that (the inspector folds its panels into tabs either way).
func (p *player) SetSize(w, h int) {
	p.w, p.h = w, h
	body := max(h-2, 0) // header and a rule
	if w >= 120 {
		dw := w * 55 / 100
		p.dia.SetSize(dw, body)
		p.insp.SetSize(w-dw-2, body) // a rule and a space between the panels
		return
	}
	// Stacked: while a quiz waits for an answer the question matters more
	// than the diagram, so the inspector gets the room.
	share := 40
	if p.tl.hidden(p.tl.cur) {
		share = 25
	}
	dh := max(body*share/100, 4)
	p.dia.SetSize(w, dh)
	p.insp.SetSize(w, max(body-dh-1, 0))
}

func (p *player) helpKeys() help.KeyMap {
	switch {
	case p.prompt != nil:
		return promptHelp{p.keys}
	case p.menu != nil:
		return menuHelp{p.keys}
	case p.live != nil:
		return sandboxHelp{p.keys}
	case p.sc.Source == serveSource:
		return serveHelp{p.keys}
	}
	return playerHelp{p.keys}
}

// Update handles keys and timer messages. The bool reports that the
// player consumed esc (closing a menu) rather than asking to leave.
func (p *player) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case autoplayMsg:
		if !p.auto || msg.p != p || msg.gen != p.tick {
			return nil, true
		}
		// A tick that finds a quiz waiting (stepped onto by hand while
		// autoplay ran) must not move past it: next refuses to, and so
		// does autoplay.
		if p.tl.hidden(p.tl.cur) {
			p.auto = false
			return nil, true
		}
		moved := p.next()
		p.SetSize(p.w, p.h)
		if !moved || p.tl.hidden(p.tl.cur) {
			p.auto = false // stop at the end, and at a quiz: predict first
			return nil, true
		}
		return p.scheduleTick(), true
	case exportedMsg:
		if msg.err != nil {
			p.status = "export failed: " + msg.err.Error()
		} else {
			p.status = "exported to " + msg.path
		}
		return nil, true
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil, true
}

func (p *player) key(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	defer p.SetSize(p.w, p.h) // a step may open or close a quiz: re-balance the panels
	k := p.keys
	if p.prompt != nil {
		v, done, closed, cmd := p.prompt.update(msg, k)
		if closed {
			p.prompt = nil
		}
		if done {
			p.do("advance", map[string]string{"by": v})
		}
		return cmd, true
	}
	if p.menu != nil {
		m, res, cmd := p.menu.update(msg, k)
		p.menu = m
		_ = res
		return cmd, true
	}
	if p.tl.hidden(p.tl.cur) {
		if n, ok := digit(msg); ok {
			if q := p.tl.steps[p.tl.cur].Step.Quiz; n <= len(q.Options) {
				p.tl.answered[p.tl.cur] = n
				p.status = ""
				return nil, true
			}
		}
	} else if n, ok := digit(msg); ok && n <= tabCount {
		p.insp.setTab(n - 1)
		return nil, true
	}
	if p.live != nil {
		if cmd, handled := p.sandboxKey(msg); handled {
			return cmd, true
		}
	}
	p.status = ""
	switch {
	case key.Matches(msg, k.Back):
		return nil, false
	case key.Matches(msg, k.Next):
		if p.tl.hidden(p.tl.cur) {
			p.status = predictFirst
		} else if !p.next() {
			p.status = "that was the last step"
		}
	case key.Matches(msg, k.Prev):
		if p.tl.cur > -1 {
			p.tl.cur--
		}
	case key.Matches(msg, k.First):
		p.tl.cur = -1
	case key.Matches(msg, k.Last):
		// Last stops at the next quiz waiting for an answer; at one, it
		// must not jump over it (which revealed the outcome unpredicted).
		if p.tl.hidden(p.tl.cur) {
			p.status = predictFirst
			break
		}
		for p.next() && !p.tl.hidden(p.tl.cur) {
		}
	case key.Matches(msg, k.NextTab):
		p.insp.setTab(p.insp.tab + 1)
	case key.Matches(msg, k.PrevTab):
		p.insp.setTab(p.insp.tab - 1)
	case key.Matches(msg, k.ScrollUp):
		p.insp.scroll(-3)
	case key.Matches(msg, k.ScrollDown):
		p.insp.scroll(3)
	case key.Matches(msg, k.Autoplay):
		p.auto = !p.auto
		if p.auto && p.tl.hidden(p.tl.cur) {
			p.auto, p.status = false, predictFirst // as for next: answer first
		}
		if p.auto {
			return p.scheduleTick(), true
		}
	case key.Matches(msg, k.Faster):
		p.speed = max(p.speed-1, 0)
	case key.Matches(msg, k.Slower):
		p.speed = min(p.speed+1, len(speeds)-1)
	case key.Matches(msg, k.WhatIf):
		p.menu = p.whatIfMenu()
	case key.Matches(msg, k.Export):
		return p.export(), true
	}
	return nil, true
}

// predictFirst is the status when a key would step past an unanswered quiz.
const predictFirst = iconQuiz + " predict first: press a number to answer"

func digit(msg tea.KeyPressMsg) (int, bool) {
	s := msg.String()
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		return int(s[0] - '0'), true
	}
	return 0, false
}

// next moves to the next step; false at the end.
func (p *player) next() bool {
	if p.tl.cur+1 >= len(p.tl.steps) {
		return false
	}
	p.tl.cur++
	// A quiz waiting for an answer shows its question, which is on the
	// Narration tab. From another tab the question was off screen, and the
	// digit a learner pressed to get back to a tab answered it unread.
	if p.tl.hidden(p.tl.cur) {
		p.insp.setTab(tabNarration)
	}
	return true
}

func (p *player) scheduleTick() tea.Cmd {
	p.tick++
	gen := p.tick
	return tea.Tick(speeds[p.speed], func(time.Time) tea.Msg { return autoplayMsg{p, gen} })
}

// export writes the run shown as Markdown, like `run --format markdown`,
// into the export directory: after a what-if, the run under the what-if,
// with its preset and settings. It never overwrites a file: a name taken
// gets -2, -3… The file write is a command, off the update path.
func (p *player) export() tea.Cmd {
	run := *p.tl.run
	run.Steps = p.tl.steps
	note := p.exportNote(&run)
	name := p.tl.id
	if p.whatIf != "" {
		name += "-whatif"
	}
	dir := p.exportDir
	return func() tea.Msg {
		var b bytes.Buffer
		if err := rendering.WriteMarkdown(&b, &run); err != nil {
			return exportedMsg{err: err}
		}
		path, err := writeNew(dir, name, ".md", withNote(b.Bytes(), note))
		return exportedMsg{path: path, err: err}
	}
}

// exportNote says, in Markdown, what the exported run was played under
// beyond the preset that WriteMarkdown names: the sandbox's world, the
// what-if in force and every setting on top of the preset.
func (p *player) exportNote(run *scenarios.Run) string {
	var lines []string
	if p.live != nil {
		app := p.live.World.App()
		lines = append(lines, fmt.Sprintf("World: %s (client `%s`, storage `%s`, topology `%s`).",
			p.tl.world, app.Kind(), app.Storage(), p.live.World.Topology()))
	}
	if p.whatIf != "" {
		lines = append(lines, "**What-if:** "+p.whatIf+". The outcomes below are under this change, not under the lesson's own policy.")
	}
	var set []string
	for _, s := range slices.Concat(run.Scenario.Set, run.Options.Set) {
		set = append(set, "`"+s.Key+"="+s.Value+"`")
	}
	if len(set) > 0 {
		lines = append(lines, fmt.Sprintf("Settings on top of preset `%s`, in order: %s.", run.Preset, strings.Join(set, ", ")))
	}
	return strings.Join(lines, "\n\n")
}

// withNote puts note after the Markdown's line naming the scenario and
// its preset, or after its title if that line is not found.
func withNote(md []byte, note string) []byte {
	if note == "" {
		return md
	}
	at := bytes.Index(md, []byte("\nScenario `"))
	if at >= 0 {
		if end := bytes.Index(md[at+1:], []byte("\n\n")); end >= 0 {
			at += 1 + end + 2
		} else {
			at = -1
		}
	}
	if at < 0 {
		at = bytes.Index(md, []byte("\n\n")) + 2
		if at < 2 {
			at = len(md)
		}
	}
	return slices.Concat(md[:at], []byte(note+"\n\n"), md[at:])
}

// writeNew writes data to dir/name+ext, or, if that file exists, to
// dir/name-2+ext, dir/name-3+ext…, never replacing a file. It returns the
// path written.
func writeNew(dir, name, ext string, data []byte) (string, error) {
	for n := 1; ; n++ {
		path := filepath.Join(dir, name+ext)
		if n > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, n, ext))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && n < 10000 {
			continue
		}
		if err != nil {
			return path, err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return path, err
	}
}

// View renders the header, the diagram and the inspector.
func (p *player) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	header := clampBlock(p.header(), p.w, 1)
	rule := p.st.Subtle.Render(strings.Repeat("─", p.w))
	note := p.whatIf
	if note != "" {
		note = "what-if: " + note
	}
	var right string
	switch {
	case p.prompt != nil:
		right = clampBlock(p.prompt.view(p.st, p.insp.w), p.insp.w, p.insp.h)
	case p.menu != nil:
		right = clampBlock(p.menu.view(p.st, p.insp.w, p.insp.h), p.insp.w, p.insp.h)
	default:
		right = clampBlock(p.insp.View(&p.tl, p.st, note), p.insp.w, p.insp.h)
	}
	left := clampBlock(p.dia.View(&p.tl, p.st), p.dia.w, p.dia.h)
	var body string
	if p.w >= 120 {
		// Both panels are clamped to exactly their size: join them line by
		// line, without measuring every line again as JoinHorizontal does.
		ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
		sep := p.st.Subtle.Render("│ ")
		var b strings.Builder
		for i := range max(len(ls), len(rs)) {
			if i > 0 {
				b.WriteByte('\n')
			}
			if i < len(ls) {
				b.WriteString(ls[i])
			} else {
				b.WriteString(strings.Repeat(" ", p.dia.w))
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
	return clampBlock(header+"\n"+rule+"\n"+body, p.w, p.h)
}

func (p *player) header() string {
	t := &p.tl
	now := t.snapshot().Time
	parts := []string{
		fmt.Sprintf("step %d/%d", t.cur+1, len(t.steps)),
		// Time since the run began: Epoch for lessons, the start of
		// `tokensim serve` for its live view (whose clock is wall time).
		fmt.Sprintf("%s %s (+%s)", iconTime, sim.FormatTime(now, t.initial.Time), sim.FormatDuration(now.Sub(t.initial.Time).Truncate(time.Second))),
		"preset " + t.preset,
	}
	if right, answered, total := t.score(); total > 0 {
		parts = append(parts, fmt.Sprintf("quiz %d of %d right", right, answered))
	}
	if p.auto {
		parts = append(parts, fmt.Sprintf("▶ autoplay %s", speeds[p.speed]))
	}
	// A run that departs from the lesson's own says so for as long as it
	// is shown, and names the steps (the count `run` and the exports
	// give: scenarios.Run.Differences).
	mark := ""
	if p.whatIf != "" {
		mark = " what-if"
	}
	if ds := t.run.Differences(); len(ds) > 0 {
		if mark != "" {
			mark += ":"
		}
		if len(ds) == 1 {
			mark += " step " + scenarios.DifferingSteps(ds) + " differs"
		} else {
			mark += " steps " + scenarios.DifferingSteps(ds) + " differ"
		}
	}
	if mark != "" {
		parts = append(parts, p.st.Changed.Render(iconChanged+mark))
	}
	if p.status != "" {
		parts = append(parts, p.st.Status.Render(p.status))
	}
	// The title goes last on narrow screens, where the line is cut: the
	// step and the clock matter more than a title the picker showed. On
	// wide ones it goes first only if the whole line fits: first, it cut
	// the status off at 120-160 columns.
	title := p.st.Title.Render(t.title)
	if p.w >= 120 {
		if line := strings.Join(append([]string{title}, parts...), " · "); ansi.StringWidth(line) <= p.w {
			return line
		}
	}
	// The status answers the last key (why a step was refused, where an
	// export went, which steps a what-if changed); last, it was cut off
	// below about 110 columns. When the line is too long it comes before
	// the clock and the preset, which the next key shows again. (Exactly w
	// cells is too long: the title follows, and cutting it takes the last
	// cell of the status for "…".)
	if p.status != "" && ansi.StringWidth(strings.Join(parts, " · ")) >= p.w {
		parts = slices.Concat(parts[:1], parts[3:], parts[1:3])
	}
	return strings.Join(append(parts, title), " · ")
}
