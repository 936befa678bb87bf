package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// TestConv2DFusedActivationSameBits wants a ReLU or leaky ReLU
// convolution, whose activation runs inside its per-sample and per-filter
// loops, to give the same bits as an identity convolution followed by the
// activation on its own: outputs, both parameter gradients and the input
// gradient, on a batch large enough to be split, at several thread counts.
func TestConv2DFusedActivationSameBits(t *testing.T) {
	defer tensor.SetThreads(0)
	in := nn.Shape{2, 9, 9}
	rng := rand.New(rand.NewPCG(7, 8))
	x := randomMatrix[float32](rng, 48, in.Size())
	acts := []activation.Func[float32]{activation.ReLU[float32]{}, activation.LeakyReLU[float32]{Slope: 0.1}}
	for _, act := range acts {
		for _, threads := range []int{1, 2, 3} {
			tensor.SetThreads(threads)
			fused := nn.NewConv2D("c", in, 4, 3, 1, 1, act, true)
			plain := nn.NewConv2D("c", in, 4, 3, 1, 1, activation.Identity[float32]{}, true)
			for i := range fused.W.Value.Data {
				v := float32(rng.NormFloat64())
				fused.W.Value.Data[i], plain.W.Value.Data[i] = v, v
			}
			for i := range fused.B.Value.Data {
				v := float32(rng.NormFloat64())
				fused.B.Value.Data[i], plain.B.Value.Data[i] = v, v
			}
			a := fused.Forward(x)
			z := plain.Forward(x)
			want := tensor.New[float32](z.Rows, z.Cols)
			act.Forward(want, z)
			sameBits32(t, act.Spec().Name+" output", a.Data[:a.Rows*a.Cols], want.Data)

			da := randomMatrix[float32](rng, a.Rows, a.Cols)
			dz := tensor.New[float32](z.Rows, z.Cols)
			act.Backward(dz, z, want, da)
			gotDx := fused.Backward(da, true)
			wantDx := plain.Backward(dz, true)
			sameBits32(t, act.Spec().Name+" weight gradient", fused.W.Grad.Data, plain.W.Grad.Data)
			sameBits32(t, act.Spec().Name+" bias gradient", fused.B.Grad.Data, plain.B.Grad.Data)
			sameBits32(t, act.Spec().Name+" input gradient", gotDx.Data[:gotDx.Rows*gotDx.Cols], wantDx.Data[:wantDx.Rows*wantDx.Cols])
		}
	}
}

func sameBits32(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: value %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}
