package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// refGemm is the naive product in float64, the reference every path is
// checked against.
func refGemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) []float64 {
	// Copy op(A) and op(B) out first so the triple loop is plain.
	opA, opB := make([]float64, m*k), make([]float64, k*n)
	for i := 0; i < m; i++ {
		for p := 0; p < k; p++ {
			if transA {
				opA[i*k+p] = float64(a[p*lda+i])
			} else {
				opA[i*k+p] = float64(a[i*lda+p])
			}
		}
	}
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			if transB {
				opB[p*n+j] = float64(b[j*ldb+p])
			} else {
				opB[p*n+j] = float64(b[p*ldb+j])
			}
		}
	}
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		row := out[i*n : i*n+n]
		for p := 0; p < k; p++ {
			av := opA[i*k+p]
			for j, bv := range opB[p*n : p*n+n] {
				row[j] += av * bv
			}
		}
		for j := range row {
			row[j] *= float64(alpha)
			if beta != 0 {
				row[j] += float64(beta) * float64(c[i*ldc+j])
			}
		}
	}
	return out
}

// operands builds op(A) m×k, op(B) k×n and C m×n stored with padded strides,
// filled with values in [-1, 1); C is filled with NaN when nanC is set.
func operands[T Float](rng *rand.Rand, transA, transB bool, m, n, k, pad int, nanC bool) (a []T, lda int, b []T, ldb int, c []T, ldc int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	lda, ldb, ldc = ac+pad, bc+pad, n+pad
	fill := func(rows, ld int) []T {
		x := make([]T, rows*ld+1) // +1: a stray read past the end would show up under -race as wrong values
		for i := range x {
			x[i] = T(rng.Float64()*2 - 1)
		}
		return x
	}
	a, b, c = fill(ar, max(lda, 1)), fill(br, max(ldb, 1)), fill(m, max(ldc, 1))
	if nanC {
		for i := range c {
			c[i] = T(math.NaN())
		}
	}
	return a, max(lda, 1), b, max(ldb, 1), c, max(ldc, 1)
}

// gemmPath is one implementation under test.
type gemmPath[T Float] struct {
	name string
	f    func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)
}

// paths lists every implementation that this build can run: the public
// entry point, the portable loops, and where the assembly exists the packed
// path on one goroutine and split three ways whatever the size.
func paths[T Float]() []gemmPath[T] {
	ps := []gemmPath[T]{{"Gemm", Gemm[T]}, {"go", gemmGo[T]}}
	if hasAVX2FMA {
		ps = append(ps,
			gemmPath[T]{"packed", func(tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
				gemmPacked(new(workspace[T]), tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			}},
			gemmPath[T]{"split3", func(tA, tB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
				gemmParallel(3, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil)
			}})
	}
	return ps
}

var edgeSizes = []int{0, 1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100, 130}

// mlpShapes are the products of training a 784-256-128-10 network on
// batches of 64: forward A·B, weight gradient Aᵀ·B, input gradient A·Bᵀ.
var mlpShapes = []struct {
	transA, transB bool
	m, n, k        int
}{
	{false, false, 64, 256, 784},
	{false, false, 64, 128, 256},
	{false, false, 64, 10, 128},
	{true, false, 784, 256, 64},
	{true, false, 256, 128, 64},
	{true, false, 128, 10, 64},
	{false, true, 64, 784, 256},
	{false, true, 64, 256, 128},
	{false, true, 64, 128, 10},
}

func TestGemmFloat32(t *testing.T) { testGemm[float32](t, 1e-5) }
func TestGemmFloat64(t *testing.T) { testGemm[float64](t, 1e-12) }

func testGemm[T Float](t *testing.T, eps float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	type shape struct{ m, n, k int }
	var shapes []shape
	for _, m := range edgeSizes {
		for _, n := range edgeSizes {
			for _, k := range []int{0, 1, 3, 17, 130} {
				shapes = append(shapes, shape{m, n, k})
			}
		}
	}
	for _, s := range mlpShapes {
		shapes = append(shapes, shape{s.m, s.n, s.k})
	}
	// k beyond kcMax exercises the later k slices, which add onto C.
	shapes = append(shapes, shape{13, 21, 2*kcMax + 3}, shape{mcMax32 + 7, 40, kcMax + 1}, shape{3, ncMax64 + 9, 5})
	scalars := []T{1, 0, 0.5, -2}
	for _, s := range shapes {
		for ti, tr := range [4][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			// Every shape sees every alpha and a random beta across the
			// four transposition cases; all 64 combinations for all shapes
			// would make the test slow for no extra coverage.
			for ai := range 2 {
				alpha := scalars[(2*ti+ai)%4]
				beta := scalars[rng.IntN(4)]
				pad := rng.IntN(3)
				nanC := beta == 0 && rng.IntN(2) == 0
				a, lda, b, ldb, c0, ldc := operands[T](rng, tr[0], tr[1], s.m, s.n, s.k, pad, nanC)
				want := refGemm(tr[0], tr[1], s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, c0, ldc)
				for _, p := range paths[T]() {
					c := append([]T(nil), c0...)
					p.f(tr[0], tr[1], s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, c, ldc)
					name := fmt.Sprintf("%s tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v ld+%d", p.name, tr[0], tr[1], s.m, s.n, s.k, alpha, beta, pad)
					if !checkClose(t, name, s.m, s.n, s.k, c, ldc, c0, want, eps, float64(alpha), float64(beta)) {
						return
					}
				}
			}
		}
	}
}

// checkClose compares c with want within eps·(k·|alpha| + |beta|), the
// inputs being bounded by 1, and checks that the padding between rows of C
// was left alone. It reports the first mismatch and returns false.
func checkClose[T Float](t *testing.T, name string, m, n, k int, c []T, ldc int, c0 []T, want []float64, eps, alpha, beta float64) bool {
	t.Helper()
	tol := eps * (float64(k)*math.Abs(alpha) + math.Abs(beta) + 1)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got := c[i*ldc+j]
			if j >= n {
				if math.Float64bits(float64(got)) != math.Float64bits(float64(c0[i*ldc+j])) {
					t.Errorf("%s: padding C[%d,%d] changed to %v", name, i, j, got)
					return false
				}
				continue
			}
			if w := want[i*n+j]; !(math.Abs(float64(got)-w) <= tol) {
				t.Errorf("%s: C[%d,%d] = %v, want %v (tolerance %g)", name, i, j, got, w, tol)
				return false
			}
		}
	}
	return true
}

