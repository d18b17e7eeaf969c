package progress

import (
	"slices"

	"github.com/tokensim/tokensim/scenarios"
)

// Levels are the course's levels, in the order the path takes them.
var Levels = []string{"beginner", "intermediate", "advanced"}

// Path orders the catalogue as the course: beginner, then intermediate,
// then advanced, and within a level in the catalogue's teaching order
// (the README's lesson table). A lesson of no known level comes last.
func Path(cat []*scenarios.Scenario) []*scenarios.Scenario {
	rank := func(sc *scenarios.Scenario) int {
		if i := slices.Index(Levels, sc.Level); i >= 0 {
			return i
		}
		return len(Levels)
	}
	out := slices.Clone(cat)
	slices.SortStableFunc(out, func(a, b *scenarios.Scenario) int { return rank(a) - rank(b) })
	return out
}

// After is the lesson that follows id on path, or nil when id is the
// last or not on it.
func After(path []*scenarios.Scenario, id string) *scenarios.Scenario {
	i := slices.IndexFunc(path, func(sc *scenarios.Scenario) bool { return sc.ID == id })
	if i < 0 || i+1 >= len(path) {
		return nil
	}
	return path[i+1]
}
