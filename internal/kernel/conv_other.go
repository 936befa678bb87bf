//go:build purego || !amd64

package kernel

func biasLeakyReLU32(n int, a, z, y *float32, b, slope float32) {
	panic("kernel: no assembly on this platform")
}

func leakyReLUGrad32(n int, dz, z, da *float32, slope float32) {
	panic("kernel: no assembly on this platform")
}
