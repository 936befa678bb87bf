package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// expInputs returns values from every part of math.Exp's range: its
// special cases, the edges of the vector path's range, the overflow and
// denormal thresholds, and random values small and large.
func expInputs() []float64 {
	x := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 1e-300, -1e-300, 5e-324,
		700, -700, math.Nextafter(700, 800), math.Nextafter(-700, -800), math.Nextafter(700, 0), math.Nextafter(-700, 0),
		709.78, 709.7827128933840, 709.79, 710, -708.39, -708.4, -745.1, -745.2, -746, -1000, 1000,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Ln2, -math.Ln2, 88.7, -87.3, 1.0 / 3,
		// math.Tanh's branch points, tripled (the tests divide by 3).
		1.875, -1.875, math.Nextafter(1.875, 0), 3 * 0.5 * tanhMaxLog, -3 * 0.5 * tanhMaxLog, math.Nextafter(3*0.5*tanhMaxLog, 200)}
	rng := rand.New(rand.NewPCG(7, 9))
	for range 4000 {
		x = append(x, (rng.Float64()*2-1)*750, (rng.Float64()*2-1)*20, rng.NormFloat64(), -rng.ExpFloat64()*30)
	}
	return x
}

func TestExpMatchesMath(t *testing.T) {
	x := expInputs()
	// Every length and starting offset up to a few groups, so each tail
	// and each position of a special value in its group is covered.
	for off := range 4 {
		for n := 0; n+off <= 41; n++ {
			src := x[off : off+n]
			dst := make([]float64, n)
			Exp(dst, src)
			for i, v := range src {
				if !sameBits(dst[i], math.Exp(v)) {
					t.Fatalf("off %d n %d: Exp(%v) = %v (%#x), math.Exp gives %v (%#x)", off, n, v, dst[i], math.Float64bits(dst[i]), math.Exp(v), math.Float64bits(math.Exp(v)))
				}
			}
		}
	}
	dst := make([]float64, len(x))
	Exp(dst, x)
	for i, v := range x {
		if !sameBits(dst[i], math.Exp(v)) {
			t.Fatalf("Exp(%v) = %v (%#x), math.Exp gives %v (%#x)", v, dst[i], math.Float64bits(dst[i]), math.Exp(v), math.Float64bits(math.Exp(v)))
		}
	}
	// In place.
	y := append([]float64(nil), x...)
	Exp(y, y)
	for i := range x {
		if !sameBits(y[i], dst[i]) {
			t.Fatalf("in place: Exp(%v) = %v, want %v", x[i], y[i], dst[i])
		}
	}
}

// TestExpTakesVectorPath checks that values inside ±700 go through exp4,
// all of them, and that it stops at the first group with one outside.
func TestExpTakesVectorPath(t *testing.T) {
	if !hasAVX2FMA {
		t.Skip("no AVX2 and FMA: Exp is math.Exp in a loop")
	}
	src := make([]float64, 24)
	for i := range src {
		src[i] = float64(i) - 12.5
	}
	dst := make([]float64, len(src))
	if got := exp4(len(src), &src[0], &dst[0]); got != len(src) {
		t.Fatalf("exp4 did %d of %d in-range values", got, len(src))
	}
	src[13] = 701
	if got := exp4(len(src), &src[0], &dst[0]); got != 12 {
		t.Fatalf("exp4 with an out-of-range value at 13 did %d, want 12", got)
	}
	src[13] = math.NaN()
	if got := exp4(len(src), &src[0], &dst[0]); got != 12 {
		t.Fatalf("exp4 with NaN at 13 did %d, want 12", got)
	}
}

func BenchmarkExp(b *testing.B) {
	src := make([]float64, 640)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range src {
		src[i] = -rng.ExpFloat64() * 5
	}
	dst := make([]float64, len(src))
	b.Run("Exp", func(b *testing.B) {
		for b.Loop() {
			Exp(dst, src)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range src {
				dst[i] = math.Exp(v)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/value")
	})
}

// TestSigmoidSoftmaxSameBits: Sigmoid, Tanh and SoftmaxRows, which take
// their exponentials through Exp, give the bits of the one-value-at-a-time
// formulas (sigmoid, math.Tanh, softmaxRows) in both precisions, for lengths below,
// at and across the chunks, in place too, with saturated values (beyond
// Exp's vector range), infinities and NaN among them.
func TestSigmoidSoftmaxSameBits(t *testing.T) {
	testSigmoidSoftmaxSameBits[float32](t)
	testSigmoidSoftmaxSameBits[float64](t)
}

func testSigmoidSoftmaxSameBits[T Float](t *testing.T) {
	x := expInputs()
	for _, n := range []int{1, 5, 7, 8, 9, 100, 255, 256, 257, 1000, len(x)} {
		z := make([]T, n)
		for i := range z {
			z[i] = T(x[(i*7919)%len(x)] / 3)
			if n == len(x) {
				// Every input in order, the special ones first.
				z[i] = T(x[i] / 3)
			}
		}
		got := make([]T, n)
		Sigmoid(got, z)
		for i, v := range z {
			if want := T(sigmoid(float64(v))); !sameBits(got[i], want) {
				t.Fatalf("%T n %d: Sigmoid(%v) = %v, want %v", v, n, v, got[i], want)
			}
		}
		Tanh(got, z)
		for i, v := range z {
			if want := T(math.Tanh(float64(v))); !sameBits(got[i], want) {
				t.Fatalf("%T n %d: Tanh(%v) = %v, want %v", v, n, v, got[i], want)
			}
		}
		Sigmoid(got, z)
		in := append([]T(nil), z...)
		Sigmoid(in, in)
		for i := range z {
			if !sameBits(in[i], got[i]) {
				t.Fatalf("%T n %d: Sigmoid in place at %d: %v, want %v", z[i], n, i, in[i], got[i])
			}
		}
	}
	for _, shape := range [][2]int{{1, 1}, {1, 7}, {2, 4}, {64, 10}, {3, 100}, {5, 256}, {2, 300}, {30, 9}} {
		m, n := shape[0], shape[1]
		z := make([]T, m*n)
		for i := range z {
			z[i] = T(x[(i*104729)%len(x)] / 2)
		}
		got, want := make([]T, m*n), make([]T, m*n)
		SoftmaxRows(got, z, m, n)
		softmaxRows(want, z, m, n)
		for i := range got {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("%T %d×%d: SoftmaxRows at %d = %v, want %v", z[0], m, n, i, got[i], want[i])
			}
		}
		SoftmaxRows(z, z, m, n)
		for i := range got {
			if !sameBits(z[i], want[i]) {
				t.Fatalf("%T %d×%d: SoftmaxRows in place at %d = %v, want %v", z[0], m, n, i, z[i], want[i])
			}
		}
	}
}

// TestExpCallersDoNotAllocate: Sigmoid, Tanh and SoftmaxRows keep their
// exponentials in a buffer on the stack, so a training step with those
// activations still allocates nothing.
func TestExpCallersDoNotAllocate(t *testing.T) {
	z := make([]float32, 1000)
	a := make([]float32, len(z))
	for i := range z {
		z[i] = float32(i%13) - 6
	}
	if n := testing.AllocsPerRun(20, func() {
		Sigmoid(a, z)
		Tanh(a, z)
		SoftmaxRows(a, z, 100, 10)
	}); n != 0 {
		t.Errorf("%v allocations a call, want 0", n)
	}
}
