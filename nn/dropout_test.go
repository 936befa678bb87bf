package nn_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// TestDropoutDropsAndScales checks inverted dropout: in training mode about
// Rate of the values become 0 and the rest are scaled by 1/(1−Rate); in
// evaluation mode the input passes unchanged.
func TestDropoutDropsAndScales(t *testing.T) {
	const rate, n = 0.25, 10000
	d := nn.NewDropout[float64](rate, nn.Shape{n}, 1, 2)
	x := tensor.New[float64](1, n)
	for i := range x.Data {
		x.Data[i] = 2
	}
	out := d.Forward(x)
	dropped := 0
	for _, v := range out.Data {
		switch v {
		case 0:
			dropped++
		case 2 / (1 - rate):
		default:
			t.Fatalf("training output %v, want 0 or %v", v, 2/(1-rate))
		}
	}
	// 10,000 draws: the standard deviation of the count is about 43.
	if dropped < 2300 || dropped > 2700 {
		t.Errorf("dropped %d of %d, want about %d", dropped, n, int(rate*n))
	}
	d.SetTraining(false)
	for i, v := range d.Forward(x).Data {
		if v != 2 {
			t.Fatalf("evaluation output[%d] = %v, want the input 2", i, v)
		}
	}
}

// TestDropoutSeeded checks that two networks from the same seed draw the
// same masks, and that SetTraining(false) on the network turns dropout off.
func TestDropoutSeeded(t *testing.T) {
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
		{Units: 8, Activation: activation.Spec{Name: activation.NameReLU}},
		{Kind: nn.KindDropout, Rate: 0.5},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	a := nn.MustNew[float64](spec, rand.New(rand.NewPCG(3, 4)))
	b := nn.MustNew[float64](spec, rand.New(rand.NewPCG(3, 4)))
	x := tensor.FromRows([][]float64{{0.5, -1, 2}, {1, 1, 1}})
	for step := range 5 {
		if ga, gb := a.Forward(x).Clone(), b.Forward(x); !sameSlices(ga.Data, gb.Data) {
			t.Fatalf("step %d: same seed, outputs %v and %v", step, ga.Data, gb.Data)
		}
	}
	if !a.Training() {
		t.Error("a new network is not in training mode")
	}
	a.SetTraining(false)
	first := a.Forward(x).Clone()
	if again := a.Forward(x); !sameSlices(first.Data, again.Data) {
		t.Errorf("evaluation mode is not deterministic: %v then %v", first.Data, again.Data)
	}
	if got, want := spec.String(), "3 → 8 relu → dropout 0.5 → 2 identity"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestLayerSpecErrors checks the registry's checks of each kind's settings.
func TestLayerSpecErrors(t *testing.T) {
	tests := []struct {
		layer nn.LayerSpec
		want  string
	}{
		{nn.LayerSpec{Kind: "lstm"}, `layer 1: unknown layer kind "lstm" (known: avgpool2d, batchnorm, conv2d, dense, dropout, maxpool2d)`},
		{nn.LayerSpec{Kind: nn.KindDropout, Rate: 1}, "layer 1: dropout rate must be at least 0 and below 1, got 1"},
		{nn.LayerSpec{Kind: nn.KindDropout, Rate: -0.1}, "below 1, got -0.1"},
		{nn.LayerSpec{Kind: nn.KindDropout, Rate: 0.1, Units: 3}, "a dropout layer has no units"},
		{nn.LayerSpec{Units: 3, Rate: 0.1}, "a dense layer has no rate"},
	}
	for _, tt := range tests {
		s := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{tt.layer}}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tt.layer, err, tt.want)
		}
	}
}

// TestDenseSpecJSONUnchanged checks that a dense layer's JSON has no kind,
// as in model files written before layer kinds, and that "dense" and no
// kind build the same spec.
func TestDenseSpecJSONUnchanged(t *testing.T) {
	b, err := json.Marshal(nn.LayerSpec{Units: 3, Activation: activation.Spec{Name: activation.NameTanh}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"units":3,"activation":{"name":"tanh"}}`; got != want {
		t.Errorf("dense JSON %s, want %s", got, want)
	}
	explicit := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Kind: nn.KindDense, Units: 3}}}, rand.New(rand.NewPCG(1, 1)))
	implicit := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 3}}}, rand.New(rand.NewPCG(1, 1)))
	if e, i := explicit.Spec().String(), implicit.Spec().String(); e != i || explicit.Spec().Layers[0] != implicit.Spec().Layers[0] {
		t.Errorf(`kind "dense" gives %s %+v, no kind %s %+v`, e, explicit.Spec().Layers[0], i, implicit.Spec().Layers[0])
	}
}
