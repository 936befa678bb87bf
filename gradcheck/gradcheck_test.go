package gradcheck_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/gradcheck"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// randomBatch returns an n×cols matrix of values in [lo, hi).
func randomBatch(rng *rand.Rand, n, cols int, lo, hi float64) *tensor.Matrix[float64] {
	m := tensor.New[float64](n, cols)
	for i := range m.Data {
		m.Data[i] = lo + (hi-lo)*rng.Float64()
	}
	return m
}

// oneHot returns n random one-hot rows of width k.
func oneHot(rng *rand.Rand, n, k int) *tensor.Matrix[float64] {
	m := tensor.New[float64](n, k)
	for i := 0; i < n; i++ {
		m.Set(i, rng.IntN(k), 1)
	}
	return m
}

func check(t *testing.T, spec nn.Spec, l loss.Loss[float64], y func(*rand.Rand, int) *tensor.Matrix[float64]) {
	t.Helper()
	rng := rand.New(rand.NewPCG(42, 1))
	net := nn.MustNew[float64](spec, rng)
	// Non-zero biases, so the bias path is exercised away from zero.
	for _, p := range net.Params() {
		if p.Value.Rows == 1 {
			for i := range p.Value.Data {
				p.Value.Data[i] = 0.2 * (rng.Float64() - 0.5)
			}
		}
	}
	const batch = 5
	x := randomBatch(rng, batch, spec.Inputs, -1, 1)
	rep := gradcheck.Check(net, l, x, y(rng, batch), gradcheck.Options{Inputs: true})
	t.Logf("worst relative error %.2e", rep.Worst())
	if !rep.OK() {
		t.Errorf("gradient check failed:\n%s", rep)
	}
	if len(rep.Results) != len(net.Params())+1 {
		t.Errorf("report has %d results, want one per parameter plus the input", len(rep.Results))
	}
}

func TestEveryActivation(t *testing.T) {
	for _, name := range activation.Names() {
		for _, bias := range []bool{true, false} {
			t.Run(name+map[bool]string{true: "/bias", false: "/nobias"}[bias], func(t *testing.T) {
				act := activation.Spec{Name: name, Slope: 0.1}
				if name != activation.NameLeakyReLU {
					act.Slope = 0
				}
				spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
					{Units: 4, Activation: act, NoBias: !bias},
					{Units: 3, Activation: act, NoBias: !bias},
					{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}, NoBias: !bias},
				}}
				check(t, spec, loss.MSE[float64]{}, func(r *rand.Rand, n int) *tensor.Matrix[float64] {
					return randomBatch(r, n, 2, -1, 1)
				})
			})
		}
	}
}

func TestEveryLoss(t *testing.T) {
	hidden := nn.LayerSpec{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}}
	out := func(act string, units int) nn.Spec {
		return nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{hidden, {Units: units, Activation: activation.Spec{Name: act}}}}
	}
	values := func(r *rand.Rand, n int) *tensor.Matrix[float64] { return randomBatch(r, n, 3, -1, 1) }
	probs := func(r *rand.Rand, n int) *tensor.Matrix[float64] { return randomBatch(r, n, 3, 0, 1) }
	classes := func(r *rand.Rand, n int) *tensor.Matrix[float64] { return oneHot(r, n, 3) }
	soft := func(r *rand.Rand, n int) *tensor.Matrix[float64] {
		m := randomBatch(r, n, 3, 0, 1) // any non-negative weights: the general gradient
		return m
	}
	binary := func(r *rand.Rand, n int) *tensor.Matrix[float64] {
		m := tensor.New[float64](n, 3)
		for i := range m.Data {
			m.Data[i] = float64(r.IntN(2))
		}
		return m
	}
	tests := []struct {
		name      string
		smoothing float64
		output    string
		target    func(*rand.Rand, int) *tensor.Matrix[float64]
		delta     float64
	}{
		// δ and β of 0.3 put outputs on both sides of the kink.
		{name: loss.NameHuber, output: activation.NameIdentity, target: values, delta: 0.3},
		{name: loss.NameHuber, output: activation.NameIdentity, target: values},
		{name: loss.NameSmoothL1, output: activation.NameIdentity, target: values, delta: 0.3},
		{name: loss.NameSmoothL1, output: activation.NameIdentity, target: values, delta: 2},
		{loss.NameSquaredError, 0, activation.NameIdentity, values, 0},
		{loss.NameMSE, 0, activation.NameIdentity, values, 0},
		{loss.NameMAE, 0, activation.NameIdentity, values, 0},
		{loss.NameBCE, 0, activation.NameSigmoid, probs, 0},
		{loss.NameBCEWithLogits, 0, activation.NameIdentity, probs, 0},
		{loss.NameBCEWithLogits, 0.1, activation.NameIdentity, binary, 0},
		{loss.NameBCEWithLogits, 0.3, activation.NameIdentity, probs, 0},
		{loss.NameCrossEntropy, 0, activation.NameSoftmax, classes, 0},
		{loss.NameSoftmaxCrossEntropy, 0, activation.NameIdentity, classes, 0},
		{loss.NameSoftmaxCrossEntropy, 0, activation.NameIdentity, soft, 0},
		{loss.NameSoftmaxCrossEntropy, 0.1, activation.NameIdentity, classes, 0},
		{loss.NameSoftmaxCrossEntropy, 0.3, activation.NameIdentity, soft, 0},
	}
	for _, tt := range tests {
		for _, r := range []loss.Reduction{loss.Mean, loss.Sum, loss.MeanAll, loss.SumAll} {
			name := tt.name + "/" + r.String()
			if tt.smoothing != 0 {
				name += fmt.Sprintf("/smoothing=%g", tt.smoothing)
			}
			if tt.delta != 0 {
				name += fmt.Sprintf("/delta=%g", tt.delta)
			}
			t.Run(name, func(t *testing.T) {
				l, err := loss.NewWith[float64](tt.name, loss.Options{Reduction: r, Smoothing: tt.smoothing, Delta: tt.delta})
				if err != nil {
					t.Fatal(err)
				}
				check(t, out(tt.output, 3), l, tt.target)
			})
		}
	}
}

