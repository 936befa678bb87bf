//go:build purego || !amd64

package kernel

func adam32x8(n int, w, grad, m1, m2 *float32, c *AdamConsts) {
	panic("kernel: no assembly Adam on this build")
}
