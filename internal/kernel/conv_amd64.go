//go:build !purego

package kernel

// biasLeakyReLU32 is BiasLeakyReLU on n values, n a multiple of 8, with AVX2.
//
//go:noescape
func biasLeakyReLU32(n int, a, z, y *float32, b, slope float32)

// leakyReLUGrad32 is LeakyReLUGrad on n values, n a multiple of 8, with
// AVX2; the sign test is reluBackward32's, on the bits as integers.
//
//go:noescape
func leakyReLUGrad32(n int, dz, z, da *float32, slope float32)
