package progress

import (
	"fmt"
	"strings"
)

// challengePrefix puts challenges in a namespace of their own in a store:
// a challenge may share its id with a lesson (two-tabs, say) without the
// two records colliding.
const challengePrefix = "challenge:"

// ChallengeID is the store's id of challenge id's record.
func ChallengeID(id string) string { return challengePrefix + id }

// IsChallenge reports whether a store id is a challenge's (ChallengeID).
func IsChallenge(id string) bool { return strings.HasPrefix(id, challengePrefix) }

// SymbolTried marks a challenge tried and not yet solved.
const SymbolTried = "◐"

// ChallengeMark says where the learner is in a challenge, in words after a
// symbol, never by colour alone: "○ not tried", "◐ tried, not solved
// yet", "✓ solved · ★★☆ 2 of 3 stars". A challenge's record is Done once
// solved, Stars its best score, and Step the actions of the latest try.
func ChallengeMark(r Record, ok bool) string {
	switch {
	case ok && r.Done:
		return fmt.Sprintf("%s solved · %s", SymbolDone, Stars(r.Stars))
	case ok && r.Started():
		return SymbolTried + " tried, not solved yet"
	}
	return SymbolNotStarted + " not tried"
}

// Stars is a score of 1 to 3 stars in symbols and words: "★★☆ 2 of 3 stars".
func Stars(n int) string {
	n = min(max(n, 0), 3)
	return strings.Repeat("★", n) + strings.Repeat("☆", 3-n) + fmt.Sprintf(" %d of 3 stars", n)
}
