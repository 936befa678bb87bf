package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// stepSpecs are networks whose Step takes the dense layers' updates in
// the backward pass: the data-parallel shapes, one large enough that its
// weight gradients are split between the cores and sliced along the
// batch (k past 256), and a convolution, pooling and batch norm in front
// of dense layers, whose own parameters are stepped after the backward
// pass.
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

// TestStepSameBitsAsGradientThenUpdate requires that Step, which takes
// the dense layers' steps inside the backward pass, gives the bits of
// Gradient followed by Update: the weights, and the gradients left in
// Grad, after several steps on batches that take the layer-by-layer and
// the data-parallel step, at 1, 2 and 3 workers, in both float types.
func TestStepSameBitsAsGradientThenUpdate(t *testing.T) {
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
	fused := nn.MustNew[T](spec, rand.New(rand.NewPCG(5, 6)))
	plain := nn.MustNew[T](spec, rand.New(rand.NewPCG(5, 6)))
	rng := rand.New(rand.NewPCG(7, 8))
	var l loss.Loss[T] = loss.SoftmaxCrossEntropy[T]{}
	if fused.Outputs() == 3 {
		l = loss.MSE[T]{}
	}
	for step, batch := range []int{64, 300, 128, 1, 40, 385} {
		x := tensor.New[T](batch, spec.Inputs)
		y := tensor.New[T](batch, fused.Outputs())
		for i := range x.Data {
			x.Data[i] = T(rng.NormFloat64())
		}
		for i := range batch {
			y.Set(i, rng.IntN(y.Cols), 1)
		}
		lf := fused.Step(l, x, y, 0.05)
		lp := plain.Gradient(l, x, y)
		plain.Update(0.05)
		if !sameBits(lf, lp) {
			t.Fatalf("%s, step %d (batch %d): loss %v, Gradient gave %v", name, step, batch, lf, lp)
		}
		for i, p := range fused.Params() {
			q := plain.Params()[i]
			requireSameBits(t, fmt.Sprintf("%s, step %d (batch %d), %s", name, step, batch, p.Name), p.Value.Data, q.Value.Data)
			requireSameBits(t, fmt.Sprintf("%s, step %d (batch %d), %s gradient", name, step, batch, p.Name), p.Grad.Data, q.Grad.Data)
		}
	}
}

// TestStepNonFiniteLossKeepsWeights requires that a step whose loss is
// NaN leaves every weight as it was, on both paths.
func TestStepNonFiniteLossKeepsWeights(t *testing.T) {
	defer tensor.SetThreads(0)
	tensor.SetThreads(2)
	spec := stepSpecs[len(shardSpecs)]
	for _, batch := range []int{40, 300} {
		net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 2)))
		before := make([][]float32, 0)
		for _, p := range net.Params() {
			before = append(before, append([]float32(nil), p.Value.Data...))
		}
		x := tensor.New[float32](batch, spec.Inputs)
		y := tensor.New[float32](batch, net.Outputs())
		for i := range x.Data {
			x.Data[i] = float32(i%7) - 3
		}
		for i := range batch {
			y.Set(i, i%y.Cols, 1)
		}
		y.Data[3] = float32(math.NaN()) // a target, so no activation can hide it
		if v := net.Step(loss.SoftmaxCrossEntropy[float32]{}, x, y, 0.1); !math.IsNaN(v) {
			t.Fatalf("batch %d: loss %v, want NaN", batch, v)
		}
		for i, p := range net.Params() {
			requireSameBits(t, fmt.Sprintf("batch %d, %s", batch, p.Name), p.Value.Data, before[i])
		}
		// The next, finite step updates again.
		y.Data[3] = 0
		net.Step(loss.SoftmaxCrossEntropy[float32]{}, x, y, 0.1)
		if w := net.Params()[0]; sameBits(float64(w.Value.Data[0]), float64(before[0][0])) && sameBits(float64(w.Value.Data[1]), float64(before[0][1])) {
			t.Errorf("batch %d: a finite step left %s as it was", batch, w.Name)
		}
	}
}
