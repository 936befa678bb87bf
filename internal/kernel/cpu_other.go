//go:build purego || !amd64

package kernel

// hasAVX2FMA is false where no assembly is built; the portable loops run.
const hasAVX2FMA = false

func sgemmKernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}

func dgemmKernel6x8(k int, a, b, c *float64, ldc int, alpha, beta float64, load int) {
	panic("kernel: no assembly micro-kernel on this build")
}
