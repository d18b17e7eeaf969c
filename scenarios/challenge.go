package scenarios

import (
	"time"
)

// Challenge is a level the learner solves: a starting world, a goal in
// words, the actions and knobs the learner may use, and a win condition
// the engine checks against the world's state (never against prose). The
// built-ins are embedded (challenges/*.yaml); the format is
// docs/challenge-format.md.
type Challenge struct {
	ID    string
	Title string
	Goal  string // the goal in words, shown on screen
	Level string // beginner, intermediate, advanced
	Theme string // basics, refresh, theft, revocation, attacks
	// Hints are shown one by one, after failed tries (Verdict.Hint).
	Hints []string
	// Actions are the actions the learner may use, names from Actions().
	Actions []string
	// Knobs are the policy knobs the learner may change with the action
	// set; a challenge that allows none leaves set out of Actions.
	Knobs []string
	// Par is the score's reference: the fewest actions and the least
	// virtual time the author's own solution needs.
	Par Par
	// World is the starting world, in lesson syntax: client, storage,
	// topology, preset, set, and the setup steps run before the learner
	// acts (Scenario.Steps). Its ID and Title are the challenge's.
	World *Scenario
	// Win is the condition the engine checks (Attempt.Check).
	Win *Cond
	// Sources are the RFC sections and vendor pages the challenge rests on.
	Sources []string
	Source  string         // the file it came from, for messages
	Pos     Pos            // where the document starts
	At      map[string]Pos // where each top-level value was written

	parActions bool // par: actions was written (read or refused)
}

// Par is a challenge's reference score.
type Par struct {
	Actions int
	Virtual time.Duration
}

// Cond is one win condition, or a combination of them (All, Any). Each
// leaf names one engine fact (Fact) and the value wanted (Want); the
// facts and their parameters are documented in docs/challenge-format.md:
//
//   - logged_in: true|false — the app is logged in (Snapshot.LoggedIn).
//   - attacker_can_call: true|false — on a copy of the world, the attacker
//     calls the API with the access token it holds and, if it holds a
//     refresh token, refreshes and calls again with what it got.
//   - app_can_call: true|false — on a copy of the world, the attacker
//     first uses every token it holds (a call with its access token, a
//     refresh with its refresh token), then the app calls the API
//     (refreshing silently when it must).
//   - try: an action and its parameters, or steps: a sequence of them,
//     performed on a copy of the world; Want says whether the (last) one
//     must succeed (ok: true, the default) or fail.
//   - done: the learner's own steps of an action that succeeded (failed,
//     with ok: false) and have the parameters given, at least Times of
//     them (and at most AtMost when it is set).
//   - as_session: active|ended|none — the browser's AS session.
//
// Within and After bound a leaf in virtual time: it must hold no later
// than Within after the last step of action After (in the setup or the
// attempt). Introspections, when set, bounds what a probe (a copy-of-the-
// world check) may cost the API: at most that many introspection calls.
type Cond struct {
	All, Any []*Cond
	Fact     string
	Want     string            // true or false (for try and done: ok), or a session state
	Do       string            // try, done: the action
	Params   map[string]string // try: the action's parameters; done: those the counted steps have
	// Steps is, for try, a sequence done in order on the copy instead of
	// one action (call, steal, attacker.call); Want is about the last.
	Steps  []*Step
	Times  int           // done: at least this many (default 1; 0 when AtMost is set)
	AtMost *int          // done: at most this many
	Within time.Duration // with After: the deadline after that step
	After  string        // an action name
	// Introspections is the most introspection calls a probe may cost.
	Introspections *int
	Pos            Pos

	withinGiven bool // within was written, even as 0s: "not given" is not 0
}

// Attempt is one go at a challenge: a Live world set up by the
// challenge's setup steps, on which the learner acts.
type Attempt struct {
	Live      *Live
	Challenge *Challenge
	setup     int // how many of Live.Steps are the setup's
	tries     int // unmet checks after a new action: how many hints are due
	checkedAt int // the number of learner steps at the last Check
}

// Verdict is the engine's answer to Attempt.Check.
type Verdict struct {
	Met bool
	// Why is, in words built from engine facts, why the goal is met or
	// not yet met.
	Why string
	// Hint is the next of the challenge's hints after a failed try; ""
	// when met or before any action.
	Hint string
	// Stuck says the goal can no longer be met in this attempt (a time
	// window has passed, a step was done too often): start again.
	Stuck bool
	Score Score // set when Met
	// Parts is each condition of a top-level all: on its own, met or not
	// and why, for a front end that ticks them off (one part when the
	// win condition is a single fact or an any:).
	Parts []Part
}

// Part is one condition of a verdict.
type Part struct {
	Met bool
	Why string
}

// Score is how well an attempt solved its challenge: the learner's actions
// and the virtual time since the setup ended, against Par.
type Score struct {
	Actions int
	Virtual time.Duration
	// Stars: 3 when both are within par, 2 when one is, 1 otherwise.
	Stars int
}

// Learner returns the learner's own steps: Live.Steps after the setup.
func (a *Attempt) Learner() []StepResult { return a.Live.Steps[a.setup:] }

// Setup returns the setup's steps, as they ran: Live.Steps before the
// learner's.
func (a *Attempt) Setup() []StepResult { return a.Live.Steps[:a.setup] }
