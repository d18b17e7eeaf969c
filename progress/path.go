package progress

import (
	"slices"

	"github.com/tokensim/tokensim/scenarios"
)

// Path orders the catalogue as the course: by level in the order of
// scenarios.Levels (beginner, intermediate, advanced), and within a level in the catalogue's teaching order
// (the README's lesson table). A lesson of no known level comes last.
func Path(cat []*scenarios.Scenario) []*scenarios.Scenario {
	rank := func(sc *scenarios.Scenario) int {
		if i := slices.Index(scenarios.Levels, sc.Level); i >= 0 {
			return i
		}
		return len(scenarios.Levels)
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
