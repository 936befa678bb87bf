package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// classifier returns a float64 three-class model with every optional
// field filled in.
func classifier(t testing.TB) *Model {
	t.Helper()
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
		{Units: 5, Activation: activation.Spec{Name: activation.NameReLU}},
		{Units: 4, Activation: activation.Spec{Name: activation.NameLeakyReLU, Slope: 0.1}, NoBias: true},
		{Units: 3, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 2)))
	m, err := FromNetwork(net, "softmax_cross_entropy", "classification")
	if err != nil {
		t.Fatal(err)
	}
	m.ClassNames = []string{"setosa", "versicolor", "virginica"}
	m.FeatureNames = []string{"x", "y", "z"}
	m.Training = json.RawMessage(`{"epochs":10,"lr":0.1,"optimizer":"adam"}`)
	m.Metrics = map[string]float64{"accuracy": 0.9, "loss": 0.25}
	m.Created = time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	m.Scaler = &data.Scaler{Kind: data.Standard, Offset: []float64{0.5, -1, 1e-3}, Scale: []float64{2, 0.25, 1.5}}
	m.Schema = &data.Schema{
		Task:       data.Classification,
		ClassNames: m.ClassNames,
		Columns: []data.ColumnSchema{
			{Name: "x", Role: data.RoleFeature, Kind: data.KindNumeric},
			{Name: "y", Role: data.RoleFeature, Kind: data.KindNumeric, Fill: "0.5"},
			{Name: "z", Role: data.RoleFeature, Kind: data.KindNumeric},
			{Name: "species", Role: data.RoleTarget, Kind: data.KindCategorical},
		},
	}
	return m
}

// binary32 returns a float32 model with one logit output.
func binary32(t testing.TB) *Model {
	t.Helper()
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 1, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(3, 4)))
	m, err := FromNetwork(net, "bce_logits", "classification")
	if err != nil {
		t.Fatal(err)
	}
	m.ClassNames = []string{"no", "yes"}
	return m
}

func roundTrip(t *testing.T, m *Model, f Format) *Model {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, m, f); err != nil {
		t.Fatalf("Encode %v: %v", f, err)
	}
	got, err := Decode(&b, "test."+f.String())
	if err != nil {
		t.Fatalf("Decode %v: %v", f, err)
	}
	return got
}

func TestRoundTripExact(t *testing.T) {
	m64 := classifier(t)
	// Values whose bits are easy to lose in text.
	w := m64.Params[0].Values
	w[0] = math.Copysign(0, -1)
	w[1] = 5e-324
	w[2] = math.MaxFloat64
	w[3] = 0.1 + 0.2
	w[4] = -1.0000000000000002
	m32 := binary32(t)
	v := m32.Params[0].Values
	v[0] = float64(math.Float32frombits(1)) // smallest subnormal
	v[1] = math.MaxFloat32
	v[2] = float64(float32(0.1))
	v[3] = math.Copysign(0, -1)
	for _, m := range []*Model{m64, m32} {
		for _, f := range []Format{JSON, Binary} {
			got := roundTrip(t, m, f)
			if !reflect.DeepEqual(got, m) {
				t.Errorf("%s %v: round trip changed the model:\ngot  %+v\nwant %+v", m.DType, f, got, m)
			}
			for i, p := range got.Params {
				for j, x := range p.Values {
					if math.Float64bits(x) != math.Float64bits(m.Params[i].Values[j]) {
						t.Fatalf("%s %v: %s[%d] bits %x, want %x", m.DType, f, p.Name, j, math.Float64bits(x), math.Float64bits(m.Params[i].Values[j]))
					}
				}
			}
		}
	}
}

func TestNetworkRebuild(t *testing.T) {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 3, Activation: activation.Spec{Name: activation.NameSigmoid}}, {Units: 2}}}
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(5, 6)))
	m, err := FromNetwork(net, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	m = roundTrip(t, m, Binary)
	back, err := Network[float32](m)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor.FromRows([][]float32{{0.5, -1}, {2, 3}})
	want := net.Forward(x).Clone()
	got := back.Forward(x)
	for i, v := range got.Values() {
		if math.Float32bits(v) != math.Float32bits(want.Data[i]) {
			t.Errorf("output %d = %v, want %v", i, v, want.Data[i])
		}
	}
}

