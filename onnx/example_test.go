package onnx_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
)

// Export a classifier to ONNX and read it back.
func Example() {
	net := nn.MustNew[float32](nn.Spec{Inputs: 4, Layers: []nn.LayerSpec{
		{Units: 8, Activation: activation.Spec{Name: activation.NameReLU}},
		{Units: 3, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}, rand.New(rand.NewPCG(1, 2)))
	m, err := model.FromNetwork(net, loss.NameSoftmaxCrossEntropy, "classification")
	if err != nil {
		panic(err)
	}
	b, err := onnx.Marshal(m, onnx.Options{})
	if err != nil {
		panic(err)
	}
	back, err := onnx.Unmarshal(b, onnx.ImportOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Spec.Inputs, back.Spec.Layers[0].Activation, back.Spec.Layers[1].Units, back.Loss)
	// Output: 4 relu 3 softmax_cross_entropy
}
