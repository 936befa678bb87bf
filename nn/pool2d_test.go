package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// TestMaxPool2x2MatchesScan checks the written-out 2×2 max pooling against
// the definition the general loop follows: the first largest value of each
// window, scanning row by row, with ties, signed zeros and an odd width
// that leaves a column out; a batch large enough to be split between
// workers, at several worker counts.
func TestMaxPool2x2MatchesScan(t *testing.T) {
	defer tensor.SetThreads(0)
	const n, ch, h, w = 80, 3, 6, 7 // 80 samples: enough to be split
	rng := rand.New(rand.NewPCG(5, 6))
	levels := []float64{-1, math.Copysign(0, -1), 0, 0.5, 2}
	x := tensor.New[float64](n, ch*h*w)
	for i := range x.Data {
		x.Data[i] = levels[rng.IntN(len(levels))]
	}
	oh, ow := h/2, w/2
	outs := ch * oh * ow
	want := make([]float64, n*outs)
	wantGrad := make([]float64, n*ch*h*w)
	for s := range n {
		o := 0
		for c := range ch {
			for oy := range oh {
				for ox := range ow {
					best := -1
					for iy := 2 * oy; iy < 2*oy+2; iy++ {
						for ix := 2 * ox; ix < 2*ox+2; ix++ {
							i := s*ch*h*w + c*h*w + iy*w + ix
							if best < 0 || x.Data[i] > x.Data[best] {
								best = i
							}
						}
					}
					want[s*outs+o] = x.Data[best]
					wantGrad[best] += float64(o + 1)
					o++
				}
			}
		}
	}
	g := tensor.New[float64](n, outs)
	for i := range g.Data {
		g.Data[i] = float64(i%outs + 1)
	}
	for _, threads := range []int{1, 2, 3} {
		tensor.SetThreads(threads)
		p := nn.NewPool2D[float64](true, nn.Shape{ch, h, w}, 2, 2, 0)
		got := p.Forward(x)
		for i := range want {
			if math.Float64bits(got.Data[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%d threads: output %d = %v, want %v", threads, i, got.Data[i], want[i])
			}
		}
		dx := p.Backward(g, true)
		for i := range wantGrad {
			if dx.Data[i] != wantGrad[i] {
				t.Fatalf("%d threads: input gradient %d = %v, want %v", threads, i, dx.Data[i], wantGrad[i])
			}
		}
	}
}

// TestMaxPool2x2Backward checks the 2×2 backward pass against the
// definition, bit for bit: an odd height and width, whose last row and
// column get 0; gradients of −0, which adding onto a cleared gradient
// makes +0; and a second call on the same layer, whose input gradient
// must not keep anything of the first. (It guards the rewrites of that
// pass tried for speed.)
func TestMaxPool2x2Backward(t *testing.T) {
	const n, ch, h, w = 3, 2, 5, 7
	rng := rand.New(rand.NewPCG(7, 8))
	x := randomMatrix[float64](rng, n, ch*h*w)
	p := nn.NewPool2D[float64](true, nn.Shape{ch, h, w}, 2, 2, 0)
	outs := p.OutShape().Size()
	for call, negZero := range []bool{false, true} {
		p.Forward(x)
		g := randomMatrix[float64](rng, n, outs)
		if negZero {
			for i := 0; i < len(g.Data); i += 2 {
				g.Data[i] = math.Copysign(0, -1)
			}
		}
		want := make([]float64, n*ch*h*w)
		for s := range n {
			o := 0
			for c := range ch {
				for oy := range h / 2 {
					for ox := range w / 2 {
						best := -1
						for iy := 2 * oy; iy < 2*oy+2; iy++ {
							for ix := 2 * ox; ix < 2*ox+2; ix++ {
								i := s*ch*h*w + c*h*w + iy*w + ix
								if best < 0 || x.Data[i] > x.Data[best] {
									best = i
								}
							}
						}
						want[best] += g.Data[s*outs+o]
						o++
					}
				}
			}
		}
		got := p.Backward(g, true)
		for i := range want {
			if math.Float64bits(got.Data[i]) != math.Float64bits(want[i]) {
				t.Fatalf("call %d: input gradient %d = %v, want %v", call+1, i, got.Data[i], want[i])
			}
		}
	}
}
