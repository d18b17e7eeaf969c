package scenarios

import (
	"errors"
	"fmt"

	"github.com/tokensim/tokensim/internal/text"
)

// Live is a run built one action at a time: the sandbox's free play. Each
// action goes through the same table, with the same parameter checks, as a
// scenario file's steps.
type Live struct {
	Run
}

// NewLive starts free play on a fresh world of the given kind.
func NewLive(client, storage, topology string, opts Options) (*Live, error) {
	sc := &Scenario{ID: "sandbox", Title: "Sandbox", Summary: "Free play on a fresh world.",
		Client: client, Storage: storage, Topology: topology, Source: "sandbox"}
	return liveOn(sc, opts)
}

// liveOn starts free play on a fresh world as sc describes it (its client,
// storage, topology, preset and settings), without running its steps.
func liveOn(sc *Scenario, opts Options) (*Live, error) {
	world := *sc
	world.Steps = nil
	r, err := Execute(&world, opts)
	if err != nil {
		return nil, err
	}
	return &Live{Run: *r}, nil
}

// Do performs one action with its parameters (defaults filled in) and
// records it as the next step.
func (l *Live) Do(action string, params map[string]string) (StepResult, error) {
	a, ok := actions[action]
	if !ok {
		return StepResult{}, fmt.Errorf("unknown action %q%s", action, text.DidYouMean(action, Actions()))
	}
	p, probs := a.checkParams(params)
	if len(probs) > 0 {
		return StepResult{}, errors.New(probs[0].msg)
	}
	st := &Step{Do: action, Title: liveTitle(action, p), Params: p}
	res := l.step(len(l.Steps)+1, st)
	l.Steps = append(l.Steps, res)
	return res, nil
}

// Branch returns free play replayed on a fresh world through its first n
// steps, to go on from there: the world as it was after step n, as a value
// of its own, without the steps after it. A world is deterministic (one
// seeded source of entropy, one virtual clock), so the same options and
// the same actions give the same events, tokens and snapshots as the
// steps it replays. l is unchanged.
func (l *Live) Branch(n int) (*Live, error) {
	if n < 0 || n > len(l.Steps) {
		return nil, fmt.Errorf("no step %d to branch from (have %d)", n, len(l.Steps))
	}
	// The world as it started, preset and settings included (a
	// challenge's world has both), before the steps replayed below.
	b, err := liveOn(l.Scenario, l.Options)
	if err != nil {
		return nil, err
	}
	for _, res := range l.Steps[:n] {
		b.Steps = append(b.Steps, b.step(len(b.Steps)+1, res.Step))
	}
	return b, nil
}

// liveTitle names a sandbox step the way a scenario author would.
func liveTitle(action string, p map[string]string) string {
	switch action {
	case "call":
		return "the app calls " + p["method"] + " " + p["path"]
	case "attacker.call":
		return "the attacker calls " + p["method"] + " " + p["path"]
	case "advance":
		if p["until"] != "" {
			return "advance until " + p["until"]
		}
		return "advance " + p["by"]
	case "steal":
		return "steal the " + p["token"] + " token via " + p["from"]
	case "set":
		return "set " + p["key"] + " = " + p["value"]
	case "admin-revoke":
		return "an administrator revokes " + p["user"] + "'s sessions"
	case "admin-disable":
		return "an administrator disables " + p["user"] + "'s account"
	case "change-password":
		return p["user"] + "'s password is changed"
	case "revoke-consent":
		return p["user"] + " withdraws the app's access"
	case "attacker.forge":
		return "the attacker forges a token (" + p["forgery"] + ") and calls " + p["method"] + " " + p["path"]
	case "race":
		return p["tabs"] + " tabs refresh at once"
	}
	if t, ok := map[string]string{
		"login": "log in", "refresh": "the app refreshes", "logout": "log out",
		"attacker.refresh": "the attacker refreshes", "attacker.ride": "injected script rides the session",
		"forget": "the app forgets its tokens", "end-session": "log out at the AS (RP-initiated)",
		"attacker.silent-login": "injected script logs in silently",
	}[action]; ok {
		return t
	}
	return action
}
