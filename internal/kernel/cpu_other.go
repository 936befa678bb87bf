//go:build purego || !amd64

package kernel

import "unsafe"

// hasAVX2FMA is false where no assembly is built; the portable loops run.
const hasAVX2FMA = false

// hasAVX512 is false where no assembly is built. It is a variable, as on
// amd64, so tests can set it.
var hasAVX512 = false

func sgemmKernel6x32(k int, a, b1, b2, c *float32, ldc int, alpha, beta float32, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func dgemmKernel6x16(k int, a, b1, b2, c *float64, ldc int, alpha, beta float64, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func sgemmKernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func dgemmKernel6x8(k int, a, b, c *float64, ldc int, alpha, beta float64, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func copyPanel64(rows int, src unsafe.Pointer, stride int, dst unsafe.Pointer) {
	panic("kernel: no assembly packing on this build")
}

func copyPanels256(rows int, src unsafe.Pointer, stride int, dst unsafe.Pointer, pstride int) {
	panic("kernel: no assembly packing on this build")
}

func transposePanel32(chunks int, src *float32, lds int, dst *float32) {
	panic("kernel: no assembly packing on this build")
}

func transposePanel64(chunks int, src *float64, lds int, dst *float64) {
	panic("kernel: no assembly packing on this build")
}

func gatherPanel32(chunks int, src *float32, lda int, dst *float32) {
	panic("kernel: no assembly packing on this build")
}

func gatherPanel64(chunks int, src *float64, lda int, dst *float64) {
	panic("kernel: no assembly packing on this build")
}

func copySteps32(steps int, src *float32, lda int, dst *float32) {
	panic("kernel: no assembly packing on this build")
}

func copySteps64(steps int, src *float64, lda int, dst *float64) {
	panic("kernel: no assembly packing on this build")
}

func axpy32(n int, alpha float32, x, y *float32) {
	panic("kernel: no assembly axpy on this build")
}

func axpy64(n int, alpha float64, x, y *float64) {
	panic("kernel: no assembly axpy on this build")
}

func sgemmNarrow8(k int, a *float32, rs, ps int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, load int, mask uint16) {
	panic("kernel: no assembly narrow kernel on this build")
}

func sgemmKernel6x32A(k int, a *float32, rs, ps int, b1, b2, c *float32, ldc int, alpha, beta float32, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func sgemmKernel6x32AB(k int, a *float32, rs, ps int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func exp4(n int, src, dst *float64) int {
	panic("kernel: no assembly exponential on this build")
}
