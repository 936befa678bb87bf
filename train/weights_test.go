package train_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

// repeat returns d without weights, row i repeated Weights[i] times.
func repeat(d *data.Dataset) *data.Dataset {
	var idx []int
	for i, w := range d.Weights {
		for range int(w) {
			idx = append(idx, i)
		}
	}
	r := d.Subset(idx)
	r.Weights = nil
	return r
}

// TestWeightsEqualRepeatedRows checks that weights change the loss as
// documented: with whole-set batches, a sample of weight w trains and
// scores exactly as w copies of it, and a sample of weight 0 as none. Each
// epoch's training and validation loss and accuracy, and the weights at
// the end, agree to rounding.
func TestWeightsEqualRepeatedRows(t *testing.T) {
	all := datasets.Moons(60, 0.3, rand.New(rand.NewPCG(7, 7)))
	rng := rand.New(rand.NewPCG(8, 8))
	all.Weights = make([]float64, all.Len())
	for i := range all.Weights {
		all.Weights[i] = float64(rng.IntN(4)) // 0 to 3 copies
	}
	tr, va := all.Subset(seq(0, 40)), all.Subset(seq(40, 60))
	for _, l := range []loss.Loss[float64]{loss.SoftmaxCrossEntropy[float64]{}, &loss.SquaredError[float64]{Reduction: loss.Sum}} {
		t.Run(l.Name(), func(t *testing.T) {
			cfg := train.Config{Epochs: 20, LearningRate: 0.05, Optimizer: optim.Config{Name: "gd"}, NoShuffle: true, Seed: 1}
			if l.Name() == loss.NameSquaredError {
				cfg.LearningRate = 0.002 // a sum over ~60 rows, not a mean
			}
			wNet, rNet := newNet(mlp(2, 2, 6), 3), newNet(mlp(2, 2, 6), 3)
			wh, err := train.Fit(context.Background(), wNet, l, tr, va, cfg)
			if err != nil {
				t.Fatal(err)
			}
			rh, err := train.Fit(context.Background(), rNet, l, repeat(tr), repeat(va), cfg)
			if err != nil {
				t.Fatal(err)
			}
			near := func(what string, epoch int, got, want float64) {
				if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Errorf("epoch %d: weighted %s %v, repeated rows %v", epoch, what, got, want)
				}
			}
			for i, we := range wh.Epochs {
				re := rh.Epochs[i]
				near("training loss", we.Epoch, we.Train.Loss, re.Train.Loss)
				near("training accuracy", we.Epoch, we.Train.Accuracy, re.Train.Accuracy)
				near("validation loss", we.Epoch, we.Val.Loss, re.Val.Loss)
				near("validation accuracy", we.Epoch, we.Val.Accuracy, re.Val.Accuracy)
			}
			if first, last := wh.Epochs[0].Train.Loss, wh.Last().Train.Loss; !(last < first) {
				t.Errorf("the weighted loss went from %v to %v; the run did not learn", first, last)
			}
			ws, rs := snapshot(wNet), snapshot(rNet)
			for i := range ws {
				for j := range ws[i] {
					near("weight", 20, ws[i][j], rs[i][j])
				}
			}
			// The unweighted run differs: the test is not trivially true.
			uNet := newNet(mlp(2, 2, 6), 3)
			unweighted := *tr
			unweighted.Weights = nil
			uh, err := train.Fit(context.Background(), uNet, l, &unweighted, nil, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := uh.Epochs[0].Train.Loss, wh.Epochs[0].Train.Loss; got == want {
				t.Errorf("the first epoch's loss %v is the same without weights", got)
			}
		})
	}
}

func seq(lo, hi int) []int {
	s := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

// rowCounter is a loss that records the row counts of the batches it is
// given.
type rowCounter struct {
	loss.Loss[float64]
	rows map[int]int
}

func (c *rowCounter) Forward(p, t *tensor.Matrix[float64]) float64 {
	c.rows[p.Rows]++
	return c.Loss.Forward(p, t)
}

// TestUnweightedLossIsUnwrapped checks that without weights Fit hands the
// loss whole batches, as before weights existed (so unweighted runs are
// bit for bit what they were), and with weights wraps it in
// loss.Weighted, which scores row by row.
func TestUnweightedLossIsUnwrapped(t *testing.T) {
	d := datasets.Moons(40, 0.2, rand.New(rand.NewPCG(1, 2)))
	cfg := train.Config{Epochs: 2, BatchSize: 8, Optimizer: optim.Config{Name: "adam"}, Seed: 1, ValidationSplit: 0.25}
	for _, weighted := range []bool{false, true} {
		d.Weights = nil
		if weighted {
			d.Weights = make([]float64, d.Len())
			for i := range d.Weights {
				d.Weights[i] = 1
			}
		}
		c := &rowCounter{Loss: loss.SoftmaxCrossEntropy[float64]{}, rows: map[int]int{}}
		if _, err := train.Fit(context.Background(), newNet(mlp(2, 2, 4), 1), loss.Loss[float64](c), d, nil, cfg); err != nil {
			t.Fatal(err)
		}
		if got := c.rows[1] > 0; got != weighted {
			t.Errorf("weights %v: the loss saw batches of %v rows", weighted, c.rows)
		}
		if !weighted && c.rows[8] == 0 {
			t.Errorf("no weights: the loss saw batches of %v rows, want batches of 8", c.rows)
		}
	}
}
