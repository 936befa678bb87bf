package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// adamInputs returns n random weights, gradients and moments, as float32.
func adamInputs(rng *rand.Rand, n int) (w, g, m, v []float32) {
	w, g, m, v = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
		g[i] = float32(rng.NormFloat64() * 0.1)
		m[i] = float32(rng.NormFloat64() * 0.01)
		v[i] = float32(rng.Float64() * 1e-3)
	}
	// Moments that are exactly 0, as after a first step or for a weight
	// whose gradient is always 0, must give a step of 0, not NaN.
	if n > 3 {
		g[3], m[3], v[3] = 0, 0, 0
	}
	return w, g, m, v
}

// adamCases are the constants of Adam's second step (t = 2) with and without
// clipping, L2 and AdamW's decay.
var adamCases = []AdamConsts{
	{Scale: 1, Beta1: 0.9, OneMinusBeta1: 0.1, Beta2: 0.999, OneMinusBeta2: 0.001,
		StepSize: float32(1e-3 / (1 - 0.81)), InvSqrtBC2: float32(1 / math.Sqrt(1-0.999*0.999)), Epsilon: 1e-8},
	{Scale: 0.3, L2: 0.01, Beta1: 0.8, OneMinusBeta1: 0.2, Beta2: 0.99, OneMinusBeta2: 0.01, Decay: 1e-4,
		StepSize: float32(0.01 / (1 - 0.64)), InvSqrtBC2: float32(1 / math.Sqrt(1-0.99*0.99)), Epsilon: 1e-6},
}

// TestAdam32MatchesLoop checks Adam32 (the assembly where it runs, with the
// Go loop for the tail) against the Go loop alone, bit for bit.
func TestAdam32MatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k, c := range adamCases {
		for _, n := range []int{0, 1, 7, 8, 9, 16, 1000, 1003} {
			w, g, m, v := adamInputs(rng, n)
			ww, wm, wv := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
			adam32Go(ww, g, wm, wv, &c)
			Adam32(w, g, m, v, &c)
			for i := range n {
				if math.Float32bits(w[i]) != math.Float32bits(ww[i]) ||
					math.Float32bits(m[i]) != math.Float32bits(wm[i]) ||
					math.Float32bits(v[i]) != math.Float32bits(wv[i]) {
					t.Fatalf("case %d, n=%d, [%d]: w, m, v = %v, %v, %v; want %v, %v, %v",
						k, n, i, w[i], m[i], v[i], ww[i], wm[i], wv[i])
				}
			}
		}
	}
}

// TestAdam32Equations checks Adam32 against its documented equations
// evaluated in float64.
func TestAdam32Equations(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for k, c := range adamCases {
		w, g, m, v := adamInputs(rng, 1003)
		w0, m0, v0 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
		Adam32(w, g, m, v, &c)
		f := func(x float32) float64 { return float64(x) }
		for i := range w {
			gt := f(c.Scale)*f(g[i]) + f(c.L2)*f(w0[i])
			mt := [2]float64{f(c.Beta1) * f(m0[i]), f(c.OneMinusBeta1) * gt}
			vt := [2]float64{f(c.Beta2) * f(v0[i]), f(c.OneMinusBeta2) * gt * gt}
			wantM, wantV := mt[0]+mt[1], vt[0]+vt[1]
			wt := [2]float64{f(c.Decay) * f(w0[i]), f(c.StepSize) * wantM / (math.Sqrt(wantV)*f(c.InvSqrtBC2) + f(c.Epsilon))}
			wantW := f(w0[i]) - wt[0] - wt[1]
			for _, q := range []struct {
				name      string
				got, want float64
				scale     float64 // sum of the terms' sizes
			}{
				{"m", f(m[i]), wantM, math.Abs(mt[0]) + math.Abs(mt[1])},
				{"v", f(v[i]), wantV, vt[0] + vt[1]},
				{"w", f(w[i]), wantW, math.Abs(f(w0[i])) + math.Abs(wt[0]) + math.Abs(wt[1])},
			} {
				// A handful of float32 roundings of terms of that size.
				if math.Abs(q.got-q.want) > 1e-6*q.scale || math.IsNaN(q.got) {
					t.Fatalf("case %d, [%d]: %s = %v, want %v", k, i, q.name, q.got, q.want)
				}
			}
		}
	}
}

func TestAdam32LengthMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Adam32 with a short moment slice did not panic")
		}
	}()
	w := make([]float32, 9)
	Adam32(w, w, w, w[:8], &adamCases[0])
}

func BenchmarkAdam32(b *testing.B) {
	// 235,146 is the parameter count of the 784-256-128-10 MNIST network.
	for _, n := range []int{1003, 235146} {
		rng := rand.New(rand.NewPCG(7, 8))
		w, g, m, v := adamInputs(rng, n)
		c := adamCases[0]
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				Adam32(w, g, m, v, &c)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
		b.Run(fmt.Sprint(n, "/go"), func(b *testing.B) {
			for b.Loop() {
				adam32Go(w, g, m, v, &c)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
}
