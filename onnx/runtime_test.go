package onnx_test

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/tensor"
)

// tolerance is the largest difference allowed between ONNX Runtime's
// float32 outputs and descent's float64 Predict.
const tolerance = 1e-5

// runtimeCase is one model run in ONNX Runtime.
type runtimeCase struct {
	name string
	// Either a descent model exported with opts...
	tm   testModel
	opts onnx.Options
	// ...or a hand-made ONNX file, imported into descent for the
	// prediction to compare with.
	file func(t *testing.T) ([]byte, onnx.ImportOptions)
}

func hidden(a activation.Spec) testModel {
	return testModel{inputs: 4, units: []int{6, 2}, acts: []activation.Spec{a, act(activation.NameIdentity)},
		loss: loss.NameMSE, task: "regression", scaler: data.Standard}
}

func runtimeCases() []runtimeCase {
	cs := []runtimeCase{}
	for _, name := range activation.Names() {
		cs = append(cs, runtimeCase{name: "hidden " + name, tm: hidden(act(name))})
	}
	cs = append(cs,
		runtimeCase{name: "hidden leaky_relu:0.2", tm: hidden(activation.Spec{Name: activation.NameLeakyReLU, Slope: 0.2})},
		runtimeCase{name: "hidden gelu opset 20 Gelu op", tm: hidden(act(activation.NameGELU)), opts: onnx.Options{Opset: 20}},
		runtimeCase{name: "opset 13", tm: hidden(act(activation.NameTanh)), opts: onnx.Options{Opset: 13}},
		runtimeCase{name: "opset 21", tm: hidden(act(activation.NameGELU)), opts: onnx.Options{Opset: 21}},
		runtimeCase{name: "named input and output", tm: hidden(act(activation.NameSoftplus)), opts: onnx.Options{InputName: "x", OutputName: "y"}},
		runtimeCase{name: "no bias", tm: func() testModel { m := hidden(act(activation.NameTanh)); m.noBias = true; return m }()},
		runtimeCase{name: "minmax scaler", tm: func() testModel { m := hidden(act(activation.NameReLU)); m.scaler = data.MinMax; return m }()},
		runtimeCase{name: "robust scaler, smooth clipping", tm: func() testModel { m := hidden(act(activation.NameReLU)); m.scaler = data.Robust; return m }()},
		runtimeCase{name: "regression target scaler", tm: func() testModel {
			m := hidden(act(activation.NameGELU))
			m.scaler, m.targetScaler = data.Robust, true
			return m
		}()},
		runtimeCase{name: "no scaler", tm: func() testModel { m := hidden(act(activation.NameSigmoid)); m.scaler = ""; return m }()},
		runtimeCase{name: "classification softmax link", tm: testModel{inputs: 5, units: []int{8, 8, 3},
			acts: []activation.Spec{act(activation.NameReLU), act(activation.NameGELU), act(activation.NameIdentity)},
			loss: loss.NameSoftmaxCrossEntropy, task: "classification", scaler: data.Standard}},
		runtimeCase{name: "binary sigmoid link", tm: testModel{inputs: 3, units: []int{5, 1},
			acts: []activation.Spec{act(activation.NameTanh), act(activation.NameIdentity)},
			loss: loss.NameBCEWithLogits, task: "classification", scaler: data.MinMax}},
		runtimeCase{name: "binary sigmoid output bce", tm: testModel{inputs: 3, units: []int{5, 1},
			acts: []activation.Spec{act(activation.NameSoftplus), act(activation.NameSigmoid)},
			loss: loss.NameBCE, task: "classification", scaler: data.Standard}},
		runtimeCase{name: "classification softmax output cross_entropy", tm: testModel{inputs: 4, units: []int{4},
			acts: []activation.Spec{act(activation.NameSoftmax)},
			loss: loss.NameCrossEntropy, task: "classification", scaler: data.NoScaling}},
		runtimeCase{name: "regression deep", tm: testModel{inputs: 6, units: []int{16, 16, 8, 1},
			acts: []activation.Spec{act(activation.NameLeakyReLU), act(activation.NameSoftplus), act(activation.NameTanh), act(activation.NameIdentity)},
			loss: loss.NameMAE, task: "regression", scaler: data.Standard}},
		runtimeCase{name: "float64 model rounded", tm: func() testModel { m := hidden(act(activation.NameGELU)); m.float64 = true; return m }()},
		runtimeCase{name: "pytorch-style MatMul+Add erf GELU", file: torchMatMulFile},
		runtimeCase{name: "conv, max pool, dense: softmax link", tm: testModel{inputs: 2 * 7 * 6, shape: nn.Shape{2, 7, 6},
			spatial: []nn.LayerSpec{
				{Kind: nn.KindConv2D, Filters: 3, Kernel: 3, Padding: 1, Activation: act(activation.NameTanh)},
				{Kind: nn.KindMaxPool2D, Kernel: 2},
				{Kind: nn.KindConv2D, Filters: 2, Kernel: 2, Stride: 2, Activation: act(activation.NameReLU)},
			},
			units: []int{4, 3}, acts: []activation.Spec{act(activation.NameSigmoid), act(activation.NameIdentity)},
			loss: loss.NameSoftmaxCrossEntropy, task: "classification", scaler: data.Standard}},
		runtimeCase{name: "avg pool with padding, max pool with stride, dropout", tm: testModel{inputs: 1 * 6 * 6, shape: nn.Shape{1, 6, 6},
			spatial: []nn.LayerSpec{
				{Kind: nn.KindAvgPool2D, Kernel: 3, Stride: 1, Padding: 1},
				{Kind: nn.KindConv2D, Filters: 2, Kernel: 3, Activation: act(activation.NameIdentity), NoBias: true},
				{Kind: nn.KindMaxPool2D, Kernel: 3, Stride: 1, Padding: 1},
				{Kind: nn.KindDropout, Rate: 0.3},
			},
			units: []int{2}, acts: []activation.Spec{act(activation.NameTanh)},
			loss: loss.NameMSE, task: "regression", scaler: data.Standard}},
		runtimeCase{name: "conv output, no dense layer", tm: testModel{inputs: 2 * 4 * 5, shape: nn.Shape{2, 4, 5},
			spatial: []nn.LayerSpec{
				{Kind: nn.KindConv2D, Filters: 2, Kernel: 2, Activation: act(activation.NameSigmoid)},
				{Kind: nn.KindAvgPool2D, Kernel: 2},
			},
			loss: loss.NameMSE, task: "regression", scaler: data.Standard}},
		runtimeCase{name: "batchnorm on features, dense, batchnorm", tm: testModel{inputs: 5,
			spatial: []nn.LayerSpec{{Kind: nn.KindBatchNorm}, {Units: 6, Activation: act(activation.NameTanh)}, {Kind: nn.KindBatchNorm}},
			units:   []int{2}, acts: []activation.Spec{act(activation.NameIdentity)},
			loss: loss.NameMSE, task: "regression", scaler: data.Standard}},
		runtimeCase{name: "batchnorm on the image, conv, batchnorm per channel, max pool", tm: testModel{inputs: 2 * 6 * 6, shape: nn.Shape{2, 6, 6},
			spatial: []nn.LayerSpec{
				{Kind: nn.KindBatchNorm},
				{Kind: nn.KindConv2D, Filters: 3, Kernel: 3, Activation: act(activation.NameIdentity)},
				{Kind: nn.KindBatchNorm},
				{Kind: nn.KindMaxPool2D, Kernel: 2},
			},
			units: []int{3}, acts: []activation.Spec{act(activation.NameIdentity)},
			loss: loss.NameSoftmaxCrossEntropy, task: "classification", scaler: data.Standard}},
		runtimeCase{name: "pytorch-style Gemm transB=1 softmax", file: torchGemmFile},
	)
	return cs
}

