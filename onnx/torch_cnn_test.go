package onnx_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/tensor"
)

// torchCNN is testdata/torch_cnn.json: inputs and PyTorch's outputs for
// testdata/torch_cnn.onnx, both written by bench/parity/gen_onnx_cnn.py.
type torchCNN struct {
	Shape   nn.Shape    `json:"shape"`
	Inputs  [][]float64 `json:"inputs"`
	Outputs [][]float64 `json:"outputs"`
}

// loadTorchCNN imports the PyTorch-exported CNN and reads its inputs and
// outputs.
func loadTorchCNN(t *testing.T) (*model.Model, torchCNN) {
	t.Helper()
	m, err := onnx.Load(filepath.Join("testdata", "torch_cnn.onnx"), onnx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "torch_cnn.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tc torchCNN
	if err := json.Unmarshal(b, &tc); err != nil {
		t.Fatal(err)
	}
	return m, tc
}

// TestImportTorchCNN imports a CNN exported by torch.onnx.export (a 4-D
// input, BatchNormalization on it, Conv with the next batch norm folded
// in, MaxPool, Pad then AveragePool for a padded AvgPool2d, Flatten,
// Gemm with transB, dropout left out) and wants PyTorch's outputs from
// descent's predictions, to float32 precision.
func TestImportTorchCNN(t *testing.T) {
	m, tc := loadTorchCNN(t)
	want := "144 → batchnorm → conv2d 4×3×3 stride 1 pad 1 relu → maxpool2d 2×2 stride 2 pad 0 → " +
		"conv2d 5×3×3 stride 2 pad 1 tanh → avgpool2d 2×2 stride 1 pad 1 → 6 relu → 3 identity"
	if got := m.Spec.String(); got != want {
		t.Errorf("spec %s, want %s", got, want)
	}
	if !slices.Equal(m.Spec.InputShape, tc.Shape) {
		t.Errorf("input shape %v, want %v", m.Spec.InputShape, tc.Shape)
	}
	p, err := m.Predict(tensor.FromRows(tc.Inputs))
	if err != nil {
		t.Fatal(err)
	}
	d := 0.0
	for i, row := range tc.Outputs {
		for j, w := range row {
			d = math.Max(d, math.Abs(p.At(i, j)-w))
		}
	}
	t.Logf("largest difference from PyTorch %.3g", d)
	if d > 1e-5 {
		t.Errorf("descent's predictions differ from PyTorch's by %g (> 1e-5)", d)
	}
}
