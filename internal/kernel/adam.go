package kernel

import "math"

// AdamConsts holds the per-step constants of one float32 Adam update, as
// Adam32 applies them. The caller computes them in float64 once per step
// and rounds each to float32. The assembly reads the fields by offset, so
// their order matters.
type AdamConsts struct {
	// Scale and L2 form the effective gradient g̃ = Scale·g + L2·w.
	Scale, L2 float32
	// Beta1 and OneMinusBeta1 are β₁ and 1−β₁, rounded separately.
	Beta1, OneMinusBeta1 float32
	// Beta2 and OneMinusBeta2 are β₂ and 1−β₂, rounded separately.
	Beta2, OneMinusBeta2 float32
	// Decay is η·λ_d, AdamW's decoupled decay per step (0 for Adam).
	Decay float32
	// StepSize is η/(1−β₁ᵗ), the learning rate with m's bias correction.
	StepSize float32
	// InvSqrtBC2 is 1/√(1−β₂ᵗ), v's bias correction moved out of the root.
	InvSqrtBC2 float32
	// Epsilon is ε, added outside the root.
	Epsilon float32
}

// Adam32 applies one Adam update to every element of w in place, reading
// the gradient g and updating the moments m and v, all of equal length:
//
//	g̃ = Scale·g + L2·w
//	m ← β₁·m + (1−β₁)·g̃
//	v ← β₂·v + (1−β₂)·g̃²
//	w ← w − Decay·w − StepSize·(m / (√v·InvSqrtBC2 + ε))
//
// which is Adam's w ← w − η·λ_d·w − η·m̂/(√v̂ + ε) with the bias corrections
// folded into StepSize and InvSqrtBC2, so that each element costs one
// square root and one division. Every operation rounds to float32 on its
// own, with no fused multiply-add, so the assembly path and the portable
// loop give the same bits.
func Adam32(w, g, m, v []float32, c *AdamConsts) {
	n := len(w)
	if len(g) != n || len(m) != n || len(v) != n {
		panic("kernel: Adam32 length mismatch")
	}
	done := 0
	if hasAVX2FMA && n >= 8 {
		done = n &^ 7
		adam32x8(done, &w[0], &g[0], &m[0], &v[0], c)
	}
	adam32Go(w[done:], g[done:], m[done:], v[done:], c)
}

// adam32Go is Adam32's portable loop. The explicit float32 conversions
// round every product, which stops the compiler from fusing it into a
// multiply-add (the Go spec allows fusion otherwise, and arm64 and
// GOAMD64=v3 builds do it), so the results match the assembly's bit for bit.
func adam32Go(w, g, m, v []float32, c *AdamConsts) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i, wi := range w {
		gi := float32(c.Scale*g[i]) + float32(c.L2*wi)
		mi := float32(c.Beta1*m[i]) + float32(c.OneMinusBeta1*gi)
		vi := float32(c.Beta2*v[i]) + float32(c.OneMinusBeta2*float32(gi*gi))
		m[i], v[i] = mi, vi
		// The compiler turns float32(math.Sqrt(float64(x))) into one
		// single-precision square root, correctly rounded like VSQRTPS.
		den := float32(float32(math.Sqrt(float64(vi)))*c.InvSqrtBC2) + c.Epsilon
		wi -= float32(c.Decay * wi)
		w[i] = wi - float32(float32(mi/den)*c.StepSize)
	}
}
