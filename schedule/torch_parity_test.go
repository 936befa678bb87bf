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
//
// Reduce-on-plateau cases carry the 100 losses fed to PyTorch's
// ReduceLROnPlateau; each rate is the one after observing that loss, over
// settings covering every argument (patience 0, threshold 0, rel and abs,
// cooldown, min_lr, eps, factor 0).
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
			Losses []float64       `json:"losses"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("no cases in the golden file")
	}
	worst, worstPlateau, plateaus := 0.0, 0.0, 0
	for _, c := range g.Cases {
		s, err := schedule.New(c.Config)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		o, _ := s.(schedule.Observer)
		if len(c.Losses) > 0 {
			if o == nil || len(c.Losses) != len(c.Rates) {
				t.Fatalf("%s: %d losses for %d rates, observer %v", c.Name, len(c.Losses), len(c.Rates), o != nil)
			}
			if got := s.Rate(c.LR0, 0, c.Total); got != c.LR0 {
				t.Errorf("%s: rate before any loss %v, want lr0 %v", c.Name, got, c.LR0)
			}
			plateaus++
		}
		for u, want := range c.Rates {
			if len(c.Losses) > 0 {
				o.Observe(c.Losses[u])
			}
			got := s.Rate(c.LR0, u, c.Total)
			d := math.Abs(got - want)
			if !(d <= 1e-9) {
				t.Errorf("%s: unit %d rate %.17g, PyTorch %s %.17g", c.Name, u, got, g.Torch, want)
			}
			worst = max(worst, d)
			if len(c.Losses) > 0 {
				worstPlateau = max(worstPlateau, d)
			}
		}
	}
	if plateaus == 0 {
		t.Error("no reduce-on-plateau cases in the golden file")
	}
	t.Logf("largest difference from PyTorch over %d schedules: %.3g; over the %d reduce-on-plateau ones: %.3g", len(g.Cases), worst, plateaus, worstPlateau)
}
