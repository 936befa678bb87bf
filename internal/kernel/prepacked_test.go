package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestGemmPackedBSameBitsAsGemmFloat32(t *testing.T) { testGemmPackedB[float32](t) }
func TestGemmPackedBSameBitsAsGemmFloat64(t *testing.T) { testGemmPackedB[float64](t) }

// testGemmPackedB multiplies blocks of rows of A by a B packed once and
// requires Gemm's bits for the whole product: every transposition, beta
// 0 (over NaN), 1 and ½, alpha 0, k deeper than one slice, n wider than
// one column block, narrow n (10 classes), tiny products that take the
// portable loops, and padded strides.
func testGemmPackedB[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	_, _, ncMax := tile[T]()
	shapes := []struct{ m, n, k int }{
		{64, 256, 784}, {64, 10, 128}, {100, 128, 10}, {37, ncMax + 40, 20}, {13, 40, 600}, {3, 2, 4}, {1, 1, 1}, {12, 7, 0},
	}
	for _, s := range shapes {
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			for _, ab := range [][2]T{{1, 0}, {1, 1}, {0.5, 0.5}, {0, 0.5}} {
				alpha, beta := ab[0], ab[1]
				name := fmt.Sprintf("%+v trans %v alpha %v beta %v", s, tr, alpha, beta)
				a, lda, b, ldb, c0, ldc := operands[T](rng, tr[0], tr[1], s.m, s.n, s.k, 3, beta == 0)
				want := append([]T(nil), c0...)
				Gemm(tr[0], tr[1], s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, want, ldc)
				var pb PackedB[T]
				pb.Reset(tr[1], s.k, s.n, b, ldb)
				for i := range pb.Blocks() {
					pb.PackBlock(i)
				}
				got := append([]T(nil), c0...)
				// In blocks of rows, as the shards of a batch.
				for r0 := 0; r0 < s.m; r0 += 17 {
					r1 := min(s.m, r0+17)
					var ar []T
					if tr[0] {
						ar = a[r0:]
					} else {
						ar = a[r0*lda:]
					}
					GemmPackedB(tr[0], r1-r0, alpha, ar, lda, &pb, beta, got[r0*ldc:], ldc)
				}
				for i := range want {
					if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
						t.Fatalf("%s: C[%d] = %v, Gemm gives %v", name, i, got[i], want[i])
					}
				}
			}
		}
	}
}
