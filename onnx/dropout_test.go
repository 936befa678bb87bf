package onnx_test

import (
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/tensor"
)

// TestExportOmitsDropout exports a network with a dropout layer: the graph
// leaves it out (dropout is the identity at inference), and the imported
// model predicts what model.Predict does, which runs in evaluation mode.
// Descent's metadata brings the dropout layer back, its neighbours'
// parameters named as before; without it the graph's 2 layers remain.
func TestExportOmitsDropout(t *testing.T) {
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
		{Units: 5, Activation: activation.Spec{Name: activation.NameTanh}},
		{Kind: nn.KindDropout, Rate: 0.5},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 2)))
	m, err := model.FromNetwork(net, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	b, err := onnx.Marshal(m, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		file       []byte
		layers     int
		lastWeight string
	}{
		{"with metadata", b, 3, "layer3.weight"},
		{"without metadata", stripMetadata(t, b), 2, "layer2.weight"},
	} {
		t.Run(c.name, func(t *testing.T) {
			back, err := onnx.Unmarshal(c.file, onnx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(back.Spec.Layers); n != c.layers {
				t.Errorf("imported %d layers (%s), want %d", n, back.Spec, c.layers)
			}
			if got := back.Params[2].Name; got != c.lastWeight {
				t.Errorf("last weight named %q, want %q", got, c.lastWeight)
			}
			x := tensor.FromRows([][]float64{{0.5, -1, 2}, {1, 0.25, -0.5}})
			want, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			got, err := back.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want.Data {
				if got.Data[i] != w {
					t.Fatalf("imported model predicts %v, the original %v", got.Data, want.Data)
				}
			}
		})
	}
}
