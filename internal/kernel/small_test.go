package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestGemmSmallMatchesGemmFloat32(t *testing.T) { testGemmSmallMatchesGemm[float32](t) }
func TestGemmSmallMatchesGemmFloat64(t *testing.T) { testGemmSmallMatchesGemm[float64](t) }

// testGemmSmallMatchesGemm checks GemmSmall against Gemm bit for bit on
// every small shape with sides up to 9 and on long thin ones, for all
// transposition cases and a spread of alpha and beta, with operands that
// include signed zeros, infinities, NaN and values whose products
// underflow or overflow. Run it with GOAMD64=v3 too, where the compiler may
// fuse a multiply and an add that GemmSmall keeps apart.
func testGemmSmallMatchesGemm[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type shape struct{ m, n, k int }
	var shapes []shape
	for m := range 10 {
		for n := range 10 {
			for k := range 10 {
				if IsSmall(m, n, k) {
					shapes = append(shapes, shape{m, n, k})
				}
			}
		}
	}
	shapes = append(shapes, shape{1, 255, 1}, shape{255, 1, 1}, shape{1, 1, 255}, shape{2, 8, 15}, shape{15, 2, 8})
	scalars := []T{1, 0, -1, 0.5, T(math.Copysign(0, -1)), 3.7}
	for _, s := range shapes {
		for _, tr := range [4][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, alpha := range scalars {
				beta := scalars[rng.IntN(len(scalars))]
				pad := rng.IntN(2)
				a, lda, b, ldb, c0, ldc := operands[T](rng, tr[0], tr[1], s.m, s.n, s.k, pad, false)
				for _, x := range [][]T{a, b, c0} {
					for i := range x {
						x[i] = specialOrRandom[T](rng)
					}
				}
				want := append([]T(nil), c0...)
				Gemm(tr[0], tr[1], s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, want, ldc)
				got := append([]T(nil), c0...)
				GemmSmall(tr[0], tr[1], s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, got, ldc)
				for i := range want {
					if !sameBits(got[i], want[i]) {
						t.Fatalf("tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v ld+%d: C[%d] = %v, Gemm gives %v",
							tr[0], tr[1], s.m, s.n, s.k, alpha, beta, pad, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// sameBits reports whether x and y have the same bits, taking every NaN as
// the same: which of two NaN operands an instruction passes on depends on
// register allocation, and Go leaves NaN payloads unspecified.
func sameBits[T Float](x, y T) bool {
	if x != x && y != y {
		return true
	}
	return math.Float64bits(float64(x)) == math.Float64bits(float64(y))
}

func TestRowProductsMatchGemmFloat32(t *testing.T) { testRowProductsMatchGemm[float32](t) }
func TestRowProductsMatchGemmFloat64(t *testing.T) { testRowProductsMatchGemm[float64](t) }

// testRowProductsMatchGemm checks RowMul, RowMulT and AddOuter against the
// Gemm calls their documentation names, bit for bit, for every pair of
// lengths up to 20 whose product IsSmall accepts.
func testRowProductsMatchGemm[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	values := func(n int) []T {
		x := make([]T, n)
		for i := range x {
			x[i] = specialOrRandom[T](rng)
		}
		return x
	}
	check := func(name string, k, n int, got, want []T) {
		t.Helper()
		for i := range want {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("%s k=%d n=%d: element %d = %v, Gemm gives %v", name, k, n, i, got[i], want[i])
			}
		}
	}
	for k := range 21 {
		for n := range 21 {
			if !IsSmall(1, n, k) {
				continue
			}
			x, w, c0 := values(k), values(k*n), values(max(n, k*n))

			got, want := append([]T(nil), c0[:n]...), append([]T(nil), c0[:n]...)
			RowMul(got, x, w)
			Gemm(false, false, 1, n, k, 1, x, max(k, 1), w, max(n, 1), 0, want, max(n, 1))
			check("RowMul", k, n, got, want)

			got, want = append([]T(nil), c0[:n]...), append([]T(nil), c0[:n]...)
			RowMulT(got, x, w)
			Gemm(false, true, 1, n, k, 1, x, max(k, 1), w, max(k, 1), 0, want, max(n, 1))
			check("RowMulT", k, n, got, want)

			// Here x has k elements and y n: C is k×n.
			y := values(n)
			got, want = append([]T(nil), c0[:k*n]...), append([]T(nil), c0[:k*n]...)
			AddOuter(got, x, y)
			Gemm(true, false, k, n, 1, 1, x, max(k, 1), y, max(n, 1), 1, want, max(n, 1))
			check("AddOuter", k, n, got, want)
		}
	}
}

func TestAxpyShortSlices(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range simdAxpyMin {
		for _, alpha := range []float32{1, -0.5, 3.7} {
			x, y := make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], y[i] = specialOrRandom[float32](rng), specialOrRandom[float32](rng)
			}
			got := append([]float32(nil), y...)
			Axpy(got, alpha, x)
			for i := range y {
				// The plain loop, each product rounded before the add.
				if want := y[i] + float32(alpha*x[i]); !sameBits(got[i], want) {
					t.Fatalf("n=%d alpha=%v: y[%d] = %v, the plain loop gives %v", n, alpha, i, got[i], want)
				}
			}
		}
	}
}

// specialOrRandom returns, one time in four, a value that tests rounding
// and propagation: a signed zero, an infinity, NaN, or a value whose
// products underflow or overflow; otherwise a uniform value in [-1, 1).
func specialOrRandom[T Float](rng *rand.Rand) T {
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 1e-30, -1e-30, 1e30, -3e38}
	if rng.IntN(4) == 0 {
		return T(special[rng.IntN(len(special))])
	}
	return T(rng.Float64()*2 - 1)
}

// TestSmallSignedZero pins the two places where a naive product would
// keep a −0 that Gemm turns into +0: C cleared for beta 0, and a dot
// product started at zero.
func TestSmallSignedZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, transB := range []bool{false, true} {
		want := []float64{negZero}
		Gemm(false, transB, 1, 1, 1, 1, []float64{-1}, 1, []float64{0}, 1, 0, want, 1)
		got := []float64{negZero}
		GemmSmall(false, transB, 1, 1, 1, 1, []float64{-1}, 1, []float64{0}, 1, 0, got, 1)
		row := []float64{negZero}
		if transB {
			RowMulT(row, []float64{-1}, []float64{0})
		} else {
			RowMul(row, []float64{-1}, []float64{0})
		}
		if math.Signbit(got[0]) != math.Signbit(want[0]) || math.Signbit(row[0]) != math.Signbit(want[0]) {
			t.Errorf("transB=%v: −1·0 into cleared C: GemmSmall %v, row product %v, Gemm %v", transB, got[0], row[0], want[0])
		}
	}
}

func TestGemmSmallRejectsLargeProducts(t *testing.T) {
	for _, s := range [][3]int{{16, 16, 1}, {-1, -1, 1}} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.HasPrefix(r, "kernel: ") {
					t.Errorf("%v: recovered %q, want a kernel: panic", s, r)
				}
			}()
			m, n, k := s[0], s[1], s[2]
			x := make([]float32, 256)
			GemmSmall(false, false, m, n, k, 1, x, max(k, 1), x, max(n, 1), 0, x, max(n, 1))
		}()
	}
}

