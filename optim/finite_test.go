package optim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// TestNonFinite steps every optimizer once with an ordinary gradient and
// then with one whose square overflows float32, and checks that the state
// is reported finite after the first and, for the optimizers that keep
// squared gradients in float32, not after the second.
func TestNonFinite(t *testing.T) {
	tests := []struct {
		name string
		want string // in the report after the overflow; "" for none
	}{
		{optim.NameGD, ""},
		{optim.NameSGD, ""},
		{optim.NameMomentum, ""}, // the velocity is the gradient, finite
		{optim.NameNesterov, ""},
		// These keep float64 buffers, in which 1e60 is finite.
		{optim.NameAdaGrad, ""},
		{optim.NameRMSProp, ""},
		{optim.NameAdam, "adam's second moment of w.weight is +Inf"},
		{optim.NameAdamW, "adamw's second moment of w.weight is +Inf"},
	}
	for _, tt := range tests {
		w := &nn.Param[float32]{Name: "w.weight", Value: tensor.New[float32](1, 2), Grad: tensor.New[float32](1, 2)}
		params := []*nn.Param[float32]{w}
		o, err := optim.New[float32](optim.Config{Name: tt.name})
		if err != nil {
			t.Fatal(err)
		}
		w.Grad.Data[0], w.Grad.Data[1] = 0.5, -0.25
		o.Step(params, 1e-3)
		if got := optim.NonFinite(o, params); got != "" {
			t.Errorf("%s after an ordinary step: %q, want \"\"", tt.name, got)
		}
		// 1e30² overflows float32: Adam's second moment becomes +Inf while
		// its step, m/√v, is 0 and the weight stays finite.
		w.Grad.Data[1] = 1e30
		o.Step(params, 1e-3)
		got := optim.NonFinite(o, params)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s after an overflowing step: %q, want %q", tt.name, got, tt.want)
		}
		if tt.name == optim.NameAdam && (math.IsInf(float64(w.Value.Data[1]), 0) || math.IsNaN(float64(w.Value.Data[1]))) {
			t.Errorf("adam's weight is %v: the test means to show a finite weight beside an infinite moment", w.Value.Data[1])
		}
	}
}