func TestFromLayers(t *testing.T) {
	d1 := nn.NewDense("a", 2, 3, activation.Tanh[float64]{}, true)
	d2 := nn.NewDense("b", 3, 1, activation.Identity[float64]{}, false)
	d1.W.Value.Data[4] = 7
	m, err := FromNetwork(nn.FromLayers[float64](d1, d2), "mse", "")
	if err != nil {
		t.Fatal(err)
	}
	want := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 3, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 1, Activation: activation.Spec{Name: activation.NameIdentity}, NoBias: true},
	}}
	if !reflect.DeepEqual(m.Spec, want) {
		t.Errorf("spec = %+v, want %+v", m.Spec, want)
	}
	if got := m.Params[0].Values[4]; got != 7 {
		t.Errorf("weight = %v, want 7", got)
	}
	net, err := Network[float64](m)
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Params()[0].Value.Data[4]; got != 7 {
		t.Errorf("rebuilt weight = %v, want 7", got)
	}
}

func TestPredict(t *testing.T) {
	m := classifier(t)
	x := tensor.FromRows([][]float64{{1, 2, 3}, {-1, 0.5, 0}})
	p, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	net, _ := Network[float64](m)
	scaled := x.Clone()
	for i := range scaled.Rows {
		for j := range scaled.Cols {
			scaled.Set(i, j, (x.At(i, j)-m.Scaler.Offset[j])/m.Scaler.Scale[j])
		}
	}
	if x.At(0, 0) != 1 {
		t.Error("Predict changed its input")
	}
	z := net.Forward(scaled)
	for i := range p.Rows {
		var sum, zsum float64
		for j := range p.Cols {
			sum += p.At(i, j)
			zsum += math.Exp(z.At(i, j))
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("row %d probabilities sum to %v", i, sum)
		}
		for j := range p.Cols {
			if want := math.Exp(z.At(i, j)) / zsum; math.Abs(p.At(i, j)-want) > 1e-12 {
				t.Errorf("p[%d,%d] = %v, want softmax %v", i, j, p.At(i, j), want)
			}
		}
	}
	idx, names, err := m.PredictClasses(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range idx {
		if names[i] != m.ClassNames[k] {
			t.Errorf("row %d: name %q for class %d", i, names[i], k)
		}
		for j := range p.Cols {
			if p.At(i, j) > p.At(i, k) {
				t.Errorf("row %d: class %d is not the most likely", i, k)
			}
		}
	}
	if _, err := m.Predict(tensor.New[float64](1, 2)); err == nil {
		t.Error("Predict accepted 2 columns for 3 inputs")
	}
}

func TestPredictSigmoidLink(t *testing.T) {
	m := binary32(t)
	x := tensor.FromRows([][]float64{{0.3, -0.7}, {4, 4}, {-4, -4}})
	p, err := m.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	net, _ := Network[float64](m)
	z := net.Forward(x)
	idx, names, err := m.PredictClasses(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Rows {
		want := 1 / (1 + math.Exp(-z.At(i, 0)))
		if math.Abs(p.At(i, 0)-want) > 1e-12 {
			t.Errorf("p[%d] = %v, want sigmoid %v", i, p.At(i, 0), want)
		}
		k := 0
		if want >= 0.5 {
			k = 1
		}
		if idx[i] != k || names[i] != m.ClassNames[k] {
			t.Errorf("row %d: class %d %q, want %d", i, idx[i], names[i], k)
		}
	}
}

func TestPredictRegressionIdentity(t *testing.T) {
	spec := nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}}}}
	m, err := FromNetwork(nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 1))), "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	m.Params[0].Values = []float64{2, 3}
	m.Params[1].Values = []float64{1, -1}
	p, err := m.Predict(tensor.FromRows([][]float64{{10}}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Values(), []float64{21, 29}; !reflect.DeepEqual(got, want) {
		t.Errorf("Predict = %v, want %v", got, want)
	}
	if _, _, err := m.PredictClasses(tensor.FromRows([][]float64{{1}})); err == nil {
		t.Error("PredictClasses worked on a regression model")
	}
}

// TestPredictTargetScaler: a regression model trained on standardised
// targets predicts in the targets' units, in memory and after a save and a
// load in either format, and a clipping target scaler is refused.
func TestPredictTargetScaler(t *testing.T) {
	spec := nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}}}}
	m, err := FromNetwork(nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 1))), "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	m.Params[0].Values = []float64{2, 3}
	m.Params[1].Values = []float64{1, -1}
	m.TargetScaler = &data.Scaler{Kind: data.Standard, Offset: []float64{1000, -5}, Scale: []float64{10, 0.5}}
	want := []float64{21*10 + 1000, 29*0.5 - 5}
	for _, mm := range []*Model{m, roundTrip(t, m, JSON), roundTrip(t, m, Binary)} {
		p, err := mm.Predict(tensor.FromRows([][]float64{{10}}))
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Values(); !reflect.DeepEqual(got, want) {
			t.Errorf("Predict = %v, want %v", got, want)
		}
	}
	m.TargetScaler.Clip = 3
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "target scaler clips") {
		t.Errorf("clipping target scaler: got %v, want a refusal", err)
	}
}

func TestValidateRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Model)
	}{
		{"NaN weight", func(m *Model) { m.Params[0].Values[3] = math.NaN() }},
		{"Inf bias", func(m *Model) { m.Params[1].Values[0] = math.Inf(-1) }},
		{"NaN metric", func(m *Model) { m.Metrics["loss"] = math.NaN() }},
		{"missing tensor", func(m *Model) { m.Params = m.Params[:2] }},
		{"short tensor", func(m *Model) { m.Params[2].Values = m.Params[2].Values[1:] }},
		{"wrong shape", func(m *Model) { m.Params[0].Rows, m.Params[0].Cols = m.Params[0].Cols, m.Params[0].Rows }},
		{"wrong name", func(m *Model) { m.Params[0].Name = "w" }},
		{"unknown loss", func(m *Model) { m.Loss = "hinge" }},
		{"unknown activation", func(m *Model) { m.Spec.Layers[0].Activation.Name = "swish" }},
		{"unknown dtype", func(m *Model) { m.DType = "float16" }},
		{"unknown task", func(m *Model) { m.Task = "ranking" }},
		{"class count", func(m *Model) { m.ClassNames = m.ClassNames[:2] }},
		{"feature count", func(m *Model) { m.FeatureNames = m.FeatureNames[:1] }},
		{"future version", func(m *Model) { m.Version = Version + 1 }},
		{"bad training JSON", func(m *Model) { m.Training = json.RawMessage(`{"a":`) }},
		{"scaler columns", func(m *Model) { m.Scaler.Scale = m.Scaler.Scale[:2]; m.Scaler.Offset = m.Scaler.Offset[:2] }},
		{"scaler zero", func(m *Model) { m.Scaler.Scale[1] = 0 }},
		{"scaler kind", func(m *Model) { m.Scaler.Kind = "quantile" }},
		{"scaler clip", func(m *Model) { m.Scaler.Clip = -3 }},
		{"target scaler on a classifier", func(m *Model) { m.TargetScaler = &data.Scaler{Kind: data.NoScaling} }},
		{"schema classes", func(m *Model) { m.ClassNames = []string{"a", "b", "c"} }},
		{"float32 value in float32 model", func(m *Model) { m.DType = Float32 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := classifier(t)
			tt.change(m)
			var b bytes.Buffer
			err := Encode(&b, m, JSON)
			if err == nil {
				t.Fatal("Encode accepted the model")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q is not ErrInvalid", err)
			}
			if b.Len() != 0 {
				t.Errorf("Encode wrote %d bytes of an invalid model", b.Len())
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{JSON, Binary} {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat accepted xml")
	}
}

// TestLossDeltaKept: a huber model's δ survives a save and a load, and
// LossFunc builds the loss with it, so eval scores with the trained loss.
func TestLossDeltaKept(t *testing.T) {
	spec := nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1, Activation: activation.Spec{Name: activation.NameIdentity}}}}
	m, err := FromNetwork(nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 1))), "huber", "regression")
	if err != nil {
		t.Fatal(err)
	}
	m.LossDelta = 0.25
	for _, f := range []Format{JSON, Binary} {
		got := roundTrip(t, m, f)
		if got.LossDelta != 0.25 {
			t.Fatalf("%v: LossDelta %v after a round trip, want 0.25", f, got.LossDelta)
		}
		l, err := got.LossFunc()
		if err != nil {
			t.Fatal(err)
		}
		// One residual of 1: δ·(|r| − δ/2) = 0.25·0.875 with δ 0.25, 0.5 with δ 1.
		p, y := tensor.FromRows([][]float64{{1}}), tensor.FromRows([][]float64{{0}})
		if v := l.Forward(p, y); v != 0.25*0.875 {
			t.Errorf("%v: loss %v, want %v", f, v, 0.25*0.875)
		}
	}
}
