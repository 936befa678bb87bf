package kernel

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the products of one training step of a 784-256-128-10
// network on batches of 64 (forward A·B, weight gradient Aᵀ·B, input
// gradient A·Bᵀ) and two squares. Names read op(A) rows × op(B) columns ×
// inner size, prefixed by the transposition case.
var benchShapes = []struct {
	transA, transB bool
	m, n, k        int
}{
	{false, false, 64, 256, 784},
	{false, false, 64, 128, 256},
	{false, false, 64, 10, 128},
	{true, false, 784, 256, 64},
	{false, true, 64, 784, 256},
	{false, false, 1024, 1024, 1024},
	{false, false, 2048, 2048, 2048},
}

func shapeName(transA, transB bool, m, n, k int) string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s_%dx%dx%d", t(transA), t(transB), m, n, k)
}

// BenchmarkGemm measures Gemm and, for comparison, gonum's pure-Go BLAS,
// which is what the assembly has to beat to be worth keeping. workers=w
// sets SetWorkers for Gemm and GOMAXPROCS for gonum, which splits its work
// over GOMAXPROCS goroutines.
func BenchmarkGemm(b *testing.B) {
	benchGemm[float32](b, "float32", func(tA, tB blas.Transpose, m, n, k int, a []float32, lda int, bb []float32, ldb int, c []float32, ldc int) {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, ldc)
	})
	benchGemm[float64](b, "float64", func(tA, tB blas.Transpose, m, n, k int, a []float64, lda int, bb []float64, ldb int, c []float64, ldc int) {
		gonum.Implementation{}.Dgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, ldc)
	})
}

func benchGemm[T Float](b *testing.B, typ string, ref func(tA, tB blas.Transpose, m, n, k int, a []T, lda int, bb []T, ldb int, c []T, ldc int)) {
	defer SetWorkers(Workers())
	trans := func(t bool) blas.Transpose {
		if t {
			return blas.Trans
		}
		return blas.NoTrans
	}
	for _, s := range benchShapes {
		// Operands are made inside each benchmark, so that filtering with
		// -bench skips making the large ones.
		setup := func() (a []T, lda int, bb []T, ldb int, c []T, ldc int) {
			rng := rand.New(rand.NewPCG(7, 8))
			return operands[T](rng, s.transA, s.transB, s.m, s.n, s.k, 0, false)
		}
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		name := shapeName(s.transA, s.transB, s.m, s.n, s.k)
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/%s/workers=%d/descent", typ, name, w), func(b *testing.B) {
				a, lda, bb, ldb, c, ldc := setup()
				SetWorkers(w)
				for b.Loop() {
					Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, ldc)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run(fmt.Sprintf("%s/%s/workers=%d/gonum", typ, name, w), func(b *testing.B) {
				a, lda, bb, ldb, c, ldc := setup()
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(w))
				for b.Loop() {
					ref(trans(s.transA), trans(s.transB), s.m, s.n, s.k, a, lda, bb, ldb, c, ldc)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkMicroKernel measures the micro-kernels alone on L1-resident
// panels: the ceiling for Gemm on this machine.
func BenchmarkMicroKernel(b *testing.B) {
	if !hasAVX2FMA {
		b.Skip("no AVX2+FMA micro-kernel on this machine or build")
	}
	const k = kcMax
	b.Run("float32", func(b *testing.B) {
		a, bb, c := make([]float32, mr*k), make([]float32, 16*k), make([]float32, mr*16)
		for b.Loop() {
			sgemmKernel6x16(k, &a[0], &bb[0], &c[0], 16, 1, 1, 1)
		}
		b.ReportMetric(2*mr*16*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("float64", func(b *testing.B) {
		a, bb, c := make([]float64, mr*k), make([]float64, 8*k), make([]float64, mr*8)
		for b.Loop() {
			dgemmKernel6x8(k, &a[0], &bb[0], &c[0], 8, 1, 1, 1)
		}
		b.ReportMetric(2*mr*8*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

// BenchmarkGemmTiny measures the per-call overhead on the products of the
// tutorial networks, which run inline in plain Go.
func BenchmarkGemmTiny(b *testing.B) {
	for _, s := range []struct{ m, n, k int }{{1, 1, 1}, {1, 8, 2}, {4, 8, 8}} {
		b.Run(shapeName(false, false, s.m, s.n, s.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 8))
			a, lda, bb, ldb, c, ldc := operands[float64](rng, false, false, s.m, s.n, s.k, 0, false)
			for b.Loop() {
				Gemm(false, false, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, ldc)
			}
		})
	}
}
