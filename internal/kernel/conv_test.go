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

// TestBiasLeakyReLUOutMasksAsZ wants BiasLeakyReLUOut's a to be
// BiasLeakyReLU's, bit for bit, and LeakyReLUGrad to give the same
// gradient masked by a as by z, for slopes of 0 and above, on zeros,
// tiny and infinite values and NaNs of either sign.
func TestBiasLeakyReLUOutMasksAsZ(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, slope := range []float32{0, 0.01, 1e-30} {
		for n := 0; n < 45; n++ {
			y, da := convInputs(rng, n), convInputs(rng, n)
			if n > 2 {
				y[1] = float32(math.NaN())
				y[2] = -float32(math.NaN())
			}
			z, want := make([]float32, n), make([]float32, n)
			BiasLeakyReLU(want, z, y, 0.25, slope)
			got := make([]float32, n)
			BiasLeakyReLUOut(got, y, 0.25, slope)
			sameBits32(t, "a", got, want)
			byZ, byA := make([]float32, n), make([]float32, n)
			LeakyReLUGrad(byZ, z, da, slope)
			LeakyReLUGrad(byA, got, da, slope)
			sameBits32(t, "dz masked by a", byA, byZ)

			z64, a64 := make([]float64, n), make([]float64, n)
			y64, da64 := make([]float64, n), make([]float64, n)
			for i := range y {
				y64[i], da64[i] = float64(y[i]), float64(da[i])
			}
			if n > 0 {
				y64[0] = -1e-320 // a denormal that slope·z rounds to −0
			}
			BiasLeakyReLU(a64, z64, y64, 0, float64(slope))
			got64 := make([]float64, n)
			BiasLeakyReLUOut(got64, y64, 0, float64(slope))
			byZ64, byA64 := make([]float64, n), make([]float64, n)
			LeakyReLUGrad(byZ64, z64, da64, float64(slope))
			LeakyReLUGrad(byA64, got64, da64, float64(slope))
			for i := range byZ64 {
				if math.Float64bits(got64[i]) != math.Float64bits(a64[i]) || math.Float64bits(byA64[i]) != math.Float64bits(byZ64[i]) {
					t.Fatalf("float64 slope %v [%d]: a %v, want %v; dz %v, want %v", slope, i, got64[i], a64[i], byA64[i], byZ64[i])
				}
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

func TestMaxPool2x2RowMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 4; n < 40; n++ {
		const w, first = 100, 7
		top, bot := convInputs(rng, 2*n), convInputs(rng, 2*n)
		for i := range top {
			// Ties and NaNs, which the scan order decides.
			switch rng.IntN(6) {
			case 0:
				top[i] = 1
			case 1:
				bot[i] = 1
			case 2:
				top[i] = float32(math.NaN())
			}
		}
		want, wantArg := make([]float32, n), make([]int32, n)
		for j := range want {
			best, bv := 0, top[2*j]
			for k, v := range []float32{top[2*j+1], bot[2*j], bot[2*j+1]} {
				if v > bv {
					best, bv = []int{1, w, w + 1}[k], v
				}
			}
			want[j], wantArg[j] = bv, int32(first+2*j+best)
		}
		got, gotArg := make([]float32, n), make([]int32, n)
		// The rows are cut to exactly 2n values: a read past them panics.
		if !MaxPool2x2Row(got, gotArg, top[:2*n:2*n], bot[:2*n:2*n], first, w) {
			if hasAVX2FMA {
				t.Fatalf("n=%d: no fast path", n)
			}
			return
		}
		sameBits32(t, "dst", got, want)
		for j := range wantArg {
			if gotArg[j] != wantArg[j] {
				t.Fatalf("n=%d arg[%d] = %d, want %d", n, j, gotArg[j], wantArg[j])
			}
		}
	}
}

func TestAdd2DCopy2DMatchLoops(t *testing.T) {
	// Both vector paths where the CPU has them: AVX-512, then AVX2.
	wide := hasAVX512
	defer func() { hasAVX512 = wide }()
	for _, hasAVX512 = range []bool{wide, false} {
		testAdd2DCopy2D(t)
	}
}

func testAdd2DCopy2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct{ rows, cols, ldd, lds int }{
		{0, 5, 5, 5}, {1, 1, 1, 1}, {11, 11, 13, 11}, {26, 26, 28, 26}, {3, 17, 40, 20}, {4, 8, 8, 9},
		{2, 16, 16, 16}, {3, 15, 15, 17}, {2, 32, 33, 32}, {2, 33, 35, 34}, {5, 47, 48, 47},
	} {
		src := convInputs(rng, tc.rows*tc.lds+3)
		dst := convInputs(rng, tc.rows*tc.ldd+3)
		wantAdd := append([]float32(nil), dst...)
		wantCopy := append([]float32(nil), dst...)
		for i := range tc.rows {
			for j := range tc.cols {
				wantAdd[i*tc.ldd+j] += src[i*tc.lds+j]
				wantCopy[i*tc.ldd+j] = src[i*tc.lds+j]
			}
		}
		got := append([]float32(nil), dst...)
		Add2D(tc.rows, tc.cols, got, tc.ldd, src, tc.lds)
		sameBits32(t, "Add2D", got, wantAdd)
		got = append(got[:0], dst...)
		Copy2D(tc.rows, tc.cols, got, tc.ldd, src, tc.lds)
		sameBits32(t, "Copy2D", got, wantCopy)
	}
}
