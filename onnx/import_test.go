package onnx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// encodeJSON returns the model's descent file, to compare models whole.
func encodeJSON(t *testing.T, m *model.Model) string {
	t.Helper()
	var b bytes.Buffer
	if err := model.Encode(&b, m, model.JSON); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRoundTrip exports every float32 test model, imports it again and
// wants the same model back, its weights bit for bit.
func TestRoundTrip(t *testing.T) {
	for i, c := range runtimeCases() {
		if c.file != nil || c.tm.float64 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			m := c.tm.build(t, uint64(i+1))
			m.ClassNames = nil
			if c.tm.task == "classification" {
				n := m.Spec.Layers[len(m.Spec.Layers)-1].Units
				m.ClassNames = []string{"setosa", "versicolor", "virginica", "x", "y"}[:max(n, 2)]
			}
			m.FeatureNames = make([]string, m.Spec.Inputs)
			for j := range m.FeatureNames {
				m.FeatureNames[j] = fmt.Sprintf("f%d", j)
			}
			m.Metrics = map[string]float64{"accuracy": 0.875}
			m.Training = json.RawMessage(`{"epochs":3}`)
			m.Created = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
			b, err := onnx.Marshal(m, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := onnx.Unmarshal(b, onnx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if g, w := encodeJSON(t, got), encodeJSON(t, m); g != w {
				t.Errorf("round trip changed the model:\ngot  %s\nwant %s", g, w)
			}
			for j, p := range got.Params {
				for k, v := range p.Values {
					if math.Float64bits(v) != math.Float64bits(m.Params[j].Values[k]) {
						t.Fatalf("%s[%d] = %v, want %v", p.Name, k, v, m.Params[j].Values[k])
					}
				}
			}
		})
	}
}

// TestRoundTripFloat64 documents what happens to a float64 model: ONNX
// export is float32, so the weights come back rounded to float32 and the
// model as a float32 one; everything else survives.
func TestRoundTripFloat64(t *testing.T) {
	tm := hidden(act(activation.NameGELU))
	tm.float64 = true
	m := tm.build(t, 3)
	b, err := onnx.Marshal(m, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := onnx.Unmarshal(b, onnx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.DType != model.Float32 {
		t.Errorf("DType = %s, want %s", got.DType, model.Float32)
	}
	changed := 0
	for j, p := range got.Params {
		for k, v := range p.Values {
			want := float64(float32(m.Params[j].Values[k]))
			if v != want {
				t.Fatalf("%s[%d] = %v, want float32(%v) = %v", p.Name, k, v, m.Params[j].Values[k], want)
			}
			if v != m.Params[j].Values[k] {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Error("no weight was rounded; the test's float64 weights should need it")
	}
	// With the weights and dtype put back, the rest is the same model.
	got.DType, got.Params = m.DType, m.Params
	if g, w := encodeJSON(t, got), encodeJSON(t, m); g != w {
		t.Errorf("round trip changed more than the weights:\ngot  %s\nwant %s", g, w)
	}
}

// TestImportTorch imports the PyTorch-style files and checks the
// architecture and that the weights land in descent's in×out layout.
func TestImportTorch(t *testing.T) {
	tests := []struct {
		name     string
		file     func(*testing.T) ([]byte, onnx.ImportOptions)
		acts     []string
		lossName string
		task     string
	}{
		{"MatMul+Add", torchMatMulFile, []string{activation.NameGELU, activation.NameIdentity}, loss.NameMSE, "regression"},
		{"Gemm transB=1", torchGemmFile, []string{activation.NameReLU, activation.NameIdentity}, loss.NameSoftmaxCrossEntropy, "classification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, opts := tt.file(t)
			m, err := onnx.Unmarshal(b, opts)
			if err != nil {
				t.Fatal(err)
			}
			if m.Spec.Inputs != 4 || len(m.Spec.Layers) != 2 || m.Spec.Layers[0].Units != 6 || m.Spec.Layers[1].Units != 2 {
				t.Fatalf("spec = %+v, want 4 → 6 → 2", m.Spec)
			}
			for i, a := range tt.acts {
				if got := m.Spec.Layers[i].Activation.Name; got != a {
					t.Errorf("layer %d activation = %s, want %s", i+1, got, a)
				}
			}
			if m.Loss != tt.lossName || m.Task != tt.task || m.DType != model.Float32 || m.Scaler != nil {
				t.Errorf("loss %s, task %s, dtype %s, scaler %v; want %s, %s, float32, none", m.Loss, m.Task, m.DType, m.Scaler, tt.lossName, tt.task)
			}
			w1 := transpose(torchW1, 6, 4)
			for k, v := range m.Params[0].Values {
				if v != float64(w1[k]) {
					t.Fatalf("layer1.weight[%d] = %v, want %v", k, v, w1[k])
				}
			}
			if got, want := m.Params[3].Values[1], float64(torchB2[1]); got != want {
				t.Errorf("layer2.bias[1] = %v, want %v", got, want)
			}
		})
	}
}

// TestImportOptions overrides the loss and task of a file without
// descent metadata: bce_logits takes a trailing Sigmoid as its link.
func TestImportOptions(t *testing.T) {
	m := testModel{inputs: 3, units: []int{4, 1}, acts: []activation.Spec{act(activation.NameTanh), act(activation.NameSigmoid)},
		loss: loss.NameMSE, task: "regression"}.build(t, 5)
	b := stripMetadata(t, mustMarshal(t, m, onnx.Options{}))
	tests := []struct {
		opts     onnx.ImportOptions
		lastAct  string
		lossName string
		task     string
		wantErr  string
	}{
		{onnx.ImportOptions{}, activation.NameSigmoid, loss.NameMSE, "regression", ""},
		{onnx.ImportOptions{Loss: loss.NameBCEWithLogits}, activation.NameIdentity, loss.NameBCEWithLogits, "classification", ""},
		{onnx.ImportOptions{Loss: loss.NameBCE, Task: "classification"}, activation.NameSigmoid, loss.NameBCE, "classification", ""},
		{onnx.ImportOptions{Loss: loss.NameSoftmaxCrossEntropy}, "", "", "", "does not end with it"},
		{onnx.ImportOptions{Loss: "hinge"}, "", "", "", "hinge"},
	}
	for _, tt := range tests {
		t.Run(tt.opts.Loss+"/"+tt.opts.Task, func(t *testing.T) {
			got, err := onnx.Unmarshal(b, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a := got.Spec.Layers[1].Activation.Name; a != tt.lastAct || got.Loss != tt.lossName || got.Task != tt.task {
				t.Errorf("last activation %s, loss %s, task %s; want %s, %s, %s", a, got.Loss, got.Task, tt.lastAct, tt.lossName, tt.task)
			}
		})
	}
}

func mustMarshal(t testing.TB, m *model.Model, opts onnx.Options) []byte {
	t.Helper()
	b, err := onnx.Marshal(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stripMetadata removes descent's metadata, leaving what another
// exporter would have written.
func stripMetadata(t testing.TB, b []byte) []byte {
	return editModel(t, b, func(mp *onnxpb.ModelProto) { mp.MetadataProps = nil })
}

// TestImportWithoutMetadata imports descent's own export with the
// metadata gone: the graph alone gives the same predictions.
func TestImportWithoutMetadata(t *testing.T) {
	for i, c := range runtimeCases() {
		if c.file != nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			m := c.tm.build(t, uint64(i+1))
			got, err := onnx.Unmarshal(stripMetadata(t, mustMarshal(t, m, c.opts)), onnx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			x := rawFeatures(newRand(uint64(i)), 16, m.Spec.Inputs)
			want, err := m.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			p, err := got.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			d := 0.0
			for k, v := range p.Data {
				d = math.Max(d, math.Abs(v-want.Data[k]))
			}
			// float32 rounding of the scaler and of float64 weights only.
			if d > 1e-5 {
				t.Errorf("predictions differ by %g", d)
			}
		})
	}
}

// TestImportUnsupported edits a valid file into ones descent cannot
// express and wants errors naming the operator and node.
func TestImportUnsupported(t *testing.T) {
	base := stripMetadata(t, mustMarshal(t, hidden(act(activation.NameTanh)).build(t, 1), onnx.Options{}))
	first := func(mp *onnxpb.ModelProto) *onnxpb.NodeProto { return mp.Graph.Node[0] }
	nodeNamed := func(mp *onnxpb.ModelProto, name string) *onnxpb.NodeProto {
		for _, n := range mp.Graph.Node {
			if n.Name == name {
				return n
			}
		}
		t.Fatalf("no node %q", name)
		return nil
	}
	tests := []struct {
		name string
		edit func(mp *onnxpb.ModelProto)
		want []string
	}{
		{"conv", func(mp *onnxpb.ModelProto) { nodeNamed(mp, "layer1.tanh").OpType = "Conv" }, []string{"Conv", `"layer1.tanh"`}},
		{"custom domain", func(mp *onnxpb.ModelProto) { nodeNamed(mp, "layer1.tanh").Domain = "com.microsoft" }, []string{"com.microsoft.Tanh"}},
		{"gelu tanh", func(mp *onnxpb.ModelProto) {
			n := nodeNamed(mp, "layer1.tanh")
			n.OpType, n.Attribute = "Gelu", []*onnxpb.AttributeProto{{Name: "approximate", Type: onnxpb.AttributeType_STRING, S: []byte("tanh")}}
		}, []string{"Gelu", "approximate"}},
		{"transA", func(mp *onnxpb.ModelProto) {
			n := nodeNamed(mp, "layer1.gemm")
			n.Attribute = append(n.Attribute, ints("transA", 1))
		}, []string{"Gemm", "transA"}},
		{"alpha", func(mp *onnxpb.ModelProto) {
			n := nodeNamed(mp, "layer2.gemm")
			n.Attribute = append(n.Attribute, floats("alpha", 2))
		}, []string{"Gemm", "alpha"}},
		{"softmax axis 0", func(mp *onnxpb.ModelProto) {
			n := nodeNamed(mp, "layer1.tanh")
			n.OpType, n.Attribute = "Softmax", []*onnxpb.AttributeProto{ints("axis", 0)}
		}, []string{"Softmax", "axis 0"}},
		{"sub after a layer", func(mp *onnxpb.ModelProto) { nodeNamed(mp, "layer1.tanh").OpType = "Sub" }, []string{"Sub", "has 1 inputs, want 2"}},
		{"scaler after first layer", func(mp *onnxpb.ModelProto) {
			n := nodeNamed(mp, "layer1.tanh")
			n.OpType, n.Input = "Div", []string{n.Input[0], "scaler.scale"}
		}, []string{"Div", "after the first layer"}},
		{"two inputs", func(mp *onnxpb.ModelProto) { mp.Graph.Input = append(mp.Graph.Input, tensorInfo("other", "N", 3)) }, []string{"more than one input"}},
		{"computed weight", func(mp *onnxpb.ModelProto) { mp.Graph.Initializer = mp.Graph.Initializer[1:] }, []string{"Sub", "not a constant"}},
		{"int64 weights", func(mp *onnxpb.ModelProto) {
			for _, in := range mp.Graph.Initializer {
				if in.Name == "layer1.weight" {
					in.DataType, in.RawData = int32(onnxpb.TensorProto_INT64), make([]byte, 8*len(in.RawData)/4)
				}
			}
		}, []string{"layer1.weight", "INT64"}},
		{"external data", func(mp *onnxpb.ModelProto) { mp.Graph.Initializer[2].DataLocation = onnxpb.TensorProto_EXTERNAL }, []string{"external file"}},
		{"branch", func(mp *onnxpb.ModelProto) {
			mp.Graph.Node = append(mp.Graph.Node, node("Relu", "side", []string{"layer1.z"}, "side.out"))
		}, []string{"feeds 2 nodes", `"side"`}},
		{"stray node", func(mp *onnxpb.ModelProto) {
			mp.Graph.Node = append(mp.Graph.Node, node("Relu", "stray", []string{"nowhere"}, "stray.out"))
		}, []string{"Relu", `"stray"`, "not on the chain"}},
		{"two activations", func(mp *onnxpb.ModelProto) {
			nodeNamed(mp, "layer2.gemm").Input[0] = "extra.out"
			mp.Graph.Node = append(mp.Graph.Node, node("Relu", "extra", []string{"layer1.a"}, "extra.out"))
		}, []string{"Relu", `"extra"`, "directly after another activation"}},
		{"shape mismatch", func(mp *onnxpb.ModelProto) {
			for _, in := range mp.Graph.Initializer {
				if in.Name == "layer2.weight" {
					in.Dims = []int64{5, 2}
				}
			}
		}, []string{"layer2.weight", "holds"}},
		{"no layer", func(mp *onnxpb.ModelProto) {
			mp.Graph.Node = mp.Graph.Node[:2]
			mp.Graph.Output[0].Name = "scaler.scaled"
		}, []string{"has no layer"}},
		{"dangling", func(mp *onnxpb.ModelProto) { mp.Graph.Output[0].Name = "elsewhere" }, []string{`"predictions"`, "neither"}},
		{"first input name", func(mp *onnxpb.ModelProto) {
			n := first(mp)
			n.Input[0], n.Input[1] = n.Input[1], n.Input[0]
		}, []string{"other than its first"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := onnx.Unmarshal(editModel(t, base, tt.edit), onnx.ImportOptions{})
			if err == nil {
				t.Fatal("imported an unsupported model")
			}
			t.Log(err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestImportUnsupportedIs checks the sentinel errors.
func TestImportUnsupportedIs(t *testing.T) {
	base := mustMarshal(t, hidden(act(activation.NameTanh)).build(t, 1), onnx.Options{})
	conv := editModel(t, base, func(mp *onnxpb.ModelProto) { mp.Graph.Node[3].OpType = "LpPool" })
	if _, err := onnx.Unmarshal(conv, onnx.ImportOptions{}); !errors.Is(err, onnx.ErrUnsupported) {
		t.Errorf("LpPool: err = %v, want ErrUnsupported", err)
	}
	if _, err := onnx.Unmarshal([]byte("garbage\xff\xff"), onnx.ImportOptions{}); !errors.Is(err, onnx.ErrNotONNX) {
		t.Errorf("garbage: err = %v, want ErrNotONNX", err)
	}
}

// TestScalerKinds checks that minmax, standard and none scalers come
// back as they went, none included (it has no nodes).
func TestScalerKinds(t *testing.T) {
	for _, kind := range []data.ScalerKind{data.Standard, data.MinMax, data.NoScaling} {
		t.Run(string(kind), func(t *testing.T) {
			tm := hidden(act(activation.NameReLU))
			tm.scaler = kind
			m := tm.build(t, 2)
			got, err := onnx.Unmarshal(mustMarshal(t, m, onnx.Options{}), onnx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Scaler == nil || got.Scaler.Kind != kind {
				t.Fatalf("scaler = %+v, want kind %s", got.Scaler, kind)
			}
		})
	}
}

// TestLeakySlopeZero: a leaky ReLU whose slope is set to 0 exports as
// alpha 0 and imports back as a set 0, not as the 0.01 default.
func TestLeakySlopeZero(t *testing.T) {
	tm := hidden(activation.Spec{Name: activation.NameLeakyReLU, Slope: 0, SlopeSet: true})
	m := tm.build(t, 3)
	got, err := onnx.Unmarshal(stripMetadata(t, mustMarshal(t, m, onnx.Options{})), onnx.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := got.Spec.Layers[0].Activation
	if a.Slope != 0 || !a.SlopeSet {
		t.Errorf("imported slope %v (set %v), want an explicit 0", a.Slope, a.SlopeSet)
	}
}
