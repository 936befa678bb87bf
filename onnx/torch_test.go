package onnx_test

import (
	"encoding/binary"
	"math"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// Hand-made ONNX files laid out the way torch.onnx.export writes them,
// for the import tests: a float initializer per parameter, node names
// like "/fc1/MatMul", Constant nodes for scalars.

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }

// rawTensor is a float tensor with its data in raw_data, as PyTorch
// writes initializers.
func rawTensor(name string, dims []int64, vs []float32) *onnxpb.TensorProto {
	raw := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return &onnxpb.TensorProto{Name: name, Dims: dims, DataType: int32(onnxpb.TensorProto_FLOAT), RawData: raw}
}

// listTensor is a float tensor with its data in float_data.
func listTensor(name string, dims []int64, vs []float32) *onnxpb.TensorProto {
	return &onnxpb.TensorProto{Name: name, Dims: dims, DataType: int32(onnxpb.TensorProto_FLOAT), FloatData: vs}
}

func node(op, name string, ins []string, out string, attrs ...*onnxpb.AttributeProto) *onnxpb.NodeProto {
	return &onnxpb.NodeProto{OpType: op, Name: name, Input: ins, Output: []string{out}, Attribute: attrs}
}

// constNode is a Constant node holding one float, as PyTorch writes the
// scalars of an expression.
func constNode(name, out string, v float32) *onnxpb.NodeProto {
	return node("Constant", name, nil, out, &onnxpb.AttributeProto{Name: "value", Type: onnxpb.AttributeType_TENSOR, T: rawTensor("", nil, []float32{v})})
}

func ints(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_INT, I: v}
}

func floats(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_FLOAT, F: v}
}

func tensorInfo(name string, dims ...any) *onnxpb.ValueInfoProto {
	sh := &onnxpb.TensorShapeProto{}
	for _, d := range dims {
		switch d := d.(type) {
		case string:
			sh.Dim = append(sh.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d}})
		case int:
			sh.Dim = append(sh.Dim, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
		}
	}
	return &onnxpb.ValueInfoProto{Name: name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: int32(onnxpb.TensorProto_FLOAT), Shape: sh}}}}
}

