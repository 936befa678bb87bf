package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

func TestSmallPathMatchesGeneralFloat32(t *testing.T) { testSmallPathMatchesGeneral[float32](t) }
func TestSmallPathMatchesGeneralFloat64(t *testing.T) { testSmallPathMatchesGeneral[float64](t) }

// testSmallPathMatchesGeneral trains random small networks twice from the
// same seed, once with the dense layers' short cuts for small products and
// once through the general path, and requires the same bits in every
// loss, parameter and input gradient. The networks mix every activation,
// layers with and without bias, batches of one and more, and layers large
// enough that some products leave the small path.
func testSmallPathMatchesGeneral[T tensor.Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	names := activation.Names()
	losses := []loss.Loss[T]{loss.SquaredError[T]{Reduction: loss.Sum}, loss.MSE[T]{}, loss.SoftmaxCrossEntropy[T]{}}
	for trial := range 60 {
		spec := nn.Spec{Inputs: 1 + rng.IntN(4)}
		if trial%10 == 9 {
			spec.Inputs = 20 // 20×20 products at batch 1 are past the small path
		}
		for range 1 + rng.IntN(3) {
			act := activation.Spec{Name: names[rng.IntN(len(names))]}
			if act.Name == activation.NameLeakyReLU && rng.IntN(2) == 0 {
				act.Slope = 0.2
			}
			units := 1 + rng.IntN(9)
			if trial%10 == 9 {
				units = 20
			}
			spec.Layers = append(spec.Layers, nn.LayerSpec{Units: units, Activation: act, NoBias: rng.IntN(3) == 0})
		}
		batch := []int{1, 1, 2, 3, 5}[rng.IntN(5)]
		l := losses[rng.IntN(len(losses))]
		seed := rng.Uint64()
		fast := nn.MustNew[T](spec, rand.New(rand.NewPCG(seed, 1)))
		general := nn.MustNew[T](spec, rand.New(rand.NewPCG(seed, 1)))
		nn.UseGeneralPath(general)
		name := fmt.Sprintf("trial %d: %+v, batch %d, %s", trial, spec, batch, l.Name())

		x := tensor.New[T](batch, spec.Inputs)
		y := tensor.New[T](batch, fast.Outputs())
		for step := range 20 {
			for i := range x.Data {
				x.Data[i] = T(4*rng.Float64() - 2)
			}
			for i := range y.Data {
				y.Data[i] = T(rng.Float64())
			}
			lf, lg := fast.Step(l, x, y, 0.1), general.Step(l, x, y, 0.1)
			if !sameBits(lf, lg) {
				t.Fatalf("%s, step %d: loss %v, general path %v", name, step, lf, lg)
			}
			for i, p := range fast.Params() {
				requireSameBits(t, fmt.Sprintf("%s, step %d, %s", name, step, p.Name), p.Value.Data, general.Params()[i].Value.Data)
			}
		}
		// Step never asks for the first layer's input gradient.
		out := fast.Forward(x)
		general.Forward(x)
		dOut := tensor.New[T](out.Rows, out.Cols)
		for i := range dOut.Data {
			dOut.Data[i] = T(rng.Float64() - 0.5)
		}
		requireSameBits(t, name+", input gradient", fast.Backward(dOut, true).Values(), general.Backward(dOut, true).Values())
	}
}

// sameBits reports whether a and b have the same bits, or are both NaN:
// which NaN's payload survives an operation on two NaNs depends on how the
// compiler assigns registers (the race detector's build differs), so a
// network that diverged is only required to diverge on both paths.
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func requireSameBits[T tensor.Float](t *testing.T, name string, got, want []T) {
	t.Helper()
	for i := range want {
		if !sameBits(float64(got[i]), float64(want[i])) {
			t.Fatalf("%s[%d] = %v, general path %v", name, i, got[i], want[i])
		}
	}
}

// TestTutorialStepExactOps replays the tutorial's loop with the exact
// operations a step has always made, in their order, and requires the
// network's weight to match it to the bit after every step: a faster path
// may not change a single rounding. (The conversions keep the compiler
// from fusing a multiply and an add, which the network never does.)
func TestTutorialStepExactOps(t *testing.T) {
	const x, target, lr = 0.1, 0.3, 0.5
	net := tutorialNet(0.5)
	xs := tensor.FromRows([][]float64{{x}})
	ys := tensor.FromRows([][]float64{{target}})
	sq := loss.SquaredError[float64]{Reduction: loss.Sum}
	w := 0.5
	for i := range 10000 {
		var sop float64 // the product's element is cleared, then added to
		sop += float64(x * w)
		pred := kernel.ScalarSigmoid(sop)
		dPred := 2 * (pred - target)
		dSop := dPred * pred * (1 - pred)
		var grad float64 // ZeroGrad, then Wᵀ += xᵀ·dz
		grad += float64(x * dSop)
		w += float64(-lr * grad)

		net.Step(sq, xs, ys, lr)
		if got := net.Params()[0].Value.Data[0]; math.Float64bits(got) != math.Float64bits(w) {
			t.Fatalf("step %d: w = %.17g, want %.17g", i+1, got, w)
		}
	}
}
