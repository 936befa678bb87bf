package onnx_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
	"github.com/descent-ml/descent/tensor"
)

// torchCNN is testdata/torch_cnn.json: inputs and PyTorch's outputs for
// testdata/torch_cnn.onnx, both written by bench/parity/gen_onnx_cnn.py
// (likewise torch_view.json, by gen_onnx_view.py).
type torchCNN struct {
	Shape   nn.Shape    `json:"shape"`
	Inputs  [][]float64 `json:"inputs"`
	Outputs [][]float64 `json:"outputs"`
}

// loadTorchCNN imports the PyTorch-exported CNN and reads its inputs and
// outputs.
func loadTorchCNN(t *testing.T) (*model.Model, torchCNN) {
	t.Helper()
	return loadTorch(t, "torch_cnn")
}

// loadTorch imports testdata/name.onnx and reads name.json.
func loadTorch(t *testing.T, name string) (*model.Model, torchCNN) {
	t.Helper()
	m, err := onnx.Load(filepath.Join("testdata", name+".onnx"), onnx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
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
	matchTorch(t, m, tc)
}

// TestImportTorchView imports a CNN whose forward pass PyTorch's MNIST
// example style wrote as code: ReLU after max pooling (after two
// poolings, once), and x.view(x.size(0), -1), which the graph computes
// with Shape, Gather, Unsqueeze, Concat and Reshape. The activations move
// into the convolutions before the pooling, where max pooling gives the
// same values, and the computed reshape reads as a flatten.
func TestImportTorchView(t *testing.T) {
	m, tc := loadTorch(t, "torch_view")
	want := "256 → conv2d 4×3×3 stride 1 pad 0 relu → maxpool2d 2×2 stride 2 pad 0 → " +
		"conv2d 6×3×3 stride 1 pad 0 leaky_relu:0.1 → maxpool2d 2×2 stride 2 pad 0 → " +
		"conv2d 5×1×1 stride 1 pad 0 relu → maxpool2d 1×1 stride 1 pad 0 → maxpool2d 1×1 stride 1 pad 0 → " +
		"8 relu → 3 identity"
	if got := m.Spec.String(); got != want {
		t.Errorf("spec %s, want %s", got, want)
	}
	matchTorch(t, m, tc)
}

// matchTorch wants m's predictions on tc's inputs within 1e-5 of
// PyTorch's outputs.
func matchTorch(t *testing.T, m *model.Model, tc torchCNN) {
	t.Helper()
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

// TestImportTorchViewOtherDimension wants a computed reshape that reads
// a dimension other than the batch (x.view(x.size(1), -1)) refused as a
// value feeding two nodes, not read as a flatten.
func TestImportTorchViewOtherDimension(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "torch_view.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	b = editModel(t, b, func(mp *onnxpb.ModelProto) {
		var idx string
		for _, n := range mp.Graph.Node {
			if n.OpType == "Gather" {
				idx = n.Input[1]
			}
		}
		for _, n := range mp.Graph.Node {
			if n.OpType == "Constant" && n.Output[0] == idx {
				v := n.Attribute[0].T
				v.RawData, v.Int64Data = nil, []int64{1}
				return
			}
		}
		t.Fatal("no Gather reading a Constant index")
	})
	_, err = onnx.Unmarshal(b, onnx.ImportOptions{})
	if !errors.Is(err, onnx.ErrUnsupported) || !strings.Contains(err.Error(), "feeds 2 nodes") {
		t.Errorf("got %v, want ErrUnsupported for a value feeding 2 nodes", err)
	}
}
