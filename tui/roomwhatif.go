package tui

import (
	"strings"

	"github.com/tokensim/tokensim/scenarios"
)

// The instructor's what-if travels with the step (FollowMsg.WhatIf): a
// follower's lesson is replayed under it, so that every screen in the
// room shows the run the instructor talks about.

// share is w as the room passes it.
func (w whatIf) share() WhatIf {
	if len(w.set) == 0 { // most of the time: no allocation per key (where)
		return WhatIf{Preset: w.preset, Storage: w.storage}
	}
	set := make([]string, len(w.set))
	for i, s := range w.set {
		set[i] = s.Key + "=" + s.Value
	}
	return WhatIf{Preset: w.preset, Storage: w.storage, Set: strings.Join(set, ",")}
}

// local is w as a lesson applies it. A setting the knobs do not offer is
// dropped: the room's what-if comes from another session's menu, which
// offers only knobChoices.
func (w WhatIf) local() whatIf {
	out := whatIf{preset: w.Preset, storage: w.Storage}
	if w.Set == "" {
		return out
	}
	for _, kv := range strings.Split(w.Set, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok && knobOffers(k, v) {
			out.set = append(out.set, scenarios.Setting{Key: k, Value: v})
		}
	}
	return out
}

// knobOffers reports whether the what-if menu offers value for the knob.
func knobOffers(key, value string) bool {
	for _, kc := range knobChoices {
		if kc.key == key {
			for _, v := range kc.values {
				if v == value {
					return true
				}
			}
		}
	}
	return false
}

// followWhatIf replays the lesson under the instructor's what-if, or
// under its own policy when the instructor has none; the follower's own
// what-if, if any, is dropped. Nothing is replayed when the lesson already
// runs under it.
func (l *lesson) followWhatIf(w WhatIf) {
	if l.applied.share() == w {
		return
	}
	if w == (WhatIf{}) {
		l.resetWhatIf()
		l.status = "the instructor's lesson runs under its own policy"
		return
	}
	l.applyWhatIf(func(x *whatIf) { *x = w.local() }, "the instructor's what-if")
}
