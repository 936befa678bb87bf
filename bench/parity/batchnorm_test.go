package parity

import (
	"math"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// batchNormGolden is testdata/batchnorm.json, written by gen_batchnorm.py.
type batchNormGolden struct {
	Torch  string
	Layers []struct {
		Name            string
		Shape           []int
		Gamma, Beta     []float64
		X, Y, DY, DX    [][]float64
		DGamma, DBeta   []float64
		RunningAfterOne struct{ Mean, Var []float64 } `json:"running_after_one"`
		More            [][][]float64
		RunningMean     []float64   `json:"running_mean"`
		RunningVar      []float64   `json:"running_var"`
		XEval           [][]float64 `json:"x_eval"`
		YEval           [][]float64 `json:"y_eval"`
	}
	Train struct {
		Inputs, Hidden, Outputs int
		LR                      float64
		X, Y                    [][]float64
		Init, Final             [][][]float64
		Losses                  []float64
		RunningMean             []float64 `json:"running_mean"`
		RunningVar              []float64 `json:"running_var"`
		Eval                    [][]float64
	}
}

// worst returns the largest relErr between got and want.
func worst(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	w := 0.0
	for i := range want {
		if e := relErr(got[i], want[i]); !(e <= w) {
			w = e
		}
	}
	return w
}

// TestBatchNormMatchesPyTorch runs descent's batchnorm layer on the
// batches PyTorch's BatchNorm1d and BatchNorm2d saw: the training-mode
// output and gradients, the running statistics after one and five
// batches, and the evaluation-mode output.
func TestBatchNormMatchesPyTorch(t *testing.T) {
	var g batchNormGolden
	load(t, "batchnorm.json", &g)
	for _, c := range g.Layers {
		t.Run(c.Name, func(t *testing.T) {
			b := nn.NewBatchNorm[float64]("bn", nn.Shape(c.Shape))
			copy(b.W.Value.Data, c.Gamma)
			copy(b.B.Value.Data, c.Beta)
			y := b.Forward(tensor.FromRows(c.X)).Clone()
			dx := b.Backward(tensor.FromRows(c.DY), true).Clone()
			mean1 := append([]float64(nil), b.RunningMean.Value.Data...)
			var1 := append([]float64(nil), b.RunningVar.Value.Data...)
			for _, m := range c.More {
				b.Forward(tensor.FromRows(m))
			}
			b.SetTraining(false)
			ye := b.Forward(tensor.FromRows(c.XEval))
			for _, ch := range []struct {
				what      string
				got, want []float64
			}{
				{"output", y.Data, tensor.FromRows(c.Y).Data},
				{"input gradient", dx.Data, tensor.FromRows(c.DX).Data},
				{"weight gradient", b.W.Grad.Data, c.DGamma},
				{"bias gradient", b.B.Grad.Data, c.DBeta},
				{"running_mean after one batch", mean1, c.RunningAfterOne.Mean},
				{"running_var after one batch", var1, c.RunningAfterOne.Var},
				{"running_mean after five", b.RunningMean.Value.Data, c.RunningMean},
				{"running_var after five", b.RunningVar.Value.Data, c.RunningVar},
				{"evaluation output", ye.Data, tensor.FromRows(c.YEval).Data},
			} {
				e := worst(ch.got, ch.want)
				t.Logf("%s: worst relative difference %.2e", ch.what, e)
				if !(e <= tolerance) {
					t.Errorf("%s differs from PyTorch %s by %.3g, want ≤ %g:\ngot  %v\nwant %v", ch.what, g.Torch, e, tolerance, ch.got, ch.want)
				}
			}
		})
	}
}

// TestBatchNormTrainingMatchesPyTorch trains 3 → 5 tanh → batchnorm → 2
// from PyTorch's starting weights for 20 full-batch SGD steps and
// compares every loss, the final parameters, the running statistics and
// the evaluation-mode output.
func TestBatchNormTrainingMatchesPyTorch(t *testing.T) {
	var g batchNormGolden
	load(t, "batchnorm.json", &g)
	tr := g.Train
	spec := nn.Spec{Inputs: tr.Inputs, Layers: []nn.LayerSpec{
		{Units: tr.Hidden, Activation: activation.Spec{Name: activation.NameTanh}},
		{Kind: nn.KindBatchNorm},
		{Units: tr.Outputs, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	x, y := tensor.FromRows(tr.X), tensor.FromRows(tr.Y)
	net, worstLoss, worstParam := stepLikeTorch(t, spec, tr.Init, tr.Final, x, y, tr.LR, tr.Losses)
	bufs := net.Buffers()
	worstStats := math.Max(worst(bufs[0].Value.Data, tr.RunningMean), worst(bufs[1].Value.Data, tr.RunningVar))
	net.SetTraining(false)
	worstEval := maxRelErr(net.Forward(x).Data, tr.Eval)
	t.Logf("after %d steps, worst relative differences: losses %.2e, parameters %.2e, running statistics %.2e, evaluation output %.2e",
		len(tr.Losses), worstLoss, worstParam, worstStats, worstEval)
	for _, e := range []struct {
		what string
		v    float64
	}{{"losses", worstLoss}, {"parameters", worstParam}, {"running statistics", worstStats}, {"evaluation output", worstEval}} {
		if !(e.v <= tolerance) {
			t.Errorf("%s differ from PyTorch %s by %.3g, want ≤ %g", e.what, g.Torch, e.v, tolerance)
		}
	}
}
