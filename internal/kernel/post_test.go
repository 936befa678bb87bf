package kernel

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// postShapes are products that take every path of GemmPost: the portable
// loops, the packed path on one goroutine, split by rows and by columns,
// several slices of k, edge tiles, and the MLP's own shapes.
var postShapes = []struct {
	transA, transB bool
	m, n, k        int
}{
	{false, false, 3, 5, 7},
	{true, false, 33, 17, 2*kcMax + 5},
	{false, false, 67, 301, 129},
	{false, true, 257, 250, 300},
	{true, false, 1600, 20, 40},
	{true, false, 784, 256, 64},
	{true, false, 1024, 1024, 512},
	{false, false, 64, 10, 128},
}

// counting is a Post that counts how often each element of C is given.
type counting[T Float] struct {
	c    []T
	seen []atomic.Int32
}

func (p *counting[T]) Block(c []T, ldc, rows, cols int) {
	off := offset(p.c, c)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			p.seen[off+i*ldc+j].Add(1)
		}
	}
}

func TestGemmPostFloat32(t *testing.T) { testGemmPost[float32](t) }
func TestGemmPostFloat64(t *testing.T) { testGemmPost[float64](t) }

// testGemmPost requires that every element of C goes to the post exactly
// once, at any worker count and split, and that BiasLeakyReLUPost gives
// the bits of the separate passes it replaces, Gemm then
// BiasLeakyReLURows.
func testGemmPost[T Float](t *testing.T) {
	defer SetWorkers(Workers())
	rng := rand.New(rand.NewPCG(7, 8))
	for _, s := range postShapes {
		m, n, k := s.m, s.n, s.k
		a, lda, b, ldb, _, _ := operands[T](rng, s.transA, s.transB, m, n, k, 0, false)
		bias := make([]T, n)
		for i := range bias {
			bias[i] = T(rng.NormFloat64())
		}
		// The separate passes.
		g := make([]T, m*n)
		Gemm(s.transA, s.transB, m, n, k, 1, a, lda, b, ldb, 0, g, n)
		wantZ := append([]T(nil), g...)
		wantA := make([]T, m*n)
		BiasLeakyReLURows(m, n, wantZ, wantA, bias, 0.1)

		type run struct {
			name string
			f    func(c []T, p Post[T])
		}
		runs := []run{{"GemmPost", func(c []T, p Post[T]) {
			GemmPost(s.transA, s.transB, m, n, k, 1, a, lda, b, ldb, 0, c, n, p)
		}}}
		if hasAVX2FMA && !IsSmall(m, n, k) {
			// One part: the packed path on the calling goroutine.
			runs = append(runs, run{"split 1", func(c []T, p Post[T]) {
				gemmParallel(1, s.transA, s.transB, m, n, k, 1, a, lda, b, ldb, 0, c, n, p)
			}})
		}
		if hasAVX2FMA && !IsSmall(m, n, k) {
			// Forced splits take the packed path, which products
			// this small do not.
			for parts := 2; parts <= 5; parts++ {
				runs = append(runs, run{fmt.Sprintf("split %d", parts), func(c []T, p Post[T]) {
					gemmParallel(parts, s.transA, s.transB, m, n, k, 1, a, lda, b, ldb, 0, c, n, p)
				}})
			}
		}
		for _, workers := range []int{1, 2, 3} {
			SetWorkers(workers)
			for _, r := range runs {
				name := fmt.Sprintf("%T %+v, %d workers, %s", T(0), s, workers, r.name)
				c := make([]T, m*n)
				cnt := &counting[T]{c: c, seen: make([]atomic.Int32, m*n)}
				r.f(c, cnt)
				for i := range cnt.seen {
					if got := cnt.seen[i].Load(); got != 1 {
						t.Fatalf("%s: element %d given to the post %d times, want 1", name, i, got)
					}
				}
				requireBits(t, name+", C", c, g)

				z := make([]T, m*n)
				act := make([]T, m*n)
				r.f(z, &BiasLeakyReLUPost[T]{Z: z, A: act, B: bias, Slope: 0.1})
				requireBits(t, name+", z", z, wantZ)
				requireBits(t, name+", a", act, wantA)
			}
		}
	}
}
