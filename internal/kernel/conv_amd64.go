//go:build !purego

package kernel

// biasLeakyReLU32 is BiasLeakyReLU on n values, n a multiple of 8, with AVX2.
//
//go:noescape
func biasLeakyReLU32(n int, a, z, y *float32, b, slope float32)

// biasLeakyReLUOut32 is BiasLeakyReLUOut on n values, n a multiple of 8,
// with AVX2.
//
//go:noescape
func biasLeakyReLUOut32(n int, a, y *float32, b, slope float32)

// leakyReLUGrad32 is LeakyReLUGrad on n values, n a multiple of 8, with
// AVX2; the sign test is reluBackward32's, on the bits as integers.
//
//go:noescape
func leakyReLUGrad32(n int, dz, z, da *float32, slope float32)

// max2x2Row32 is MaxPool2x2Row on n outputs, n a multiple of 8, with AVX2.
//
//go:noescape
func max2x2Row32(n int, top, bot, dst *float32, arg *int32, first, w int32)

// add2D32 is Add2D for float32 with AVX2.
//
//go:noescape
func add2D32(rows, cols int, dst *float32, ldd int, src *float32, lds int)

// copy2D32 is Copy2D for float32 with AVX.
//
//go:noescape
func copy2D32(rows, cols int, dst *float32, ldd int, src *float32, lds int)

// max2x2Row32x4 is MaxPool2x2Row on 4 outputs with 128-bit AVX.
//
//go:noescape
func max2x2Row32x4(top, bot, dst *float32, arg *int32, first, w int32)

// add2D32x16 is Add2D for float32 with AVX-512, each row's tail in one
// masked operation.
//
//go:noescape
func add2D32x16(rows, cols int, dst *float32, ldd int, src *float32, lds int)

// copy2D32x16 is Copy2D for float32 with AVX-512, each row's tail in one
// masked move.
//
//go:noescape
func copy2D32x16(rows, cols int, dst *float32, ldd int, src *float32, lds int)
