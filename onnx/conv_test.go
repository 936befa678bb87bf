package onnx_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// convModel is a CNN with every spatial kind, a dropout and dense layers.
func convModel() testModel {
	return testModel{inputs: 2 * 8 * 8, shape: nn.Shape{2, 8, 8},
		spatial: []nn.LayerSpec{
			{Kind: nn.KindConv2D, Filters: 3, Kernel: 3, Stride: 1, Padding: 1},
			{Kind: nn.KindMaxPool2D, Kernel: 2},
			{Kind: nn.KindDropout, Rate: 0.25},
			{Kind: nn.KindAvgPool2D, Kernel: 2, Stride: 2, Padding: 1},
		},
		units: []int{4, 3}, acts: []activation.Spec{act(activation.NameReLU), act(activation.NameIdentity)},
		loss: loss.NameSoftmaxCrossEntropy, task: "classification", scaler: data.Standard}
}

// TestExportConvGraph wants the flat input reshaped to N×C×H×W once,
// before the first spatial layer, the conv weight as F×C×K×K, the
// windows' attributes, and one Flatten before the first dense layer.
func TestExportConvGraph(t *testing.T) {
	m := convModel().build(t, 1)
	b, err := onnx.Marshal(m, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(b, &mp); err != nil {
		t.Fatal(err)
	}
	var ops []string
	nodes := map[string]*onnxpb.NodeProto{}
	for _, n := range mp.Graph.Node {
		ops = append(ops, n.OpType)
		nodes[n.OpType] = n
	}
	want := []string{"Sub", "Div", "Reshape", "Conv", "Relu", "MaxPool", "AveragePool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"}
	if !slices.Equal(ops, want) {
		t.Errorf("ops %v, want %v", ops, want)
	}
	for _, init := range mp.Graph.Initializer {
		switch init.Name {
		case "layer1.weight":
			if got := init.Dims; !slices.Equal(got, []int64{3, 2, 3, 3}) {
				t.Errorf("conv weight dims %v, want [3 2 3 3]", got)
			}
		case "layer1.shape":
			if got := init.Int64Data; !slices.Equal(got, []int64{-1, 2, 8, 8}) {
				t.Errorf("reshape to %v, want [-1 2 8 8]", got)
			}
		case "layer5.weight":
			// The average pooling gives 3×3×3 from 3×4×4 with padding 1.
			if got := init.Dims; !slices.Equal(got, []int64{27, 4}) {
				t.Errorf("first dense weight dims %v, want [27 4]", got)
			}
		}
	}
	ints := func(n *onnxpb.NodeProto, name string) []int64 {
		for _, a := range n.Attribute {
			if a.Name == name {
				return a.Ints
			}
		}
		return nil
	}
	if got := ints(nodes["AveragePool"], "pads"); !slices.Equal(got, []int64{1, 1, 1, 1}) {
		t.Errorf("AveragePool pads %v, want [1 1 1 1]", got)
	}
	if got := ints(nodes["MaxPool"], "strides"); !slices.Equal(got, []int64{2, 2}) {
		t.Errorf("MaxPool strides %v, want [2 2]", got)
	}
}

// TestImportRefusesConv: import reads dense graphs only so far, and says
// so for a convolutional one rather than misreading it.
func TestImportRefusesConv(t *testing.T) {
	b, err := onnx.Marshal(convModel().build(t, 1), onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = onnx.Unmarshal(b, onnx.ImportOptions{})
	if !errors.Is(err, onnx.ErrUnsupported) || !strings.Contains(err.Error(), "Reshape") {
		t.Errorf("got %v, want ErrUnsupported naming the Reshape", err)
	}
}
