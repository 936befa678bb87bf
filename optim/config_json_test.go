package optim_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/descent-ml/descent/optim"
)

// Files written when a zero field meant the default never held a 0 (the
// fields were omitempty), so each old config must still build the optimizer
// it built then: the one with the defaults written out.
func TestOldConfigJSONKeepsItsMeaning(t *testing.T) {
	f := optim.Float
	tests := []struct {
		old  string
		want optim.Optimizer[float64]
	}{
		{`{"name":"adam","beta2":0.95,"l2":0.0001}`, &optim.Adam[float64]{Beta1: f(0.9), Beta2: f(0.95), Epsilon: f(1e-8), Common: optim.Common{L2: 1e-4}}},
		{`{"name":"adamw","clip_norm":1}`, &optim.AdamW[float64]{Adam: optim.Adam[float64]{Beta1: f(0.9), Beta2: f(0.999), Epsilon: f(1e-8), Common: optim.Common{ClipNorm: 1}}, WeightDecay: f(0.01)}},
		{`{"name":"rmsprop"}`, &optim.RMSProp[float64]{Rho: f(0.9), Epsilon: f(1e-8)}},
		{`{"name":"adagrad","epsilon":1e-6}`, &optim.AdaGrad[float64]{Epsilon: f(1e-6)}},
		{`{"name":"momentum"}`, &optim.Momentum[float64]{Momentum: f(0.9)}},
		{`{"name":"nesterov","momentum":0.5}`, &optim.Nesterov[float64]{Momentum: f(0.5)}},
	}
	for _, tt := range tests {
		var c optim.Config
		if err := json.Unmarshal([]byte(tt.old), &c); err != nil {
			t.Fatalf("%s: %v", tt.old, err)
		}
		opt, err := optim.New[float64](c)
		if err != nil {
			t.Fatalf("%s: %v", tt.old, err)
		}
		got1, got2 := twoSteps(opt)
		want1, want2 := twoSteps(tt.want)
		if !near(got1, want1, 0) || !near(got2, want2, 0) {
			t.Errorf("%s: steps %v %v, want %v %v", tt.old, got1, got2, want1, want2)
		}
	}
}

// An explicit 0 is written to JSON and read back as set; an unset field is
// left out.
func TestConfigJSONExplicitZero(t *testing.T) {
	c := optim.Config{Name: "adamw", Beta1: optim.Float(0), WeightDecay: optim.Float(0)}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"name":"adamw","beta1":0,"weight_decay":0}`; got != want {
		t.Fatalf("Marshal = %s, want %s", got, want)
	}
	var back optim.Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Beta1 == nil || *back.Beta1 != 0 || back.WeightDecay == nil || *back.WeightDecay != 0 || back.Beta2 != nil {
		t.Errorf("Unmarshal(%s) = %+v, want beta1 and weight_decay set to 0, beta2 unset", b, back)
	}
}

// Settings that "zero means default" could not express, each checked by hand
// against its documented equations on the shared two-step example.
func TestExplicitZeroSettings(t *testing.T) {
	f := optim.Float
	sqrt := math.Sqrt
	// Adam with β₁ = 0: m is the latest gradient. Its first step equals the
	// default's, so the second is compared: v₂ = 0.999·0.001·g₁² + 0.001·g₂².
	v2 := func(g1, g2 float64) float64 { return (0.999*0.001*g1*g1 + 0.001*g2*g2) / (1 - 0.999*0.999) }
	adamB1 := func(i int) float64 {
		w1 := w0[i] - lr*grad1[i]/(math.Abs(grad1[i])+1e-8)
		return w1 - lr*grad2[i]/(sqrt(v2(grad1[i], grad2[i]))+1e-8)
	}
	// RMSProp with ρ = 0: S = g̃², so each step is ±η·|g|/(|g| + ε).
	rms0 := func(i int) float64 {
		w1 := w0[i] - lr*grad1[i]/(math.Abs(grad1[i])+1e-8)
		return w1 - lr*grad2[i]/(math.Abs(grad2[i])+1e-8)
	}
	// Momentum with μ = 0 is plain gradient descent.
	mom0 := func(i int) float64 { return w0[i] - lr*grad1[i] - lr*grad2[i] }
	tests := []struct {
		name string
		cfg  optim.Config
		want func(i int) float64
	}{
		{"adam beta1 0", optim.Config{Name: "adam", Beta1: f(0)}, adamB1},
		{"rmsprop rho 0", optim.Config{Name: "rmsprop", Rho: f(0)}, rms0},
		{"momentum 0", optim.Config{Name: "momentum", Momentum: f(0)}, mom0},
	}
	for _, tt := range tests {
		opt, err := optim.New[float64](tt.cfg)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		_, got := twoSteps(opt)
		want := []float64{tt.want(0), tt.want(1), tt.want(2)}
		if !near(got, want, 1e-15) {
			t.Errorf("%s: got %v, want %v", tt.name, got, want)
		}
	}
}