// TestGemmWorkersBitIdentical checks that the split across goroutines never
// changes a bit of the result.
func TestGemmWorkersBitIdentical(t *testing.T) {
	defer SetWorkers(Workers())
	testBitIdentical[float32](t)
	testBitIdentical[float64](t)
}

func testBitIdentical[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	shapes := []struct {
		transA, transB bool
		m, n, k        int
	}{
		{false, false, 67, 301, 2*kcMax + 5},
		{true, true, 301, 67, 129},
		{false, false, 257, 250, 300},
		{false, false, 1600, 20, 40}, // more parts than goroutines
	}
	for _, s := range mlpShapes {
		shapes = append(shapes, s)
	}
	for _, s := range shapes {
		a, lda, b, ldb, c0, ldc := operands[T](rng, s.transA, s.transB, s.m, s.n, s.k, 1, false)
		var first []T
		for _, w := range []int{1, 2, 3} {
			SetWorkers(w)
			c := append([]T(nil), c0...)
			Gemm(s.transA, s.transB, s.m, s.n, s.k, 0.5, a, lda, b, ldb, -2, c, ldc)
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if math.Float64bits(float64(c[i])) != math.Float64bits(float64(first[i])) {
					t.Fatalf("%T %+v: workers=%d: C[%d] = %v, workers=1 gave %v", T(0), s, w, i, c[i], first[i])
				}
			}
		}
		if !hasAVX2FMA {
			continue
		}
		// Forcing every split, even below the size where Gemm splits,
		// covers splits that end inside and at the edges of tiles, by
		// rows and by columns (splitByPacking turns the choice).
		for _, byPacking := range []bool{false, true} {
			splitByPacking = byPacking
			for parts := 2; parts <= 7; parts++ {
				c := append([]T(nil), c0...)
				gemmParallel(parts, s.transA, s.transB, s.m, s.n, s.k, 0.5, a, lda, b, ldb, -2, c, ldc, nil)
				for i := range c {
					if math.Float64bits(float64(c[i])) != math.Float64bits(float64(first[i])) {
						t.Fatalf("%T %+v: %d parts, split by packing %v: C[%d] = %v, one part gave %v", T(0), s, parts, byPacking, i, c[i], first[i])
					}
				}
			}
		}
		splitByPacking = true
	}
}

