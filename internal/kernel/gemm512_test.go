package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAVX512MatchesAVX2 checks that the AVX-512 kernels give the same bits
// as the AVX2 ones on every shape the other tests use, so a model trains to
// the same weights on either kind of CPU. (The other Gemm tests check both
// against the float64 reference, with whichever kernels the CPU has.)
func TestAVX512MatchesAVX2(t *testing.T) {
	if !hasAVX512 {
		t.Skip("this CPU has no AVX-512 (or GODEBUG turned it off): the wide kernels cannot run here")
	}
	testAVX512MatchesAVX2[float32](t)
	testAVX512MatchesAVX2[float64](t)
}

func testAVX512MatchesAVX2[T Float](t *testing.T) {
	defer func() { hasAVX512 = true }()
	rng := rand.New(rand.NewPCG(11, 12))
	type shape struct {
		transA, transB bool
		m, n, k        int
	}
	var shapes []shape
	for _, s := range mlpShapes {
		shapes = append(shapes, shape{s.transA, s.transB, s.m, s.n, s.k})
	}
	for _, m := range []int{1, 5, 6, 7, 13, 64} {
		for _, n := range []int{8, 15, 16, 17, 31, 32, 33, 48, 64, 65, 100} {
			for _, k := range []int{1, 3, 4, 7, 64, 300} {
				shapes = append(shapes, shape{m%2 == 0, n%2 == 1, m, n, k})
			}
		}
	}
	for _, s := range shapes {
		for _, beta := range []T{0, 1, -0.75} {
			a, lda, b, ldb, c0, ldc := operands[T](rng, s.transA, s.transB, s.m, s.n, s.k, 3, beta == 0)
			run := func(wide bool) []T {
				hasAVX512 = wide
				c := append([]T(nil), c0...)
				gemmPacked(new(workspace[T]), s.transA, s.transB, s.m, s.n, s.k, 0.5, a, lda, b, ldb, beta, c, ldc)
				return c
			}
			want, got := run(false), run(true)
			for i := range want {
				if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
					t.Fatalf("%T %+v beta=%v: C[%d] = %v with AVX-512, %v with AVX2", T(0), s, beta, i, got[i], want[i])
				}
			}
		}
	}
}

// BenchmarkMicroKernel512 measures the AVX-512 micro-kernels alone on
// L1-resident panels, next to BenchmarkMicroKernel's AVX2 ones.
func BenchmarkMicroKernel512(b *testing.B) {
	if !hasAVX512 {
		b.Skip("no AVX-512 on this machine or build")
	}
	const k = kcMax
	b.Run("float32", func(b *testing.B) {
		a, b1, b2, c := make([]float32, mr*k), make([]float32, 16*k), make([]float32, 16*k), make([]float32, mr*32)
		for b.Loop() {
			sgemmKernel6x32(k, &a[0], &b1[0], &b2[0], &c[0], 32, 1, 1, 1)
		}
		b.ReportMetric(2*mr*32*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("float64", func(b *testing.B) {
		a, b1, b2, c := make([]float64, mr*k), make([]float64, 8*k), make([]float64, 8*k), make([]float64, mr*16)
		for b.Loop() {
			dgemmKernel6x16(k, &a[0], &b1[0], &b2[0], &c[0], 16, 1, 1, 1)
		}
		b.ReportMetric(2*mr*16*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
