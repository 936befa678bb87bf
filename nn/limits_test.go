package nn_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/descent-ml/descent/nn"
)

// TestSpecCountsMatchBuiltNetwork checks that a spec's parameter count,
// worked out without allocating, is the built network's.
func TestSpecCountsMatchBuiltNetwork(t *testing.T) {
	specs := []nn.Spec{
		{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1, NoBias: true}}},
		{Inputs: 4, Layers: []nn.LayerSpec{{Units: 16}, {Units: 8}, {Units: 3}}},
		{Inputs: 784, Layers: []nn.LayerSpec{{Units: 128}, {Units: 10, NoBias: true}}},
	}
	for _, s := range specs {
		net := nn.MustNew[float32](s, rand.New(rand.NewPCG(1, 2)))
		if got, want := s.NumParams(), net.NumParams(); got != want {
			t.Errorf("%+v: Spec.NumParams %d, built network %d", s, got, want)
		}
	}
}

func TestCheckSize(t *testing.T) {
	huge := nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1_000_000_000}, {Units: 1}}}
	tests := []struct {
		name   string
		spec   nn.Spec
		lim    nn.Limits
		rows   int
		want   string // "" for no error, else the quantity refused
		errSub string
	}{
		{"small", nn.Spec{Inputs: 4, Layers: []nn.LayerSpec{{Units: 16}, {Units: 3}}}, nn.Limits{}, 32, "", ""},
		{"a billion units", huge, nn.Limits{}, 32, "parameters", "3,000,000,001 parameters, more than the limit of 100,000,000"},
		{"a raised limit", huge, nn.Limits{MaxParams: 4_000_000_000, MaxActivations: math.MaxInt}, 32, "", ""},
		{"at the limit", nn.Spec{Inputs: 9, Layers: []nn.LayerSpec{{Units: 1}}}, nn.Limits{MaxParams: 10}, 1, "", ""},
		{"one over", nn.Spec{Inputs: 10, Layers: []nn.LayerSpec{{Units: 1}}}, nn.Limits{MaxParams: 10}, 1, "parameters", "11 parameters, more than the limit of 10"},
		// 2 + 3·1000 + 1000 + 3 values per sample, times 1000 samples.
		{"activations", nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 1000}, {Units: 1}}}, nn.Limits{MaxActivations: 1_000_000}, 1000, "activation values per batch", "4,005,000 activation values per batch"},
		{"overflow", nn.Spec{Inputs: math.MaxInt / 2, Layers: []nn.LayerSpec{{Units: 4}}}, nn.Limits{}, 1, "parameters", "more than 9,223,372,036,854,775,807 parameters"},
	}
	for _, tt := range tests {
		err := tt.spec.CheckSize(tt.lim, tt.rows)
		var se *nn.SizeError
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.want != "" && !errors.As(err, &se):
			t.Errorf("%s: got %v, want a *SizeError", tt.name, err)
		case tt.want != "" && (se.What != tt.want || !strings.Contains(err.Error(), tt.errSub)):
			t.Errorf("%s: got %q, want %s and %q", tt.name, err, tt.want, tt.errSub)
		}
	}
}

// TestCheckSizeAllocatesLittle counts a billion-unit network's
// parameters, as the CLI does before building it, and checks that it
// allocates only a few small values (the per-layer plans and the error),
// nothing in proportion to the network's size.
func TestCheckSizeAllocatesLittle(t *testing.T) {
	s := nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1_000_000_000}, {Units: 1}}}
	check := func() {
		if s.CheckSize(nn.Limits{}, 32) == nil {
			t.Fatal("a billion-unit network passed the default limit")
		}
	}
	check()
	const runs = 10
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		check()
	}
	runtime.ReadMemStats(&after)
	// A few hundred bytes per call; building the network would take
	// gigabytes.
	if got := (after.TotalAlloc - before.TotalAlloc) / runs; got > 4096 {
		t.Errorf("CheckSize allocated %d bytes per call, want at most 4096", got)
	}
}

// TestNewRefusesUncountableSpec checks that a spec whose parameter count
// overflows an int is an error, not a panic in make.
func TestNewRefusesUncountableSpec(t *testing.T) {
	s := nn.Spec{Inputs: math.MaxInt / 2, Layers: []nn.LayerSpec{{Units: 4}}}
	if _, err := nn.New[float32](s, rand.New(rand.NewPCG(1, 2))); err == nil || !strings.Contains(err.Error(), "more parameters than an int") {
		t.Errorf("nn.New: got %v, want an error about the parameter count", err)
	}
}
