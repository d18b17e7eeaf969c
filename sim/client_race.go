package sim

import (
	"errors"
	"fmt"
)

// RaceTabs says whether RaceRefresh can race n tabs: the one tab limit,
// which the scenario validator asks too.
func RaceTabs(n int) error {
	if n < MinRaceTabs || n > MaxRaceTabs {
		return fmt.Errorf("%w, got %d", ErrRaceTabs, n)
	}
	return nil
}

// CheckRace says whether the tabs of an app keeping its tokens in s, in a
// world of topology t, can race: a first-party app's tabs carry the
// refresh token in a cookie the browser attaches at send time, and the
// tabs of an app with a BFF or a token-mediating backend hold no refresh
// token at all (the backend refreshes for them), so only a browser-only
// app's tabs, sharing one store, can. RaceRefresh and the scenario
// validator both ask it.
func (t Topology) CheckRace(s Storage) error {
	switch {
	case t == TopologyFirstParty:
		return errors.New("a first-party app's refresh token is a cookie the browser sends itself: race tabs in the OAuth topology")
	case s == StorageCookie || s == StorageMediated:
		return errors.New("the tabs of an app with a BFF or a token-mediating backend hold no refresh token: the backend refreshes for them; race tabs of a browser-only app")
	}
	return nil
}

// RaceRefresh makes n tabs of the app (the app itself and n−1 new tabs
// sharing its token store, as tabs of one browser share localStorage)
// refresh at the same moment: every tab reads the refresh token before any
// request lands. That interleaving is what breaks rotation: the AS sees
// the same refresh token twice, and without a grace period it must treat
// the second as reuse and revoke the family (RFC 9700 §4.14.2; checklist
// item 80). The requests then reach the AS in tab order, so a race plays
// out the same on every run.
//
// With single_flight on, the later tabs find the first tab's refresh under
// way and wait for its result instead of sending their own (the client-side
// fix). With reuse_grace, the AS forgives the repeat (the server-side fix).
//
// The outcomes are the tabs', in order. A first-party app's tabs carry the
// refresh token in a cookie the browser attaches at send time, so this
// race needs the OAuth topology.
func (w *World) RaceRefresh(n int) ([]Outcome, error) {
	if err := RaceTabs(n); err != nil {
		return nil, err
	}
	if err := w.app.topology().CheckRace(w.app.storage); err != nil {
		return nil, err
	}
	tabs := []*Client{w.app}
	for len(tabs) < n {
		tabs = append(tabs, w.NewTab())
	}
	type start struct {
		f      *flight
		rt     string
		leader bool
	}
	starts := make([]start, n)
	for i, tab := range tabs {
		f, rt, leader := tab.startRefresh()
		starts[i] = start{f, rt, leader}
		switch {
		case !leader:
			w.env.emit(Event{Kind: KindClientNote, From: ActorApp,
				Summary: fmt.Sprintf("tab %d finds a refresh already under way in the shared store and waits for its result (single-flight)", i+1)})
		case rt == "":
			w.env.emit(Event{Kind: KindClientNote, From: ActorApp,
				Summary: fmt.Sprintf("tab %d finds no refresh token in the shared store", i+1)})
		default:
			label := w.as.explain(rt).label
			w.env.emit(Event{Kind: KindClientNote, From: ActorApp, Token: label,
				Summary: fmt.Sprintf("tab %d reads refresh token %s from the shared store and starts a refresh; no answer has come back yet", i+1, label)})
		}
	}
	outs := make([]Outcome, n)
	for i, s := range starts {
		if s.leader {
			before := w.env.log.Len()
			outs[i] = tabs[i].finishRefresh(s.f, s.rt)
			w.markTab(before, i+1)
		}
	}
	for i, s := range starts {
		if !s.leader {
			<-s.f.done // its leader finished above, or is another caller's refresh
			outs[i] = s.f.out
		}
	}
	return outs, nil
}

// markTab marks the app's exchanges after the first n events as tab's: the
// tabs finish their refreshes one after another, so what the app sent
// while one did is that tab's.
func (w *World) markTab(n, tab int) {
	for seq := n + 1; seq <= w.env.log.Len(); seq++ {
		w.env.log.update(seq, func(e *Event) {
			if e.Kind == KindExchange && e.From == ActorApp {
				e.Tab = tab
			}
		})
	}
}