// TestRuntime exports every case, runs it in ONNX Runtime on random raw
// features and compares the outputs with model.Predict.
func TestRuntime(t *testing.T) {
	node := needRuntime(t)
	dir := t.TempDir()
	cases := runtimeCases()
	jobs := make([]ortJob, len(cases))
	wants := make([]*tensor.Matrix[float64], len(cases))
	for i, c := range cases {
		var m *model.Model
		var b []byte
		var err error
		if c.file != nil {
			var opts onnx.ImportOptions
			b, opts = c.file(t)
			if m, err = onnx.Unmarshal(b, opts); err != nil {
				t.Fatalf("%s: import: %v", c.name, err)
			}
		} else {
			m = c.tm.build(t, uint64(i+1))
			if b, err = onnx.Marshal(m, c.opts); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		path := filepath.Join(dir, "model"+string(rune('a'+i))+".onnx")
		if err := writeFile(path, b); err != nil {
			t.Fatal(err)
		}
		x := rawFeatures(rand.New(rand.NewPCG(uint64(i), 99)), 64, m.Spec.Inputs)
		if wants[i], err = m.Predict(x); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		input := onnx.DefaultInputName
		if c.opts.InputName != "" {
			input = c.opts.InputName
		}
		if c.file != nil {
			input = "input"
		}
		jobs[i] = ortJob{Model: path, Input: input, Rows: x.Rows, Cols: x.Cols, Data: x.Data}
	}
	results := runORT(t, node, jobs)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := maxAbsDiff(results[i], wants[i])
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("max abs diff %.3g", d)
			if d >= tolerance {
				t.Errorf("ONNX Runtime and descent differ by %g (≥ %g)", d, tolerance)
			}
		})
	}
}

// TestRuntimeTorchCNN runs the PyTorch-exported CNN in ONNX Runtime on
// its N×C×H×W input and compares with descent's predictions of the
// imported model.
func TestRuntimeTorchCNN(t *testing.T) {
	node := needRuntime(t)
	m, tc := loadTorchCNN(t)
	x := tensor.FromRows(tc.Inputs)
	want, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	path, err := filepath.Abs(filepath.Join("testdata", "torch_cnn.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	dims := append([]int{x.Rows}, tc.Shape...)
	res := runORT(t, node, []ortJob{{Model: path, Input: "input", Rows: x.Rows, Cols: x.Cols, Data: x.Data, Dims: dims}})
	d, err := maxAbsDiff(res[0], want)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("max abs diff %.3g", d)
	if d >= tolerance {
		t.Errorf("ONNX Runtime and descent differ by %g (≥ %g)", d, tolerance)
	}
}
