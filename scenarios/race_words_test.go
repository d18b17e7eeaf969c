package scenarios

import (
	"testing"

	"github.com/tokensim/tokensim/sim"
)

// TestRaceOutcomeWords: a race every tab won reads "both tabs" for two, as
// English says it, and "all N tabs" for more (issue 14, polish); the count
// is the engine's, one outcome per tab.
func TestRaceOutcomeWords(t *testing.T) {
	ok := sim.Outcome{Status: 200}
	for n, want := range map[int]string{2: "both tabs got new tokens", 3: "all 3 tabs got new tokens"} {
		outs := make([]sim.Outcome, n)
		for i := range outs {
			outs[i] = ok
		}
		if got := raceOutcome(outs).Reason; got != want {
			t.Errorf("%d tabs: %q, want %q", n, got, want)
		}
	}
	lost := raceOutcome([]sim.Outcome{ok, {Status: 400, Error: "invalid_grant", Reason: "reuse"}})
	if lost.Reason != "tab 2 of 2: reuse" {
		t.Errorf("a lost race: %q", lost.Reason)
	}
}
