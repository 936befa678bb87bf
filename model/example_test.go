package model_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// A network trained in float32 is saved with its class names, loaded back
// and used for prediction; the softmax_cross_entropy loss makes Predict
// return probabilities.
func Example() {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 3, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 2)))
	// ... training would happen here ...
	m, err := model.FromNetwork(net, "softmax_cross_entropy", "classification")
	if err != nil {
		fmt.Println(err)
		return
	}
	m.ClassNames = []string{"no", "yes"}

	dir, err := os.MkdirTemp("", "descent-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.json")
	if err := model.Save(path, m, model.JSON); err != nil {
		fmt.Println(err)
		return
	}

	back, err := model.Load(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := back.Predict(tensor.FromRows([][]float64{{0.5, -0.5}}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s model, %d outputs, probabilities sum to %.3f\n", back.DType, p.Cols, p.At(0, 0)+p.At(0, 1))
	// Output: float32 model, 2 outputs, probabilities sum to 1.000
}
