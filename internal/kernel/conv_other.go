//go:build purego || !amd64

package kernel

func biasLeakyReLU32(n int, a, z, y *float32, b, slope float32) {
	panic("kernel: no assembly on this platform")
}

func biasLeakyReLUOut32(n int, a, y *float32, b, slope float32) {
	panic("kernel: no assembly on this platform")
}

func leakyReLUGrad32(n int, dz, z, da *float32, slope float32) {
	panic("kernel: no assembly on this platform")
}

func max2x2Row32(n int, top, bot, dst *float32, arg *int32, first, w int32) {
	panic("kernel: no assembly on this platform")
}

func add2D32(rows, cols int, dst *float32, ldd int, src *float32, lds int) {
	panic("kernel: no assembly on this platform")
}

func copy2D32(rows, cols int, dst *float32, ldd int, src *float32, lds int) {
	panic("kernel: no assembly on this platform")
}

func max2x2Row32x4(top, bot, dst *float32, arg *int32, first, w int32) {
	panic("kernel: no assembly on this platform")
}

func add2D32x16(rows, cols int, dst *float32, ldd int, src *float32, lds int) {
	panic("kernel: no assembly on this platform")
}

func copy2D32x16(rows, cols int, dst *float32, ldd int, src *float32, lds int) {
	panic("kernel: no assembly on this platform")
}