// TestGemmZeroAllocs checks that Gemm allocates nothing once its buffers
// and helpers exist, inline and split across goroutines.
func TestGemmZeroAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	defer SetWorkers(Workers())
	testZeroAllocs[float32](t)
	testZeroAllocs[float64](t)
}

func testZeroAllocs[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tiny := []struct {
		transA, transB bool
		m, n, k        int
	}{{false, false, 1, 1, 1}, {false, false, 1, 8, 2}, {true, false, 2, 8, 1}, {false, true, 1, 2, 8}}
	for _, w := range []int{1, 2} {
		SetWorkers(w)
		for _, s := range append(tiny, mlpShapes...) {
			a, lda, b, ldb, c, ldc := operands[T](rng, s.transA, s.transB, s.m, s.n, s.k, 0, false)
			f := func() { Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, ldc) }
			f()
			if got := testing.AllocsPerRun(20, f); got != 0 {
				t.Errorf("%T workers=%d %+v: %v allocations per Gemm, want 0", T(0), w, s, got)
			}
		}
	}
}

// TestGemmConcurrentCallers runs split products from several goroutines at
// once, as layers trained in parallel would, and checks each against the
// same product run alone.
func TestGemmConcurrentCallers(t *testing.T) {
	defer SetWorkers(Workers())
	SetWorkers(2)
	rng := rand.New(rand.NewPCG(9, 10))
	const callers = 4
	s := mlpShapes[0]
	a, lda, b, ldb, c0, ldc := operands[float32](rng, s.transA, s.transB, s.m, s.n, s.k, 0, false)
	want := append([]float32(nil), c0...)
	Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, want, ldc)
	got := make([][]float32, callers)
	done := make(chan int)
	for g := range callers {
		got[g] = append([]float32(nil), c0...)
		go func() {
			for range 5 {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, got[g], ldc)
			}
			done <- g
		}()
	}
	for range callers {
		g := <-done
		for i := range want {
			if got[g][i] != want[i] {
				t.Fatalf("caller %d: C[%d] = %v, want %v", g, i, got[g][i], want[i])
			}
		}
	}
}

func TestWorkers(t *testing.T) {
	defer SetWorkers(Workers())
	for _, tt := range []struct{ set, want int }{{3, 3}, {1, 1}, {0, runtime.GOMAXPROCS(0)}, {-5, runtime.GOMAXPROCS(0)}} {
		SetWorkers(tt.set)
		if got := Workers(); got != tt.want {
			t.Errorf("after SetWorkers(%d): Workers() = %d, want %d", tt.set, got, tt.want)
		}
	}
}

// TestGemmEmptyInner checks that a product with k = 0 and empty operands
// only scales C, on every path, whatever the transpositions.
func TestGemmEmptyInner(t *testing.T) {
	for _, p := range paths[float64]() {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				c := []float64{1, 2, 3, 4, 5, 6}
				p.f(tA, tB, 2, 3, 0, 1, nil, 1, nil, 1, 0.5, c, 3)
				for i, v := range c {
					if want := 0.5 * float64(i+1); v != want {
						t.Fatalf("%s transA=%v transB=%v: C[%d] = %v, want %v", p.name, tA, tB, i, v, want)
					}
				}
			}
		}
	}
}

// TestGemmSerialSameBitsAsGemm wants GemmSerial, which never splits,
// to give the bits of Gemm split over two workers, on every MLP shape and
// the convolution's block products.
func TestGemmSerialSameBitsAsGemm(t *testing.T) {
	defer SetWorkers(Workers())
	SetWorkers(2)
	rng := rand.New(rand.NewPCG(13, 14))
	shapes := append(mlpShapes[:len(mlpShapes):len(mlpShapes)],
		[]struct {
			transA, transB bool
			m, n, k        int
		}{{false, false, 64, 363, 288}, {false, true, 64, 288, 363}, {true, false, 288, 363, 64}, {false, false, 32, 6760, 9}}...)
	for _, s := range shapes {
		a, lda, b, ldb, c0, ldc := operands[float32](rng, s.transA, s.transB, s.m, s.n, s.k, 0, false)
		want := append([]float32(nil), c0...)
		Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0.5, want, ldc)
		got := append([]float32(nil), c0...)
		GemmSerial(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0.5, got, ldc)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%+v: C[%d] = %v, want %v", s, i, got[i], want[i])
			}
		}
	}
}
