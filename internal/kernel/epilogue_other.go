//go:build purego || !amd64

package kernel

func biasLeakyReLURow32(n int, a, z, b *float32, slope float32) {
	panic("kernel: no assembly on this platform")
}
