package parity

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// tolerance is the agreement the issue asks of float64 against PyTorch.
const tolerance = 1e-9

type lossCase struct {
	Loss      string
	Torch     string
	Reduction string
	Delta     float64
	Smoothing float64
	Pred      [][]float64
	Target    [][]float64
	Value     float64
	Grad      [][]float64
}

type activationCase struct {
	Activation string
	Slope      float64
	Z, A       [][]float64
	DA, DZ     [][]float64
}

type golden struct {
	Torch       string
	Losses      []lossCase
	Activations []activationCase
}

func load(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("testdata/%s: %v", name, err)
	}
}

// torchReduction is the reduction that is PyTorch's reduction="mean" or
// "sum" for every loss.
func torchReduction(t *testing.T, s string) loss.Reduction {
	switch s {
	case "mean":
		return loss.MeanAll
	case "sum":
		return loss.SumAll
	}
	t.Fatalf("unknown reduction %q in the golden file", s)
	return 0
}

// stepLikeTorch builds spec, starts it from PyTorch's weights, takes one
// full-batch SGD step on the MSE (PyTorch's mean over all elements) per
// loss PyTorch recorded, and returns the network with the worst relative
// differences of the losses and of the final parameters.
func stepLikeTorch(t *testing.T, spec nn.Spec, init, final [][][]float64, x, y *tensor.Matrix[float64], lr float64, losses []float64) (net *nn.Network[float64], worstLoss, worstParam float64) {
	t.Helper()
	// SetParams overwrites the drawn weights.
	net, err := nn.New[float64](spec, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var start [][]float64
	for _, m := range init {
		start = append(start, tensor.FromRows(m).Data)
	}
	if err := net.SetParams(start); err != nil {
		t.Fatal(err)
	}
	l, err := loss.NewWith[float64](loss.NameMSE, loss.Options{Reduction: loss.MeanAll})
	if err != nil {
		t.Fatal(err)
	}
	for step, want := range losses {
		v := net.Step(l, x, y, lr)
		if e := relErr(v, want); !(e <= worstLoss) {
			worstLoss = e
		}
		if step == len(losses)-1 && !(want < losses[0]) {
			t.Errorf("the run did not learn: loss %g → %g", losses[0], want)
		}
	}
	for i, p := range net.Params() {
		worstParam = max(worstParam, maxRelErr(p.Value.Data, final[i]))
	}
	return net, worstLoss, worstParam
}

// relErr is |got − want| relative to max(|want|, 1).
func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1)
}

func maxRelErr(got []float64, want [][]float64) float64 {
	w := tensor.FromRows(want).Data
	worst := 0.0
	for i := range w {
		if e := relErr(got[i], w[i]); !(e <= worst) {
			worst = e
		}
	}
	return worst
}

func TestLossesMatchPyTorch(t *testing.T) {
	var g golden
	load(t, "loss.json", &g)
	covered := map[string]bool{}
	worst := 0.0
	defer func() { t.Logf("worst relative difference from PyTorch over %d cases: %.2e", len(g.Losses), worst) }()
	for _, c := range g.Losses {
		covered[c.Loss] = true
		t.Run(c.Torch+"/"+c.Reduction+"/"+c.Loss, func(t *testing.T) {
			l, err := loss.NewWith[float64](c.Loss, loss.Options{Reduction: torchReduction(t, c.Reduction), Smoothing: c.Smoothing, Delta: c.Delta})
			if err != nil {
				t.Fatal(err)
			}
			pred, target := tensor.FromRows(c.Pred), tensor.FromRows(c.Target)
			got := l.Forward(pred, target)
			worst = math.Max(worst, relErr(got, c.Value))
			if !(relErr(got, c.Value) <= tolerance) {
				t.Errorf("loss %.17g, PyTorch %.17g", got, c.Value)
			}
			grad := tensor.New[float64](pred.Rows, pred.Cols)
			l.Backward(grad, pred, target)
			e := maxRelErr(grad.Data, c.Grad)
			worst = math.Max(worst, e)
			if !(e <= tolerance) {
				t.Errorf("gradient off by %.3g relative\ngot  %v\nwant %v", e, grad.Data, c.Grad)
			}
		})
	}
	for _, name := range loss.Names() {
		if !covered[name] {
			t.Errorf("loss %s has no PyTorch golden case", name)
		}
	}
}

