package onnx_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/tensor"
)

// batchNormModel returns 3 → 5 tanh → batchnorm → 2 in float32 with
// running statistics away from their start.
func batchNormModel(t *testing.T) *model.Model {
	t.Helper()
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
		{Units: 5, Activation: activation.Spec{Name: activation.NameTanh}},
		{Kind: nn.KindBatchNorm},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 2)))
	rng := rand.New(rand.NewPCG(3, 4))
	for _, b := range append([]*nn.Param[float32]{net.Params()[2], net.Params()[3]}, net.Buffers()...) {
		for j := range b.Value.Data {
			b.Value.Data[j] = float32(0.5 + rng.Float64())
		}
	}
	m, err := model.FromNetwork(net, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBatchNormRoundTrip exports a network with a batchnorm layer and
// imports it back, with and without the metadata: the layer, γ, β and
// the running statistics come back bit for bit, and the predictions agree.
func TestBatchNormRoundTrip(t *testing.T) {
	m := batchNormModel(t)
	b := mustMarshal(t, m, onnx.Options{})
	for name, file := range map[string][]byte{"with metadata": b, "without": stripMetadata(t, b)} {
		back, err := onnx.Unmarshal(file, onnx.ImportOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := back.Spec.String(), m.Spec.String(); got != want {
			t.Errorf("%s: imported %s, want %s", name, got, want)
		}
		if !reflect.DeepEqual(back.Params, m.Params) || !reflect.DeepEqual(back.Buffers, m.Buffers) {
			t.Errorf("%s: parameters or buffers differ:\n%+v %+v\nwant\n%+v %+v", name, back.Params, back.Buffers, m.Params, m.Buffers)
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
		if !reflect.DeepEqual(got.Data, want.Data) {
			t.Errorf("%s: imported model predicts %v, want %v", name, got.Data, want.Data)
		}
	}
}

// TestBatchNormImportRefuses checks that a BatchNormalization with an
// epsilon other than descent's fixed 1e-5 is refused by name.
func TestBatchNormImportRefuses(t *testing.T) {
	b := mustMarshal(t, batchNormModel(t), onnx.Options{})
	// float32(1e-5) little-endian, replaced by float32(1e-3).
	eps := []byte{0xac, 0xc5, 0x27, 0x37}
	i := strings.Index(string(b), string(eps))
	if i < 0 {
		t.Fatal("no epsilon 1e-5 in the exported file")
	}
	other := append([]byte(nil), b...)
	copy(other[i:], []byte{0x6f, 0x12, 0x83, 0x3a})
	_, err := onnx.Unmarshal(stripMetadata(t, other), onnx.ImportOptions{})
	if !errors.Is(err, onnx.ErrUnsupported) || !strings.Contains(err.Error(), "epsilon 0.001") {
		t.Errorf("epsilon 1e-3: %v, want ErrUnsupported naming the epsilon", err)
	}
}
