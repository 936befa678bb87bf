package optim_test

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// torchParity is testdata/torch_parity.json, written by
// bench/parity/gen_optim.py from PyTorch's optimizers in float64.
type torchParity struct {
	Torch   string      `json:"torch"`
	W0      [][]float64 `json:"w0"`
	B0      []float64   `json:"b0"`
	Batches []struct {
		X [][]float64 `json:"x"`
		T [][]float64 `json:"t"`
	} `json:"batches"`
	Cases []struct {
		Name   string          `json:"name"`
		Config json.RawMessage `json:"config"`
		LR     float64         `json:"lr"`
		W      [][]float64     `json:"w"`
		B      []float64       `json:"b"`
	} `json:"cases"`
}

// parityTol bounds |descent − PyTorch| / max(1, |PyTorch|) for every
// weight after 100 steps: absolute for weights within ±1, relative beyond.
const parityTol = 1e-9

// TestTorchParity trains the linear model of gen_optim.py for 100 steps
// with every optimizer, variant and clipping setting PyTorch also has,
// from the same starting weights and batches, and requires the final
// weights to agree with PyTorch's to parityTol.
func TestTorchParity(t *testing.T) {
	raw, err := os.ReadFile("testdata/torch_parity.json")
	if err != nil {
		t.Fatal(err)
	}
	var g torchParity
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 || len(g.Batches) != 100 {
		t.Fatalf("golden file has %d cases and %d batches, want some and 100", len(g.Cases), len(g.Batches))
	}
	worst := 0.0
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var cfg optim.Config
			if err := json.Unmarshal(c.Config, &cfg); err != nil {
				t.Fatal(err)
			}
			opt, err := optim.New[float64](cfg)
			if err != nil {
				t.Fatal(err)
			}
			w := &nn.Param[float64]{Name: "w", Value: tensor.FromRows(g.W0), Grad: tensor.New[float64](len(g.W0), len(g.W0[0]))}
			b := &nn.Param[float64]{Name: "b", Value: tensor.FromRows([][]float64{g.B0}), Grad: tensor.New[float64](1, len(g.B0))}
			params := []*nn.Param[float64]{w, b}
			for _, batch := range g.Batches {
				linearMSEGrad(w, b, batch.X, batch.T)
				opt.Step(params, c.LR)
			}
			got := append(append([]float64(nil), w.Value.Values()...), b.Value.Values()...)
			var want []float64
			for _, row := range c.W {
				want = append(want, row...)
			}
			want = append(want, c.B...)
			diff := 0.0
			for i := range want {
				d := math.Abs(got[i]-want[i]) / max(1, math.Abs(want[i]))
				if !(d <= parityTol) {
					t.Errorf("weight %d after 100 steps = %.17g, PyTorch %s has %.17g (scaled difference %.3g > %g)", i, got[i], g.Torch, want[i], d, parityTol)
				}
				diff = max(diff, d)
			}
			worst = max(worst, diff)
			t.Logf("largest scaled difference from PyTorch: %.3g", diff)
		})
	}
	t.Logf("largest over all cases: %.3g", worst)
}

// linearMSEGrad sets the gradients of mean((x·W + b − t)²), the mean over
// all elements as PyTorch's .mean() takes it.
func linearMSEGrad(w, b *nn.Param[float64], x, tgt [][]float64) {
	rows, in, out := len(x), len(x[0]), len(tgt[0])
	wv, bv := w.Value.Values(), b.Value.Values()
	gw, gb := w.Grad.Values(), b.Grad.Values()
	clear(gw)
	clear(gb)
	scale := 2 / float64(rows*out)
	for r := range rows {
		for k := range out {
			y := bv[k]
			for i := range in {
				y += x[r][i] * wv[i*out+k]
			}
			d := scale * (y - tgt[r][k])
			gb[k] += d
			for i := range in {
				gw[i*out+k] += x[r][i] * d
			}
		}
	}
}
