package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// ServeEventsMsg carries a batch of serve mode's events (sim.Server.Follow)
// to the live view.
type ServeEventsMsg struct{ Events []sim.Event }

// ServeModel is `tokensim serve --tui`: the player's sequence diagram and
// inspector over the live traffic of a serve world. Each request a real
// client sends becomes a step, with the events it caused; a clock jump or a
// policy change is a step of its own. The view follows the newest step
// while the viewer is on it, and stays put while they look back.
type ServeModel struct {
	Model
	live *liveView
}

// liveView is the live view's screen: a stepper over the served world's
// traffic, which grows a step with each request (add).
type liveView struct {
	*stepper
	world *sim.World
}

func (v *liveView) ShortHelp() []key.Binding  { return serveHelp{v.keys}.ShortHelp() }
func (v *liveView) FullHelp() [][]key.Binding { return serveHelp{v.keys}.FullHelp() }

// NewServe makes the live view of w, served at origin. guide is what the
// banner tells a newcomer (the issuer's endpoints, the clients and users,
// the curl steps): the view hides the banner, so the Narration tab shows
// guide until the first request arrives.
func NewServe(w *sim.World, origin, guide string) (ServeModel, error) {
	m, err := New(Options{ExportDir: "."})
	if err != nil {
		return ServeModel{}, err
	}
	sc := &scenarios.Scenario{ID: "serve", Title: "tokensim serve " + origin,
		Summary: "Live traffic from real clients."}
	run := &scenarios.Run{Scenario: sc, Preset: w.PresetName(), Policy: w.Policy(), World: w, Initial: w.Inspect()}
	v := &liveView{stepper: newStepper(m.keys, m.styles, run), world: w}
	v.tl.served, v.tl.intro = true, guide
	v.scheme = originScheme(origin) // what curl uses for y (clipboard.go)
	v.status = "waiting for requests at " + origin + "; q stops the server"
	m.player, m.screen = v, screenPlayer
	return ServeModel{Model: m, live: v}, nil
}

// Update adds served events as steps, keeps the lesson-only keys (what-if,
// export, back to the picker) out of the live view, and passes the rest to
// the player.
func (s ServeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ServeEventsMsg:
		s.live.add(msg.Events)
		return s, nil
	case tea.KeyPressMsg:
		k := s.keys
		if key.Matches(msg, k.Player.WhatIf, k.Player.Export, k.Back) {
			s.live.status = "live view: what-if, export and the lesson picker are for lessons; q stops the server"
			return s, nil
		}
	}
	m, cmd := s.Model.Update(msg)
	s.Model = m.(Model)
	return s, cmd
}

// add turns a batch of events into steps: a request from a client (the
// user's browser or an app) starts one, and the events that follow it in
// the batch (what its handler caused, the API's own calls to the AS) belong
// to it.
func (v *liveView) add(evs []sim.Event) {
	follow := v.tl.cur == len(v.tl.steps)-1
	start := len(v.tl.steps)
	var cur *scenarios.StepResult
	for _, e := range evs {
		if cur == nil || serveStarts(e) {
			if cur != nil {
				v.tl.steps = append(v.tl.steps, *cur)
			}
			cur = &scenarios.StepResult{Index: len(v.tl.steps) + 1, Step: serveStep(e), Outcome: serveOutcome(e)}
		}
		cur.Events = append(cur.Events, e)
	}
	if cur == nil {
		return
	}
	v.tl.steps = append(v.tl.steps, *cur)
	// Every step of the batch shows the state after it: the world has no
	// snapshot of the moments in between, and serving goes on meanwhile.
	snap := v.world.Inspect()
	for i := start; i < len(v.tl.steps); i++ {
		v.tl.steps[i].Snapshot = snap
	}
	v.tl.run.Steps = v.tl.steps
	if follow {
		v.tl.cur = len(v.tl.steps) - 1
	}
	n := v.world.Counts().Exchanges
	v.status = fmt.Sprintf("%d %s so far", n, text.Plural(n, "request", "requests"))
	v.SetSize(v.w, v.h)
}

// serveStarts reports whether e starts a step: a client's request, or an
// event no request caused: the operator moving the clock, changing a knob,
// rotating keys or injecting a fault (whose own exchanges, the attacker's
// replay, belong to its step).
func serveStarts(e sim.Event) bool {
	switch e.Kind {
	case sim.KindExchange:
		return e.From == sim.ActorUser || e.From == sim.ActorApp
	case sim.KindClock, sim.KindPolicy, sim.KindKeys, sim.KindFault:
		return true
	}
	return false
}

func serveStep(e sim.Event) *scenarios.Step {
	st := &scenarios.Step{Do: "serve"}
	switch e.Kind {
	case sim.KindExchange:
		st.Title = fmt.Sprintf("%s: %s %s", e.From.Title(), e.Method, e.Path)
		st.Narration = e.Summary
	default:
		st.Title, st.Narration = string(e.Kind), e.Summary
	}
	return st
}

func serveOutcome(e sim.Event) sim.Outcome {
	if e.Kind != sim.KindExchange {
		return sim.Outcome{}
	}
	return sim.Outcome{Status: e.Status, Error: e.Error, Reason: e.Reason, Token: e.Token}
}
