package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/scenarios"
)

// lesson is the player of one lesson: a stepper over the lesson's run,
// with what-if replays (whatif.go) and export.
type lesson struct {
	*stepper
	sc        *scenarios.Scenario
	opts      scenarios.Options
	base      *scenarios.Run // the run as the lesson defines it
	applied   whatIf         // the what-if in force
	exportDir string
	course    course // the learner's progress and the path (resume.go, recap.go)
}

func newLesson(k *KeyMap, st *Styles, sc *scenarios.Scenario, opts scenarios.Options, exportDir string) (*lesson, error) {
	// The lesson's own run, shared with every session that opens it under
	// the same options when opts.Runs is set (a workshop): nothing changes
	// a Run once made (scenarios.RunCache).
	r, err := opts.Runs.Execute(sc, opts)
	if err != nil {
		return nil, err
	}
	return &lesson{stepper: newStepper(k, st, r), sc: sc, opts: opts, base: r, exportDir: exportDir}, nil
}

// Update adds the lesson's keys (what-if, export) to the stepper's.
func (l *lesson) Update(msg tea.Msg) tea.Cmd {
	if cmd, ok := l.courseKey(msg); ok {
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && l.modal == nil {
		switch {
		case key.Matches(k, l.keys.Player.WhatIf):
			l.status = ""
			l.openMenu(l.whatIfMenu())
			return nil
		case key.Matches(k, l.keys.Player.Export):
			l.status = ""
			return l.export()
		}
	}
	return l.saveProgress(l.stepper.Update(msg))
}

// export writes the run shown, under its what-if if one is in force.
func (l *lesson) export() tea.Cmd {
	name := l.tl.id
	if l.whatIf != "" {
		name += "-whatif"
	}
	return l.stepper.export(l.exportDir, name, func(run *scenarios.Run) string {
		if l.whatIf == "" {
			return exportNote(run)
		}
		return exportNote(run, "**What-if:** "+l.whatIf+". The outcomes below are under this change, not under the lesson's own policy.")
	})
}

func (l *lesson) ShortHelp() []key.Binding {
	return l.helpFor(l.courseHelp(playerHelp{l.keys})).ShortHelp()
}
func (l *lesson) FullHelp() [][]key.Binding {
	return l.helpFor(l.courseHelp(playerHelp{l.keys})).FullHelp()
}
