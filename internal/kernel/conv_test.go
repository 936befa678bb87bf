package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// convInputs returns n values with the edge cases among random ones.
func convInputs(rng *rand.Rand, n int) []float32 {
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, float32(math.Inf(1)), float32(math.Inf(-1)), 3, -3}
	x := make([]float32, n)
	for i := range x {
		if rng.IntN(3) == 0 {
			x[i] = special[rng.IntN(len(special))]
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}

func sameBits32(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		g, w := got[i], want[i]
		if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
			t.Fatalf("%s [%d]: got %v (%#x), want %v (%#x)", what, i, g, math.Float32bits(g), w, math.Float32bits(w))
		}
	}
}

func TestBiasLeakyReLUSameBitsAsLeakyReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, slope := range []float32{0, 0.01} {
		for _, b := range []float32{0, 0.5, float32(math.Copysign(0, -1))} {
			for n := 0; n < 45; n++ {
				y := convInputs(rng, n)
				wantZ := make([]float32, n)
				for i, v := range y {
					wantZ[i] = v + b
				}
				wantA := make([]float32, n)
				leakyReLU(wantA, wantZ, slope)
				z, a := make([]float32, n), make([]float32, n)
				BiasLeakyReLU(a, z, y, b, slope)
				sameBits32(t, "z", z, wantZ)
				sameBits32(t, "a", a, wantA)
			}
		}
	}
}

func TestLeakyReLUGradSameBitsAsBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, slope := range []float32{0, 0.01} {
		for n := 0; n < 45; n++ {
			z, da := convInputs(rng, n), convInputs(rng, n)
			if n > 2 {
				z[1] = float32(math.NaN())
				z[2] = -float32(math.NaN())
			}
			want := make([]float32, n)
			reluBackward32(want, z, da, slope)
			got := make([]float32, n)
			LeakyReLUGrad(got, z, da, slope)
			sameBits32(t, "dz", got, want)
		}
	}
}

func TestAddToMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 45; n++ {
		x, y := convInputs(rng, n), convInputs(rng, n)
		want := append([]float32(nil), y...)
		for i := range want {
			want[i] += x[i]
		}
		AddTo(y, x)
		sameBits32(t, "y", y, want)
		x64, y64 := []float64{1e-300, -2}, []float64{3, 0.25}
		AddTo(y64, x64)
		if y64[0] != 3+1e-300 || y64[1] != -1.75 {
			t.Fatalf("float64: %v", y64)
		}
	}
}

func TestSumFixedOrder(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{1, 2, 3}, 6},
		// (1e16 + 1) + (-1e16 + 1) rounds both halves to ±1e16: 0,
		// where a sum from left to right would give 1.
		{[]float64{1e16, 1, -1e16, 1}, 0},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 55},
	} {
		if got := Sum(tc.x); got != tc.want {
			t.Errorf("Sum(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}
