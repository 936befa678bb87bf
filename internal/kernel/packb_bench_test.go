package kernel

import (
	"fmt"
	"testing"
)

// BenchmarkPackB packs a dense layer's weights (k×n, not transposed) the
// way gemmBlocked does, one kc slice after another, with the one-panel
// and the four-panel copy.
func BenchmarkPackB(b *testing.B) {
	if !hasAVX2FMA {
		b.Skip("no assembly packing on this build")
	}
	for _, kn := range [][2]int{{784, 1024}, {1024, 1024}, {784, 256}} {
		k, n := kn[0], kn[1]
		src := make([]float32, k*n)
		kc := kcFor(k)
		dst := make([]float32, kc*n)
		for _, wide := range []bool{false, true} {
			b.Run(fmt.Sprintf("%dx%d/wide=%v", k, n, wide), func(b *testing.B) {
				old := packWide
				packWide = wide
				defer func() { packWide = old }()
				b.SetBytes(int64(4 * k * n))
				for b.Loop() {
					for pc := 0; pc < k; pc += kc {
						packB(dst, false, src, n, pc, min(kc, k-pc), 0, n, 16)
					}
				}
			})
		}
	}
}
