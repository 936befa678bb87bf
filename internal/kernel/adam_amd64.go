//go:build !purego

package kernel

// adam32x8 runs Adam32's update on the first n elements, n a multiple of 8,
// eight at a time with AVX instructions (no FMA, to match adam32Go). m1 and
// m2 are the moments m and v, renamed because g and m name registers in
// the assembler.
//
//go:noescape
func adam32x8(n int, w, grad, m1, m2 *float32, c *AdamConsts)
