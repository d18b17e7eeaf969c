package text

import (
	"strconv"
	"strings"
)

// DidYouMean returns ` (did you mean "x"?)`, to append to an error about
// an unknown name s, for the candidate most likely meant, or "" when none
// is plausible. The likeliest is the closest by edit distance (Levenshtein,
// bytes), if closer than len(s)/3+2 edits (a typo: "logn" for "login");
// otherwise the first candidate, in the given order, that begins with s or
// that s begins with (an abbreviation: "val" for "validate"). The name is
// quoted as Go's %q quotes it.
func DidYouMean(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" {
		return " (did you mean " + strconv.Quote(c) + "?)"
	}
	return ""
}

// Closest is the candidate DidYouMean suggests, unquoted, or "".
func Closest(s string, candidates []string) string { return closest(s, candidates) }

// closest is the candidate DidYouMean suggests, or "".
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+2
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" || s == "" {
		return best
	}
	for _, c := range candidates {
		if c != "" && (strings.HasPrefix(c, s) || strings.HasPrefix(s, c)) {
			return c
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
