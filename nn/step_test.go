package nn_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// stepSpecs are networks for TestStepSameBitsAsGeneralPath: the
// data-parallel shapes, one large enough that its products are split
// between the cores and sliced along the inner size (past 256), and a
// convolution, pooling and batch norm in front of dense layers.
var stepSpecs = append(append([]nn.Spec(nil), shardSpecs...),
	nn.Spec{Inputs: 150, Layers: []nn.LayerSpec{
		{Units: 300, Activation: activation.Spec{Name: activation.NameReLU}},
		{Units: 70, Activation: activation.Spec{Name: activation.NameLeakyReLU, Slope: 0.01}},
		{Units: 10, Activation: activation.Spec{Name: activation.NameIdentity}},
	}},
	// At 64 rows the 64→512 layer's gradient products run at the same
	// time, and its bias sums inside them are split again.
	nn.Spec{Inputs: 20, Layers: []nn.LayerSpec{
		{Units: 64, Activation: activation.Spec{Name: activation.NameReLU}},
		{Units: 512, Activation: activation.Spec{Name: activation.NameReLU}},
		{Units: 10, Activation: activation.Spec{Name: activation.NameIdentity}},
	}},
	nn.Spec{Inputs: 2 * 6 * 6, InputShape: nn.Shape{2, 6, 6}, Layers: []nn.LayerSpec{
		{Kind: nn.KindConv2D, Filters: 4, Kernel: 3, Activation: activation.Spec{Name: activation.NameReLU}},
		{Kind: nn.KindMaxPool2D, Kernel: 2},
		{Kind: nn.KindBatchNorm},
		{Units: 20, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 3, Activation: activation.Spec{Name: activation.NameIdentity}},
	}},
)

// TestStepSameBitsAsGeneralPath requires that training steps on the fast
// paths (the bias and activation applied to each block of a dense
// layer's product as it is finished, the data-parallel step) give the
// general path's bits: the loss, the weights and the gradients after
// each of several steps on batches of changing size, at 1, 2 and 3
// workers, in both float types.
func TestStepSameBitsAsGeneralPath(t *testing.T) {
	defer tensor.SetThreads(0)
	for _, threads := range []int{1, 2, 3} {
		tensor.SetThreads(threads)
		for si, spec := range stepSpecs {
			testStepBits[float32](t, fmt.Sprintf("float32, %d threads, spec %d", threads, si), spec)
			testStepBits[float64](t, fmt.Sprintf("float64, %d threads, spec %d", threads, si), spec)
		}
	}
}

// TestStepTakesBothAtOnce requires that TestStepSameBitsAsGeneralPath's
// 150-300-70-10 network computes its hidden layers' two gradient products
// at the same time at 2 and 3 workers on its batches of 64 and 128 rows
// (so that the bits test covers that path), never at 1 worker, and not
// for products outside the bounds (300×70 weights at 300 rows: 6.3
// million multiply-adds; 70×10 at 40 rows: 28,000).
func TestStepTakesBothAtOnce(t *testing.T) {
	defer tensor.SetThreads(0)
	net := nn.MustNew[float32](stepSpecs[len(shardSpecs)], rand.New(rand.NewPCG(5, 6)))
	for _, threads := range []int{1, 2, 3} {
		tensor.SetThreads(threads)
		for _, c := range []struct {
			layer, rows int
			inBounds    bool
		}{{1, 64, true}, {1, 128, true}, {2, 64, true}, {2, 128, true}, {1, 300, false}, {2, 40, false}} {
			want := threads > 1 && c.inBounds
			if got := nn.BothAtOnce(net, c.layer, c.rows); got != want {
				t.Errorf("%d threads, %d rows, layer %d: both at once %v, want %v", threads, c.rows, c.layer, got, want)
			}
		}
	}
}

func testStepBits[T tensor.Float](t *testing.T, name string, spec nn.Spec) {
	t.Helper()
	fast := nn.MustNew[T](spec, rand.New(rand.NewPCG(5, 6)))
	general := nn.MustNew[T](spec, rand.New(rand.NewPCG(5, 6)))
	nn.UseGeneralPath(general)
	rng := rand.New(rand.NewPCG(7, 8))
	var l loss.Loss[T] = loss.SoftmaxCrossEntropy[T]{}
	if fast.Outputs() == 3 {
		l = loss.MSE[T]{}
	}
	for step, batch := range []int{64, 300, 128, 1, 40, 385} {
		x := tensor.New[T](batch, spec.Inputs)
		y := tensor.New[T](batch, fast.Outputs())
		for i := range x.Data {
			x.Data[i] = T(rng.NormFloat64())
		}
		for i := range batch {
			y.Set(i, rng.IntN(y.Cols), 1)
		}
		lf, lg := fast.Step(l, x, y, 0.05), general.Step(l, x, y, 0.05)
		if !sameBits(lf, lg) {
			t.Fatalf("%s, step %d (batch %d): loss %v, general path %v", name, step, batch, lf, lg)
		}
		for i, p := range fast.Params() {
			q := general.Params()[i]
			requireSameBits(t, fmt.Sprintf("%s, step %d (batch %d), %s", name, step, batch, p.Name), p.Value.Data, q.Value.Data)
			requireSameBits(t, fmt.Sprintf("%s, step %d (batch %d), %s gradient", name, step, batch, p.Name), p.Grad.Data, q.Grad.Data)
		}
	}
}
