package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// The tutorial's network: one input times one weight gives the sum of
// products, a sigmoid turns it into the prediction, and the squared error
// measures it. Each step multiplies the chain dE/dpred · dpred/dsop · dsop/dw
// and moves w against it.
func Example_tutorial() {
	net := nn.MustNew[float64](nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{
		Units:      1,
		Activation: activation.Spec{Name: activation.NameSigmoid},
		NoBias:     true,
		Init:       initializer.Spec{Name: initializer.NameRand}, // numpy.random.rand()
	}}}, rand.New(rand.NewPCG(1, 1)))
	x := tensor.FromRows([][]float64{{0.1}})
	target := tensor.FromRows([][]float64{{0.3}})
	errFn := loss.SquaredError[float64]{Reduction: loss.Sum} // (prediction - target)²

	for i := 0; i < 10000; i++ {
		net.Step(errFn, x, target, 0.5)
	}
	prediction := net.Forward(x).At(0, 0)
	fmt.Printf("prediction %.3f, error %.1e\n", prediction, errFn.Forward(net.Forward(x), target))
	// Output: prediction 0.302, error 2.4e-06
}

// A network with two inputs, one hidden layer of two neurons and one
// output, as in the tutorial series' later parts, with biases.
func Example_hiddenLayer() {
	net := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 2, Activation: activation.Spec{Name: activation.NameSigmoid}},
		{Units: 1, Activation: activation.Spec{Name: activation.NameSigmoid}},
	}}, rand.New(rand.NewPCG(1, 1)))
	x := tensor.FromRows([][]float64{{0.1, 0.4}})
	target := tensor.FromRows([][]float64{{0.7}})
	errFn := loss.SquaredError[float64]{Reduction: loss.Sum}
	for i := 0; i < 10000; i++ {
		net.Step(errFn, x, target, 0.5)
	}
	fmt.Printf("prediction %.3f\n", net.Forward(x).At(0, 0))
	// Output: prediction 0.700
}

// XOR needs a hidden layer: a 2-4-1 network learns it exactly.
func Example_xor() {
	x := tensor.FromRows([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	y := tensor.FromRows([][]float64{{0}, {1}, {1}, {0}})
	net := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 1, Activation: activation.Spec{Name: activation.NameSigmoid}},
	}}, rand.New(rand.NewPCG(1, 1)))
	for i := 0; i < 5000; i++ {
		net.Step(loss.MSE[float64]{}, x, y, 1)
	}
	out := net.Forward(x)
	for i := 0; i < 4; i++ {
		fmt.Printf("%v → %.0f\n", x.Row(i), out.At(i, 0))
	}
	// Output:
	// [0 0] → 0
	// [0 1] → 1
	// [1 0] → 1
	// [1 1] → 0
}
