package optim_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// convergence gives each optimizer a learning rate and a step budget that
// suit it on the two problems below.
var convergence = []struct {
	name              string
	linearLR, xorLR   float64
	linearSteps, xorN int
}{
	{"gd", 0.1, 0.5, 2000, 2000},
	{"sgd", 0.1, 0.5, 2000, 2000},
	{"momentum", 0.05, 0.1, 1000, 1000},
	{"nesterov", 0.05, 0.1, 1000, 1000},
	{"adagrad", 0.5, 0.5, 2000, 1000},
	{"rmsprop", 0.01, 0.01, 2000, 1000},
	{"adam", 0.05, 0.05, 2000, 1000},
	{"adamw", 0.05, 0.05, 2000, 1000},
}

// TestConvergesOnLinearRegression fits y = 2·x₁ − 3·x₂ + 1 with one linear
// neuron and MSE, a convex problem whose minimum is the true coefficients.
func TestConvergesOnLinearRegression(t *testing.T) {
	var xs, ys [][]float64
	for i := range 5 {
		for j := range 4 {
			x1, x2 := float64(i)/4-0.5, float64(j)/3-0.5
			xs = append(xs, []float64{x1, x2})
			ys = append(ys, []float64{2*x1 - 3*x2 + 1})
		}
	}
	x, y := tensor.FromRows(xs), tensor.FromRows(ys)
	for _, c := range convergence {
		t.Run(c.name, func(t *testing.T) {
			net := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 1, Activation: activation.Spec{Name: activation.NameIdentity}}}}, rand.New(rand.NewPCG(1, 2)))
			cfg := optim.Config{Name: c.name}
			if c.name == "adamw" {
				cfg.WeightDecay = optim.Float(1e-6) // the default decay pulls the optimum off the least-squares fit
			}
			opt, err := optim.New[float64](cfg)
			if err != nil {
				t.Fatal(err)
			}
			lr := c.linearLR
			for s := range c.linearSteps {
				if c.name != "gd" && c.name != "sgd" && c.name != "adagrad" && s > c.linearSteps/2 {
					lr = c.linearLR / 10 // settle: adaptive and momentum methods hover around the minimum
				}
				net.Gradient(loss.MSE[float64]{}, x, y)
				opt.Step(net.Params(), lr)
			}
			d := net.Layers[0].(*nn.Dense[float64])
			got := []float64{d.W.Value.Data[0], d.W.Value.Data[1], d.B.Value.Data[0]}
			want := []float64{2, -3, 1}
			if !near(got, want, 1e-3) {
				t.Errorf("weights, bias = %v, want %v", got, want)
			}
		})
	}
}

// TestConvergesOnXOR trains a 2-4-2 tanh network with softmax cross-entropy
// on the four XOR points, full batch, to 100% accuracy.
func TestConvergesOnXOR(t *testing.T) {
	d := datasets.XOR()
	x, y := d.X, d.Y
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	for _, c := range convergence {
		t.Run(c.name, func(t *testing.T) {
			net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(3, 4)))
			opt, err := optim.New[float64](optim.Config{Name: c.name})
			if err != nil {
				t.Fatal(err)
			}
			l := loss.SoftmaxCrossEntropy[float64]{}
			var last float64
			for range c.xorN {
				last = net.Gradient(l, x, y)
				opt.Step(net.Params(), c.xorLR)
			}
			out := net.Forward(x)
			correct := 0
			for i := range 4 {
				row := out.Row(i)
				pred := 0
				if row[1] > row[0] {
					pred = 1
				}
				if pred == d.Class(i) {
					correct++
				}
			}
			if correct != 4 || math.IsNaN(last) {
				t.Errorf("%d of 4 XOR points right (loss %.4g), want 4", correct, last)
			}
		})
	}
}
