package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAxpyMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 80; n++ {
		x64, y64 := make([]float64, n), make([]float64, n)
		x32, y32 := make([]float32, n), make([]float32, n)
		for i := 0; i < n; i++ {
			x64[i], y64[i] = rng.NormFloat64(), rng.NormFloat64()
			x32[i], y32[i] = float32(x64[i]), float32(y64[i])
		}
		want64 := append([]float64(nil), y64...)
		want32 := append([]float32(nil), y32...)
		for i := range want64 {
			want64[i] += -0.7 * x64[i]
			want32[i] += -0.7 * x32[i]
		}
		Axpy(y64, -0.7, x64)
		Axpy(y32, -0.7, x32)
		for i := 0; i < n; i++ {
			// A fused multiply-add rounds once, the loop twice: they may
			// differ in the last bit.
			if math.Abs(y64[i]-want64[i]) > 1e-15*math.Max(1, math.Abs(want64[i])) {
				t.Fatalf("float64 n=%d [%d]: %v, want %v", n, i, y64[i], want64[i])
			}
			if math.Abs(float64(y32[i]-want32[i])) > 1e-6*math.Max(1, math.Abs(float64(want32[i]))) {
				t.Fatalf("float32 n=%d [%d]: %v, want %v", n, i, y32[i], want32[i])
			}
		}
	}
}

func TestLeakyReLUEdges(t *testing.T) {
	negZero := math.Copysign(0, -1)
	z := []float64{2, -3, 0, negZero, 5e-324, -5e-324, math.Inf(1), math.Inf(-1)}
	da := []float64{1, 1, 1, 1, 1, 1, 2, 2}
	want := []float64{1, 0.1, 0.1, 0.1, 1, 0.1, 2, 0.2}
	dz := make([]float64, len(z))
	LeakyReLUBackward(dz, z, da, 0.1)
	z32, da32, dz32 := make([]float32, len(z)), make([]float32, len(z)), make([]float32, len(z))
	for i := range z {
		z32[i], da32[i] = float32(z[i]), float32(da[i])
	}
	z32[4], z32[5] = math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32
	LeakyReLUBackward(dz32, z32, da32, 0.1)
	for i := range z {
		if dz[i] != want[i] || dz32[i] != float32(want[i]) {
			t.Errorf("z=%v: dz %v (float32 %v), want %v", z[i], dz[i], dz32[i], want[i])
		}
	}
	a := make([]float64, len(z))
	LeakyReLU(a, z, 0.1)
	for i, v := range z {
		w := v
		if !(v > 0) {
			w = 0.1 * v
		}
		if a[i] != w && !(a[i] == 0 && w == 0) {
			t.Errorf("leaky_relu(%v) = %v, want %v", v, a[i], w)
		}
	}
}

// TestSumRowsBits checks that SumRows gives, bit for bit, the column sums
// of a plain loop that adds the rows in order, whatever the width (the
// vector loop's body and its tail), for signed zeros, subnormals,
// infinities and sums that round.
func TestSumRowsBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float64{0, math.Copysign(0, -1), 5e-324, 1e-310, math.Inf(1), math.Inf(-1), 1e300, -1e300, 1, 1e-16}
	value := func() float64 {
		if rng.IntN(4) == 0 {
			return special[rng.IntN(len(special))]
		}
		return rng.NormFloat64() * math.Pow(2, float64(rng.IntN(40)-20))
	}
	for _, cols := range []int{1, 7, 15, 16, 17, 31, 33, 64, 100, 256} {
		const rows, ld = 9, 260
		x64 := make([]float64, rows*ld)
		x32 := make([]float32, rows*ld)
		for i := range x64 {
			x64[i] = value()
			x32[i] = float32(x64[i])
		}
		for _, beta := range []float64{0, 1, 0.5} {
			d64, d32 := make([]float64, cols), make([]float32, cols)
			for j := range d64 {
				d64[j] = value()
				d32[j] = float32(d64[j])
			}
			w64, w32 := append([]float64(nil), d64...), append([]float32(nil), d32...)
			for j := range w64 {
				if beta == 0 {
					w64[j], w32[j] = 0, 0
				} else {
					w64[j] *= beta
					w32[j] *= float32(beta)
				}
				for i := range rows {
					w64[j] += x64[i*ld+j]
					w32[j] += x32[i*ld+j]
				}
			}
			SumRows(d64, beta, rows, x64, ld)
			SumRows(d32, float32(beta), rows, x32, ld)
			for j := range w64 {
				if got, want := math.Float64bits(d64[j]), math.Float64bits(w64[j]); got != want && !(math.IsNaN(d64[j]) && math.IsNaN(w64[j])) {
					t.Errorf("float64 cols=%d beta=%v [%d]: %v, want %v", cols, beta, j, d64[j], w64[j])
				}
				if got, want := math.Float32bits(d32[j]), math.Float32bits(w32[j]); got != want && !(math.IsNaN(float64(d32[j])) && math.IsNaN(float64(w32[j]))) {
					t.Errorf("float32 cols=%d beta=%v [%d]: %v, want %v", cols, beta, j, d32[j], w32[j])
				}
			}
		}
	}
}
