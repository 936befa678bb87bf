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

// shardSpecs are networks the data-parallel step takes: every
// activation it runs itself, layers with and without bias, an identity
// hidden layer, dropout on the inputs, between layers and after the
// identity layer.
var shardSpecs = []nn.Spec{
	{Inputs: 30, Layers: []nn.LayerSpec{
		{Kind: nn.KindDropout, Rate: 0.2},
		{Units: 40, Activation: activation.Spec{Name: activation.NameReLU}},
		{Kind: nn.KindDropout, Rate: 0.5},
		{Units: 24, Activation: activation.Spec{Name: activation.NameLeakyReLU, Slope: 0.1}, NoBias: true},
		{Units: 10, Activation: activation.Spec{Name: activation.NameIdentity}},
	}},
	{Inputs: 17, Layers: []nn.LayerSpec{
		{Units: 33, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 9, Activation: activation.Spec{Name: activation.NameIdentity}, NoBias: true},
		{Kind: nn.KindDropout, Rate: 0.3},
		{Units: 3, Activation: activation.Spec{Name: activation.NameSigmoid}},
	}},
	{Inputs: 12, Layers: []nn.LayerSpec{
		{Units: 20, Activation: activation.Spec{Name: activation.NameReLU}},
		{Units: 5, Activation: activation.Spec{Name: activation.NameIdentity}},
	}},
}

// TestShardedGradientMatchesLayerByLayer compares Gradient on batches the
// data-parallel step takes with the layer-by-layer general path: the
// loss, every layer's output (dropout's masks among them) and every
// gradient have the same bits, over gradients left from before.
func TestShardedGradientMatchesLayerByLayer(t *testing.T) {
	// The step has a shard per worker: at least two, on any machine.
	defer tensor.SetThreads(0)
	tensor.SetThreads(3)
	for si, spec := range shardSpecs {
		for bi, batch := range []int{128, 200, 256, 385} {
			// Dropout passes values through in evaluation mode.
			training := bi != 1
			name := fmt.Sprintf("spec %d, batch %d, training %v", si, batch, training)
			rng := rand.New(rand.NewPCG(uint64(si), uint64(batch)))
			fast := nn.MustNew[float64](spec, rand.New(rand.NewPCG(3, 4)))
			general := nn.MustNew[float64](spec, rand.New(rand.NewPCG(3, 4)))
			nn.UseGeneralPath(general)
			fast.SetTraining(training)
			general.SetTraining(training)
			if !nn.TakesShards(fast, batch) || nn.TakesShards(general, batch) {
				t.Fatalf("%s: the data-parallel step takes the fast network %v, the general one %v, want true and false", name, nn.TakesShards(fast, batch), nn.TakesShards(general, batch))
			}
			x := tensor.New[float64](batch, spec.Inputs)
			y := tensor.New[float64](batch, fast.Outputs())
			for i := range x.Data {
				x.Data[i] = 2*rng.Float64() - 1
			}
			for i := range batch {
				y.Set(i, rng.IntN(y.Cols), 1)
			}
			var l loss.Loss[float64] = loss.SoftmaxCrossEntropy[float64]{}
			if y.Cols == 3 {
				l = loss.MSE[float64]{}
			}
			// Stale gradients must be replaced, as on the general path.
			for _, p := range fast.Params() {
				for i := range p.Grad.Data {
					p.Grad.Data[i] = 7
				}
			}
			lf, lg := fast.Gradient(l, x, y), general.Gradient(l, x, y)
			if !sameBits(lf, lg) {
				t.Fatalf("%s: loss %v, layer by layer %v", name, lf, lg)
			}
			for i := range fast.Layers {
				requireSameBits(t, fmt.Sprintf("%s, layer %d output", name, i+1), fast.LayerOutput(i).Data, general.LayerOutput(i).Data)
			}
			for i, p := range fast.Params() {
				requireSameBits(t, fmt.Sprintf("%s, %s gradient", name, p.Name), p.Grad.Data, general.Params()[i].Grad.Data)
			}
		}
	}
}

// TestShardedStepSameBitsAnyThreads trains with 1 worker (the
// layer-by-layer step), 2 and 3 (two and three shards) and requires the
// same bits.
func TestShardedStepSameBitsAnyThreads(t *testing.T) {
	defer tensor.SetThreads(0)
	for si, spec := range shardSpecs {
		var want [][]float32
		for _, threads := range []int{1, 2, 3} {
			tensor.SetThreads(threads)
			rng := rand.New(rand.NewPCG(9, uint64(si)))
			net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(5, 6)))
			var l loss.Loss[float32] = loss.MSE[float32]{}
			for step := range 12 {
				batch := []int{64, 128, 200, 40}[step%4] // 64 and 40 layer by layer
				x := tensor.New[float32](batch, spec.Inputs)
				y := tensor.New[float32](batch, net.Outputs())
				for i := range x.Data {
					x.Data[i] = float32(rng.NormFloat64())
				}
				for i := range y.Data {
					y.Data[i] = float32(rng.Float64())
				}
				net.Step(l, x, y, 0.05)
			}
			var got [][]float32
			for _, p := range net.Params() {
				got = append(got, p.Value.Data)
			}
			if want == nil {
				want = got
				continue
			}
			for i := range want {
				requireSameBits(t, fmt.Sprintf("spec %d, %d threads, %s", si, threads, net.Params()[i].Name), got[i], want[i])
			}
		}
	}
}

// TestShardedStepAllocatesNothing steps on batches of changing sizes, as
// an epoch's last, shorter batch makes, and requires no allocation once
// each size has been seen.
func TestShardedStepAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts mean nothing under the race detector: sync.Pool drops items on purpose")
	}
	defer tensor.SetThreads(0)
	tensor.SetThreads(2)
	spec := shardSpecs[0]
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 2)))
	var xs, ys []*tensor.Matrix[float32]
	for _, batch := range []int{128, 64, 40} {
		xs = append(xs, tensor.New[float32](batch, spec.Inputs))
		ys = append(ys, tensor.New[float32](batch, net.Outputs()))
	}
	var l loss.Loss[float32] = loss.SoftmaxCrossEntropy[float32]{}
	step := func() {
		for i := range xs {
			net.Step(l, xs[i], ys[i], 0.01)
		}
	}
	step()
	if allocs := testing.AllocsPerRun(10, step); allocs != 0 {
		t.Errorf("%v allocations per round of steps, want 0", allocs)
	}
}