func TestWeightedLosses(t *testing.T) {
	hidden := nn.LayerSpec{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}}
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{hidden, {Units: 3, Activation: activation.Spec{Name: activation.NameIdentity}}}}
	values := func(r *rand.Rand, n int) *tensor.Matrix[float64] { return randomBatch(r, n, 3, -1, 1) }
	classes := func(r *rand.Rand, n int) *tensor.Matrix[float64] { return oneHot(r, n, 3) }
	// One weight per row of check's batch of 5, one of them zero.
	weights := []float64{0.5, 0, 1.7, 1, 0.2}
	tests := []struct {
		name      string
		smoothing float64
		target    func(*rand.Rand, int) *tensor.Matrix[float64]
	}{
		{loss.NameMSE, 0, values},
		{loss.NameMAE, 0, values},
		{loss.NameHuber, 0, values},
		{loss.NameSmoothL1, 0, values},
		{loss.NameSquaredError, 0, values},
		{loss.NameBCEWithLogits, 0.1, classes},
		{loss.NameSoftmaxCrossEntropy, 0, classes},
		{loss.NameSoftmaxCrossEntropy, 0.1, classes},
	}
	for _, tt := range tests {
		for _, r := range []loss.Reduction{loss.Mean, loss.Sum} {
			t.Run(fmt.Sprintf("%s/%s/smoothing=%g", tt.name, r, tt.smoothing), func(t *testing.T) {
				// The inner loss's reduction is the other one, to show
				// that Weighted's own is the one that counts.
				other := loss.Sum
				if r == loss.Sum {
					other = loss.Mean
				}
				inner, err := loss.NewWith[float64](tt.name, loss.Options{Reduction: other, Smoothing: tt.smoothing})
				if err != nil {
					t.Fatal(err)
				}
				l := &loss.Weighted[float64]{Loss: inner, Reduction: r}
				l.SetWeights(weights)
				check(t, spec, l, tt.target)
			})
		}
	}
}

// tutorialSigmoid reproduces the tutorial's backward pass, which evaluates
// the sigmoid's derivative at the prediction instead of at the SOP:
// activation_sop_deriv(predicted) = σ(a)(1 − σ(a)).
type tutorialSigmoid struct{ activation.Sigmoid[float64] }

func (tutorialSigmoid) Backward(dz, z, a, da *tensor.Matrix[float64]) {
	s := tensor.New[float64](a.Rows, a.Cols)
	activation.Sigmoid[float64]{}.Forward(s, a)
	for i, v := range s.Data {
		dz.Data[i] = da.Data[i] * v * (1 - v)
	}
}

func TestCatchesTutorialDerivative(t *testing.T) {
	x := tensor.FromRows([][]float64{{0.1}})
	y := tensor.FromRows([][]float64{{0.3}})
	build := func(act activation.Func[float64]) *nn.Network[float64] {
		net := &nn.Network[float64]{}
		d := nn.NewDense("layer1", 1, 1, act, false)
		d.W.Value.Data[0] = 0.6
		net.Layers = append(net.Layers, d)
		return nn.FromLayers(net.Layers...)
	}
	l := loss.SquaredError[float64]{Reduction: loss.Sum}
	if rep := gradcheck.Check(build(activation.Sigmoid[float64]{}), l, x, y, gradcheck.Options{}); !rep.OK() {
		t.Fatalf("exact sigmoid derivative rejected:\n%s", rep)
	}
	rep := gradcheck.Check(build(tutorialSigmoid{}), l, x, y, gradcheck.Options{})
	if rep.OK() {
		t.Fatalf("the tutorial's derivative passed the check:\n%s", rep)
	}
	if rep.Worst() < 0.01 {
		t.Errorf("the tutorial's derivative is off by only %.3g; expected a gross error", rep.Worst())
	}
}

func TestDetectsWrongGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	net := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 2}}}, rng)
	x := randomBatch(rng, 3, 2, -1, 1)
	y := randomBatch(rng, 3, 2, 0, 1)
	rep := gradcheck.Check(net, wrongLoss{}, x, y, gradcheck.Options{})
	if rep.OK() {
		t.Fatalf("a loss with a gradient 10%% too large passed:\n%s", rep)
	}
}

// wrongLoss is MSE with a gradient 10% too large.
type wrongLoss struct{ loss.MSE[float64] }

func (w wrongLoss) Backward(grad, pred, target *tensor.Matrix[float64]) {
	w.MSE.Backward(grad, pred, target)
	for i := range grad.Data {
		grad.Data[i] *= 1.1
	}
}

// TestEveryLossIsChecked fails when a loss is added to the registry
// without a row in TestEveryLoss.
func TestEveryLossIsChecked(t *testing.T) {
	checked := map[string]bool{
		loss.NameSquaredError: true, loss.NameMSE: true, loss.NameMAE: true, loss.NameHuber: true,
		loss.NameSmoothL1: true, loss.NameBCE: true, loss.NameBCEWithLogits: true,
		loss.NameCrossEntropy: true, loss.NameSoftmaxCrossEntropy: true,
	}
	for _, name := range loss.Names() {
		if !checked[name] {
			t.Errorf("loss %s is not in TestEveryLoss", name)
		}
	}
}
