// Package suggest finds the known name a mistyped one was meant to be, for
// "did you mean" hints in error messages.
package suggest

import "strings"

// Closest returns the name in known nearest to s by edit distance
// (insertions, deletions, substitutions and swaps of neighbours, ignoring
// case), or "" when none is close enough to be a likely typo: at most one
// edit for names of up to four letters, two for longer ones, and never
// more than half of s.
func Closest(s string, known []string) string {
	low := strings.ToLower(s)
	best, bestD := "", -1
	for _, k := range known {
		d := distance(low, strings.ToLower(k))
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	limit := 2
	if len([]rune(s)) <= 4 {
		limit = 1
	}
	if bestD < 0 || bestD > limit || 2*bestD > len([]rune(s)) {
		return ""
	}
	return best
}

// Hint returns `; did you mean "X"?` for the closest known name, or "".
// Callers append it to their own message so the message's text before it
// stays as it was.
func Hint(s string, known []string) string {
	if c := Closest(s, known); c != "" && c != s {
		return `; did you mean "` + c + `"?`
	}
	return ""
}

// distance is the optimal string alignment distance between a and b: the
// Levenshtein distance plus swaps of two neighbouring letters, the most
// common typo ("trian").
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows suffice: the swap looks two rows back.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
