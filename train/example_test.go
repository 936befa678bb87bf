package train_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/train"
)

func ExampleFit() {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}}, // logits
	}}
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(7, 7)))
	h, err := train.Fit(context.Background(), net, loss.SoftmaxCrossEntropy[float64]{}, datasets.XOR(), nil, train.Config{
		Epochs:       300,
		LearningRate: 0.05,
		Optimizer:    optim.Config{Name: "adam"},
		Seed:         1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Reason())
	fmt.Println("accuracy:", h.Last().Train.Accuracy)
	// Output:
	// completed 300 epochs
	// accuracy: 1
}
