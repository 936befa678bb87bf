package schedule_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/descent-ml/descent/schedule"
)

// TestTorchParity compares each schedule PyTorch also has with the rates
// PyTorch's scheduler gives at each of up to 100 steps from lr0 = 0.1
// (testdata/torch_parity.json, written by bench/parity/gen_optim.py). Every
// rate must agree to 1e-9 absolute (the rates are at most 0.1, so this is
// also at least 1e-8 relative to lr0). Cosine is compared only up to its
// annealing length, after which PyTorch's climbs back and ours holds Min.
func TestTorchParity(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_parity.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Torch string `json:"torch"`
		Cases []struct {
			Name   string          `json:"name"`
			Config schedule.Config `json:"config"`
			LR0    float64         `json:"lr0"`
			Total  int             `json:"total"`
			Rates  []float64       `json:"rates"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases in the golden file")
	}
	worst := 0.0
	for _, c := range g.Cases {
		s, err := schedule.New(c.Config)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		for u, want := range c.Rates {
			got := s.Rate(c.LR0, u, c.Total)
			d := math.Abs(got - want)
			if !(d <= 1e-9) {
				t.Errorf("%s: unit %d rate %.17g, PyTorch %s %.17g", c.Name, u, got, g.Torch, want)
			}
			worst = max(worst, d)
		}
	}
	t.Logf("largest difference from PyTorch over %d schedules: %.3g", len(g.Cases), worst)
}
