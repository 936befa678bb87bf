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

// TestImportConv imports the CNN's export without descent's metadata:
// the Reshape gives the input shape, Conv, MaxPool and AveragePool their
// layers, the Flatten nothing (dense layers flatten), and the dropout is
// gone, as the graph has none.
func TestImportConv(t *testing.T) {
	m := convModel().build(t, 1)
	b, err := onnx.Marshal(m, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := onnx.Unmarshal(stripMetadata(t, b), onnx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "128 → conv2d 3×3×3 stride 1 pad 1 relu → maxpool2d 2×2 stride 2 pad 0 → avgpool2d 2×2 stride 2 pad 1 → 4 relu → 3 identity"
	if g := got.Spec.String(); g != want {
		t.Errorf("spec %s, want %s", g, want)
	}
	if g := got.Spec.InputShape; !slices.Equal(g, nn.Shape{2, 8, 8}) {
		t.Errorf("input shape %v, want [2 8 8]", g)
	}
	var names []string
	for _, p := range got.Params {
		names = append(names, p.Name)
	}
	if w := []string{"layer1.weight", "layer1.bias", "layer4.weight", "layer4.bias", "layer5.weight", "layer5.bias"}; !slices.Equal(names, w) {
		t.Errorf("parameters %v, want %v", names, w)
	}
}

// TestImportConvUnsupported edits the CNN's export into graphs descent
// cannot express and wants ErrUnsupported naming the operator and why.
func TestImportConvUnsupported(t *testing.T) {
	base := stripMetadata(t, mustMarshal(t, convModel().build(t, 1), onnx.Options{}))
	op := func(mp *onnxpb.ModelProto, name string) *onnxpb.NodeProto {
		for _, n := range mp.Graph.Node {
			if n.OpType == name {
				return n
			}
		}
		t.Fatalf("no %s node", name)
		return nil
	}
	setInts := func(n *onnxpb.NodeProto, name string, v ...int64) {
		for _, a := range n.Attribute {
			if a.Name == name {
				a.Ints = v
				return
			}
		}
		n.Attribute = append(n.Attribute, &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_INTS, Ints: v})
	}
	setInt := func(n *onnxpb.NodeProto, name string, v int64) {
		for _, a := range n.Attribute {
			if a.Name == name {
				a.I = v
				return
			}
		}
		n.Attribute = append(n.Attribute, &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_INT, I: v})
	}
	tests := []struct {
		name string
		edit func(mp *onnxpb.ModelProto)
		want string
	}{
		{"conv group 3", func(mp *onnxpb.ModelProto) { setInt(op(mp, "Conv"), "group", 3) }, "group=3"},
		{"conv dilation 2", func(mp *onnxpb.ModelProto) { setInts(op(mp, "Conv"), "dilations", 2, 2) }, "dilation 2"},
		{"conv asymmetric pads", func(mp *onnxpb.ModelProto) { setInts(op(mp, "Conv"), "pads", 1, 0, 1, 0) }, "pads [1 0 1 0]"},
		{"max pool strides 2×1", func(mp *onnxpb.ModelProto) { setInts(op(mp, "MaxPool"), "strides", 2, 1) }, "strides [2 1]"},
		{"max pool ceil mode", func(mp *onnxpb.ModelProto) { setInt(op(mp, "MaxPool"), "ceil_mode", 1) }, "ceil_mode=1"},
		{"average pool excluding padding", func(mp *onnxpb.ModelProto) { setInt(op(mp, "AveragePool"), "count_include_pad", 0) }, "count_include_pad=0"},
		{"reshape fixing the batch", func(mp *onnxpb.ModelProto) {
			for _, i := range mp.Graph.Initializer {
				if i.Name == "layer1.shape" {
					i.Int64Data[0] = 5
				}
			}
		}, "shape [5 2 8 8]"},
		{"tanh after max pool", func(mp *onnxpb.ModelProto) {
			// Move the conv's Relu to after the MaxPool, as a Tanh:
			// only ReLU and leaky ReLU move back into the conv.
			conv, relu, pool := op(mp, "Conv"), op(mp, "Relu"), op(mp, "MaxPool")
			pool.Input[0] = conv.Output[0]
			relu.Input[0], relu.Output[0] = pool.Output[0], "pooled.relu"
			relu.OpType = "Tanh"
			op(mp, "AveragePool").Input[0] = "pooled.relu"
		}, "after a maxpool2d layer"},
		{"relu after average pool", func(mp *onnxpb.ModelProto) {
			// Move the conv's Relu to after the AveragePool, whose mean
			// does not commute with it.
			conv, relu, avg := op(mp, "Conv"), op(mp, "Relu"), op(mp, "AveragePool")
			op(mp, "MaxPool").Input[0] = conv.Output[0]
			relu.Input[0], relu.Output[0] = avg.Output[0], "avg.relu"
			op(mp, "Flatten").Input[0] = "avg.relu"
		}, "after a avgpool2d layer"},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			_, err := onnx.Unmarshal(editModel(t, base, c.edit), onnx.ImportOptions{})
			if !errors.Is(err, onnx.ErrUnsupported) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want ErrUnsupported mentioning %q", err, c.want)
			}
		})
	}
}