func torchModel(t testing.TB, opset int64, g *onnxpb.GraphProto) []byte {
	t.Helper()
	b, err := proto.Marshal(&onnxpb.ModelProto{
		IrVersion: 8, ProducerName: "pytorch", ProducerVersion: "2.5.0",
		OpsetImport: []*onnxpb.OperatorSetIdProto{{Version: opset}}, Graph: g,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seq returns n float32 numbers in [-1, 1) from a fixed formula, so the
// crafted weights are known without a random source.
func seq(n int, k float64) []float32 {
	vs := make([]float32, n)
	for i := range vs {
		vs[i] = float32(math.Sin(k*float64(i+1)) * 0.9)
	}
	return vs
}

// The weights of the crafted files, in PyTorch's layout (out×in).
var (
	torchW1 = seq(6*4, 1.3) // 4 → 6
	torchB1 = seq(6, 2.1)
	torchW2 = seq(2*6, 0.7) // 6 → 2
	torchB2 = seq(2, 3.3)
)

// transpose turns PyTorch's out×in weights into in×out.
func transpose(w []float32, out, in int) []float32 {
	t := make([]float32, len(w))
	for o := range out {
		for i := range in {
			t[i*out+o] = w[o*in+i]
		}
	}
	return t
}

// torchMatMulFile is nn.Sequential(Linear(4, 6), GELU(), Linear(6, 2))
// as exported at opset 14: MatMul with pre-transposed weights, Add with
// the bias first, GELU spelled out with Erf.
func torchMatMulFile(t *testing.T) ([]byte, onnx.ImportOptions) {
	g := &onnxpb.GraphProto{
		Name: "main_graph",
		Node: []*onnxpb.NodeProto{
			node("MatMul", "/0/MatMul", []string{"input", "onnx::MatMul_11"}, "/0/MatMul_output_0"),
			node("Add", "/0/Add", []string{"0.bias", "/0/MatMul_output_0"}, "/0/Add_output_0"),
			constNode("/1/Constant", "/1/Constant_output_0", float32(math.Sqrt2)),
			node("Div", "/1/Div", []string{"/0/Add_output_0", "/1/Constant_output_0"}, "/1/Div_output_0"),
			node("Erf", "/1/Erf", []string{"/1/Div_output_0"}, "/1/Erf_output_0"),
			constNode("/1/Constant_1", "/1/Constant_1_output_0", 1),
			node("Add", "/1/Add", []string{"/1/Erf_output_0", "/1/Constant_1_output_0"}, "/1/Add_output_0"),
			node("Mul", "/1/Mul", []string{"/0/Add_output_0", "/1/Add_output_0"}, "/1/Mul_output_0"),
			constNode("/1/Constant_2", "/1/Constant_2_output_0", 0.5),
			node("Mul", "/1/Mul_1", []string{"/1/Mul_output_0", "/1/Constant_2_output_0"}, "/1/Mul_1_output_0"),
			node("MatMul", "/2/MatMul", []string{"/1/Mul_1_output_0", "onnx::MatMul_12"}, "/2/MatMul_output_0"),
			node("Add", "/2/Add", []string{"2.bias", "/2/MatMul_output_0"}, "output"),
		},
		Initializer: []*onnxpb.TensorProto{
			rawTensor("0.bias", []int64{6}, torchB1),
			listTensor("2.bias", []int64{2}, torchB2),
			rawTensor("onnx::MatMul_11", []int64{4, 6}, transpose(torchW1, 6, 4)),
			rawTensor("onnx::MatMul_12", []int64{6, 2}, transpose(torchW2, 2, 6)),
		},
		Input:  []*onnxpb.ValueInfoProto{tensorInfo("input", "batch_size", 4)},
		Output: []*onnxpb.ValueInfoProto{tensorInfo("output", "batch_size", 2)},
	}
	return torchModel(t, 14, g), onnx.ImportOptions{}
}

// torchGemmFile is nn.Sequential(Flatten(), Linear(4, 6), ReLU(),
// Linear(6, 2), Softmax(dim=1)) as older exporters write it at opset 11:
// Gemm with transB=1 on out×in weights, initializers also listed as
// graph inputs.
func torchGemmFile(t *testing.T) ([]byte, onnx.ImportOptions) {
	g := &onnxpb.GraphProto{
		Name: "torch-jit-export",
		Node: []*onnxpb.NodeProto{
			node("Flatten", "Flatten_0", []string{"input"}, "5", ints("axis", 1)),
			node("Gemm", "Gemm_1", []string{"5", "1.weight", "1.bias"}, "6", floats("alpha", 1), floats("beta", 1), ints("transB", 1)),
			node("Relu", "Relu_2", []string{"6"}, "7"),
			node("Gemm", "Gemm_3", []string{"7", "3.weight", "3.bias"}, "8", floats("alpha", 1), floats("beta", 1), ints("transB", 1)),
			node("Softmax", "Softmax_4", []string{"8"}, "output", ints("axis", 1)),
		},
		Initializer: []*onnxpb.TensorProto{
			rawTensor("1.weight", []int64{6, 4}, torchW1),
			rawTensor("1.bias", []int64{6}, torchB1),
			rawTensor("3.weight", []int64{2, 6}, torchW2),
			rawTensor("3.bias", []int64{2}, torchB2),
		},
		Input: []*onnxpb.ValueInfoProto{
			tensorInfo("input", "N", 4),
			tensorInfo("1.weight", 6, 4), tensorInfo("1.bias", 6),
			tensorInfo("3.weight", 2, 6), tensorInfo("3.bias", 2),
		},
		Output: []*onnxpb.ValueInfoProto{tensorInfo("output", "N", 2)},
	}
	return torchModel(t, 11, g), onnx.ImportOptions{}
}
