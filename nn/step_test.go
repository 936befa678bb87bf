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
