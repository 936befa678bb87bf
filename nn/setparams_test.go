package nn_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/nn"
)

func TestSetParams(t *testing.T) {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 3, Activation: tanh}, {Units: 1, Activation: sigmoid, NoBias: true}}}
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 2)))
	want := [][]float64{{1, 2, 3, 4, 5, 6}, {7, 8, 9}, {10, 11, 12}}
	if err := net.SetParams(want); err != nil {
		t.Fatal(err)
	}
	for i, p := range net.Params() {
		if !slices.Equal(p.Value.Data, want[i]) {
			t.Errorf("%s = %v, want %v", p.Name, p.Value.Data, want[i])
		}
	}
	// The values are copied, not kept.
	want[0][0] = -1
	if got := net.Params()[0].Value.Data[0]; got != 1 {
		t.Errorf("SetParams kept the caller's slice: weight became %v", got)
	}
	// x·W with W inputs×outputs: input 0 reaches unit 0 through W[0][0] = 1.
	if got := net.Params()[0].Value.At(1, 0); got != 4 {
		t.Errorf("layer1.weight[1][0] = %v, want 4 (row-major inputs×outputs)", got)
	}
}

func TestSetParamsErrors(t *testing.T) {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 3, Activation: tanh}}}
	tests := []struct {
		name   string
		values [][]float64
		want   string
	}{
		{"too few tensors", [][]float64{{1, 2, 3, 4, 5, 6}}, "got 1 tensors, the network has 2"},
		{"too many tensors", [][]float64{{1, 2, 3, 4, 5, 6}, {1, 2, 3}, {1}}, "got 3 tensors"},
		{"short weight", [][]float64{{1, 2, 3}, {1, 2, 3}}, "layer1.weight has 6 values (2×3), got 3"},
		{"long bias", [][]float64{{1, 2, 3, 4, 5, 6}, {1, 2, 3, 4}}, "layer1.bias has 3 values (1×3), got 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 2)))
			before := slices.Clone(net.Params()[0].Value.Data)
			err := net.SetParams(tt.values)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !slices.Equal(net.Params()[0].Value.Data, before) {
				t.Errorf("a refused SetParams changed the weights")
			}
		})
	}
}
