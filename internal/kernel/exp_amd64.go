//go:build !purego

package kernel

// exp4 sets dst[i] = math.Exp(src[i]) for i < n, n a multiple of 4, four
// lanes at a time with AVX2 and FMA, up to the first group of four with a
// value outside ±700 (or NaN), and returns how many it set.
//
//go:noescape
func exp4(n int, src, dst *float64) int
