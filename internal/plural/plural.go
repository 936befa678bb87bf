// Package plural writes counts with their nouns in the right number, so
// that messages say "1 sample" and "2 samples", never "1 samples".
package plural

import (
	"strconv"
	"strings"
)

// Count returns n and noun, the noun made plural unless n is 1 or -1:
// Count(1, "row") is "1 row", Count(3, "class") is "3 classes". Regular
// English plurals only; use Of for the others.
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun)
}

// Noun returns noun, made plural unless n is 1 or -1, for messages that
// put the count apart from its noun. A noun ending in s, x, z or sh takes
// "es"; one ending in ch does not, since "epoch" takes "s" (use Of for
// "batch").
func Noun(n int, noun string) string {
	if n == 1 || n == -1 {
		return noun
	}
	for _, end := range []string{"s", "x", "z", "sh"} {
		if strings.HasSuffix(noun, end) {
			return noun + "es"
		}
	}
	return noun + "s"
}

// Of returns n and one when n is 1 or -1, n and many otherwise:
// Of(2, "matrix", "matrices") is "2 matrices".
func Of(n int, one, many string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