// BenchmarkGemmSmall compares Gemm, GemmSmall and the row products on the
// products of the tutorial network (1×1×1) and of a 2-8-1 network at
// batch 1.
func BenchmarkGemmSmall(b *testing.B) {
	for _, s := range []struct {
		transA, transB bool
		m, n, k        int
		beta           float64
	}{
		{false, false, 1, 1, 1, 0}, {true, false, 1, 1, 1, 1},
		{false, false, 1, 8, 2, 0}, {false, false, 1, 1, 8, 0},
		{true, false, 8, 1, 1, 1}, {false, true, 1, 8, 1, 0}, {true, false, 2, 8, 1, 1},
	} {
		a, lda, bb, ldb, c, ldc := operands[float64](rand.New(rand.NewPCG(1, 1)), s.transA, s.transB, s.m, s.n, s.k, 0, false)
		name := shapeName(s.transA, s.transB, s.m, s.n, s.k)
		b.Run(fmt.Sprintf("Gemm/%s", name), func(b *testing.B) {
			for b.Loop() {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, s.beta, c, ldc)
			}
		})
		b.Run(fmt.Sprintf("GemmSmall/%s", name), func(b *testing.B) {
			for b.Loop() {
				GemmSmall(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, s.beta, c, ldc)
			}
		})
		var row func()
		switch {
		case !s.transA && !s.transB:
			row = func() { RowMul(c, a, bb) }
		case !s.transA && s.transB:
			row = func() { RowMulT(c, a, bb) }
		case s.k == 1:
			row = func() { AddOuter(c, a, bb) }
		}
		b.Run(fmt.Sprintf("row/%s", name), func(b *testing.B) {
			for b.Loop() {
				row()
			}
		})
	}
}
