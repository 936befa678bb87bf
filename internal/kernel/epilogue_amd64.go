//go:build !purego

package kernel

// biasLeakyReLURow32 is one row of BiasLeakyReLURows, n a multiple of 8,
// with AVX2.
//
//go:noescape
func biasLeakyReLURow32(n int, a, z, b *float32, slope float32)