// TestMeanMatchesPyTorchWhereDocumented checks the loss package's table:
// with descent's own Mean, mse, mae, huber, smooth_l1 and the
// cross-entropies already equal PyTorch's "mean", and bce and bce_logits
// are k times it.
func TestMeanMatchesPyTorchWhereDocumented(t *testing.T) {
	var g golden
	load(t, "loss.json", &g)
	factor := map[string]float64{"mse": 1, "mae": 1, "huber": 1, "smooth_l1": 1, "cross_entropy": 1, "softmax_cross_entropy": 1, "bce": 3, "bce_logits": 3, "squared_error": 3}
	for _, c := range g.Losses {
		if c.Reduction != "mean" {
			continue
		}
		l, err := loss.NewWith[float64](c.Loss, loss.Options{Reduction: loss.Mean, Smoothing: c.Smoothing, Delta: c.Delta})
		if err != nil {
			t.Fatal(err)
		}
		if k := len(c.Pred[0]); k != 3 {
			t.Fatalf("%s: %d outputs; the factors assume 3", c.Torch, k)
		}
		got := l.Forward(tensor.FromRows(c.Pred), tensor.FromRows(c.Target))
		if want := factor[c.Loss] * c.Value; !(relErr(got, want) <= tolerance) {
			t.Errorf("%s with Mean = %.17g, want %g × PyTorch's mean = %.17g", c.Loss, got, factor[c.Loss], want)
		}
	}
}

func TestActivationsMatchPyTorch(t *testing.T) {
	var g golden
	load(t, "loss.json", &g)
	covered := map[string]bool{}
	for _, c := range g.Activations {
		covered[c.Activation] = true
		spec := activation.Spec{Name: c.Activation, Slope: c.Slope}
		t.Run(spec.String(), func(t *testing.T) {
			f, err := activation.New[float64](spec)
			if err != nil {
				t.Fatal(err)
			}
			z, da := tensor.FromRows(c.Z), tensor.FromRows(c.DA)
			a := tensor.New[float64](z.Rows, z.Cols)
			f.Forward(a, z)
			if e := maxRelErr(a.Data, c.A); !(e <= tolerance) {
				t.Errorf("f(z) off by %.3g relative\ngot  %v\nwant %v", e, a.Data, c.A)
			}
			dz := tensor.New[float64](z.Rows, z.Cols)
			f.Backward(dz, z, a, da)
			if e := maxRelErr(dz.Data, c.DZ); !(e <= tolerance) {
				t.Errorf("dz off by %.3g relative\ngot  %v\nwant %v", e, dz.Data, c.DZ)
			}
		})
	}
	for _, name := range activation.Names() {
		if !covered[name] {
			t.Errorf("activation %s has no PyTorch golden case", name)
		}
	}
}

type trainGolden struct {
	Inputs, Hidden, Outputs int
	Steps                   int
	X                       [][]float64
	Init                    [][][]float64
	Runs                    []struct {
		Loss, Reduction      string
		LR, Delta, Smoothing float64
		Target               [][]float64
		Losses               []float64
		Final                [][][]float64
	}
}

// TestSGDTrainingMatchesPyTorch trains the same network from the same
// weights on the same batch for 100 plain SGD steps, per loss, and
// compares every step's loss and the final weights.
func TestSGDTrainingMatchesPyTorch(t *testing.T) {
	var g trainGolden
	load(t, "train_sgd.json", &g)
	flat := func(ms [][][]float64) [][]float64 {
		var out [][]float64
		for _, m := range ms {
			out = append(out, tensor.FromRows(m).Data)
		}
		return out
	}
	for _, run := range g.Runs {
		t.Run(run.Loss+"/"+run.Reduction, func(t *testing.T) {
			spec := nn.Spec{Inputs: g.Inputs, Layers: []nn.LayerSpec{
				{Units: g.Hidden, Activation: activation.Spec{Name: activation.NameTanh}},
				{Units: g.Outputs, Activation: activation.Spec{Name: activation.NameIdentity}},
			}}
			// SetParams overwrites the drawn weights.
			net, err := nn.New[float64](spec, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if err := net.SetParams(flat(g.Init)); err != nil {
				t.Fatal(err)
			}
			l, err := loss.NewWith[float64](run.Loss, loss.Options{Reduction: torchReduction(t, run.Reduction), Smoothing: run.Smoothing, Delta: run.Delta})
			if err != nil {
				t.Fatal(err)
			}
			x, y := tensor.FromRows(g.X), tensor.FromRows(run.Target)
			worstLoss, v := 0.0, 0.0
			for step := 0; step < g.Steps; step++ {
				v = net.Step(l, x, y, run.LR)
				worstLoss = math.Max(worstLoss, relErr(v, run.Losses[step]))
			}
			worstWeight := 0.0
			for i, p := range net.Params() {
				worstWeight = math.Max(worstWeight, maxRelErr(p.Value.Data, run.Final[i]))
			}
			t.Logf("after %d steps: loss %.17g (PyTorch %.17g); worst relative difference: losses %.2e, weights %.2e",
				g.Steps, v, run.Losses[g.Steps-1], worstLoss, worstWeight)
			if !(worstLoss <= tolerance) || !(worstWeight <= tolerance) {
				t.Errorf("differs from PyTorch by %.3g (losses) and %.3g (weights), want ≤ %g", worstLoss, worstWeight, tolerance)
			}
			if run.Losses[g.Steps-1] >= run.Losses[0] {
				t.Errorf("the run did not learn: loss %g → %g", run.Losses[0], run.Losses[g.Steps-1])
			}
		})
	}
}
