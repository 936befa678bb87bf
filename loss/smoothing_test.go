package loss

import (
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/tensor"
)

// torchSmoothedCE is PyTorch's CrossEntropyLoss(label_smoothing=ε) for one
// row of logits and a class index, written the way PyTorch computes it
// (not by mixing the target, as the loss does): (1 − ε)·nll + ε/K·Σⱼ −log pⱼ.
func torchSmoothedCE(z []float64, class int, eps float64) float64 {
	var s float64
	for _, v := range z {
		s += math.Exp(v)
	}
	var all float64
	for _, v := range z {
		all -= math.Log(math.Exp(v) / s)
	}
	return (1-eps)*-math.Log(math.Exp(z[class])/s) + eps/float64(len(z))*all
}

// kerasSmoothedBCE is binary cross-entropy of σ(z) against the smoothed
// target t(1 − ε) + ε/2, on probabilities.
func kerasSmoothedBCE(z, t, eps float64) float64 {
	p := 1 / (1 + math.Exp(-z))
	ts := t*(1-eps) + eps/2
	return -(ts*math.Log(p) + (1-ts)*math.Log(1-p))
}

func TestSmoothingMatchesReference(t *testing.T) {
	z := m([]float64{1, 2, 3}, []float64{0.5, -1.5, 0.25})
	onehot := m([]float64{1, 0, 0}, []float64{0, 0, 1})
	const eps = 0.1
	// Printed by Python's math module from the formula above, as a check
	// on the formula's transcription.
	rows := []float64{2.30760596444438, 0.949266380529074}
	for i, class := range []int{0, 2} {
		if got := torchSmoothedCE(z.Row(i), class, eps); math.Abs(got-rows[i]) > 1e-14 {
			t.Fatalf("reference row %d = %.17g, want %.17g", i, got, rows[i])
		}
	}
	zb := m([]float64{2}, []float64{-0.5})
	yb := m([]float64{1}, []float64{0})
	bceRows := []float64{0.3269280110429725, 0.5240769841801066}
	for i := range bceRows {
		if got := kerasSmoothedBCE(zb.Data[i], yb.Data[i], 0.2); math.Abs(got-bceRows[i]) > 1e-14 {
			t.Fatalf("reference bce row %d = %.17g, want %.17g", i, got, bceRows[i])
		}
	}
	tests := []struct {
		name         string
		l            Loss[float64]
		pred, target *tensor.Matrix[float64]
		want         float64
	}{
		{"softmax_ce/mean", SoftmaxCrossEntropy[float64]{Smoothing: eps}, z, onehot, (rows[0] + rows[1]) / 2},
		{"softmax_ce/sum", SoftmaxCrossEntropy[float64]{Reduction: Sum, Smoothing: eps}, z, onehot, rows[0] + rows[1]},
		{"bce_logits/mean", BCEWithLogits[float64]{Smoothing: 0.2}, zb, yb, (bceRows[0] + bceRows[1]) / 2},
		{"bce_logits/sum", BCEWithLogits[float64]{Reduction: Sum, Smoothing: 0.2}, zb, yb, bceRows[0] + bceRows[1]},
	}
	for _, tt := range tests {
		if got := tt.l.Forward(tt.pred, tt.target); math.Abs(got-tt.want) > 1e-14 {
			t.Errorf("%s = %.17g, want %.17g", tt.name, got, tt.want)
		}
	}
}

func TestSmoothedGradientIsPredictionMinusSmoothedTarget(t *testing.T) {
	z := m([]float64{1, 2, 3})
	onehot := m([]float64{1, 0, 0})
	const eps = 0.3
	g := tensor.New[float64](1, 3)
	SoftmaxCrossEntropy[float64]{Smoothing: eps}.Backward(g, z, onehot)
	var s float64
	for _, v := range z.Data {
		s += math.Exp(v)
	}
	for j, v := range z.Data {
		want := math.Exp(v)/s - ((1-eps)*onehot.Data[j] + eps/3)
		if math.Abs(g.Data[j]-want) > 1e-15 {
			t.Errorf("softmax_ce gradient[%d] = %.17g, want %.17g", j, g.Data[j], want)
		}
	}
	gb := tensor.New[float64](1, 1)
	BCEWithLogits[float64]{Smoothing: eps}.Backward(gb, m([]float64{0.7}), m([]float64{1}))
	if want := 1/(1+math.Exp(-0.7)) - (1 - eps/2); math.Abs(gb.Data[0]-want) > 1e-15 {
		t.Errorf("bce_logits gradient = %.17g, want %.17g", gb.Data[0], want)
	}
}

// The loss code as it was before label smoothing, kept to show that zero
// smoothing changes no bit.
func oldSoftmaxCE(pred, target *tensor.Matrix[float64], r Reduction) (float64, []float64) {
	var s float64
	g := make([]float64, len(pred.Data))
	c := r.scale(pred.Rows)
	for i := 0; i < pred.Rows; i++ {
		z, t := pred.Row(i), target.Row(i)
		mx, lse := logSumExp(z)
		var tsum float64
		for j, tv := range t {
			tsum += tv
			if tv != 0 {
				s += tv * (mx + lse - z[j])
			}
		}
		for j, zv := range z {
			p := math.Exp(zv - mx - lse)
			g[i*pred.Cols+j] = c * (p*tsum - t[j])
		}
	}
	return c * s, g
}

func oldBCEWithLogits(pred, target *tensor.Matrix[float64], r Reduction) (float64, []float64) {
	var s float64
	g := make([]float64, len(pred.Data))
	c := r.scale(pred.Rows)
	for i, z := range pred.Data {
		s += math.Max(z, 0) - z*target.Data[i] + math.Log1p(math.Exp(-math.Abs(z)))
		g[i] = c * (kernel.ScalarSigmoid(z) - target.Data[i])
	}
	return c * s, g
}

func TestZeroSmoothingKeepsBits(t *testing.T) {
	z := m([]float64{0.3, -1.2, 2.0}, []float64{-0.5, 0.1, 0.7}, []float64{40, -3, 1e-3})
	soft := m([]float64{0.2, 0, 0.7}, []float64{1, 0, 0}, []float64{0, 0.5, 0.5})
	for _, r := range []Reduction{Mean, Sum} {
		for name, c := range map[string]struct {
			l   Loss[float64]
			old func(p, t *tensor.Matrix[float64], r Reduction) (float64, []float64)
		}{
			"softmax_ce": {SoftmaxCrossEntropy[float64]{Reduction: r}, oldSoftmaxCE},
			"bce_logits": {BCEWithLogits[float64]{Reduction: r}, oldBCEWithLogits},
		} {
			wantV, wantG := c.old(z, soft, r)
			g := tensor.New[float64](z.Rows, z.Cols)
			c.l.Backward(g, z, soft)
			if got := c.l.Forward(z, soft); got != wantV {
				t.Errorf("%s/%s = %.17g, before smoothing %.17g", name, r, got, wantV)
			}
			for i := range g.Data {
				if g.Data[i] != wantG[i] {
					t.Errorf("%s/%s gradient[%d] = %.17g, before smoothing %.17g", name, r, i, g.Data[i], wantG[i])
				}
			}
		}
	}
}

func TestNewWith(t *testing.T) {
	l, err := NewWith[float64](NameSoftmaxCrossEntropy, Options{Reduction: Sum, Smoothing: 0.1})
	if err != nil || l != (SoftmaxCrossEntropy[float64]{Reduction: Sum, Smoothing: 0.1}) {
		t.Errorf("NewWith(softmax_cross_entropy) = %#v, %v", l, err)
	}
	l, err = NewWith[float64](NameBCEWithLogits, Options{Smoothing: 1})
	if err != nil || l != (BCEWithLogits[float64]{Smoothing: 1}) {
		t.Errorf("NewWith(bce_logits) = %#v, %v", l, err)
	}
	for _, n := range Names() {
		a, errA := New[float64](n, Sum)
		b, errB := NewWith[float64](n, Options{Reduction: Sum})
		if errA != nil || errB != nil || a != b {
			t.Errorf("New(%q) = %#v, %v; NewWith = %#v, %v", n, a, errA, b, errB)
		}
	}
	bad := []struct {
		name      string
		smoothing float64
		want      string
	}{
		{NameMSE, 0.1, "has no label smoothing"},
		{NameCrossEntropy, 0.1, "has no label smoothing"},
		{NameSoftmaxCrossEntropy, -0.1, "outside [0, 1]"},
		{NameBCEWithLogits, 1.5, "outside [0, 1]"},
		{NameBCEWithLogits, math.NaN(), "outside [0, 1]"},
		{"hinge", 0, "unknown loss"},
	}
	for _, tt := range bad {
		if _, err := NewWith[float64](tt.name, Options{Smoothing: tt.smoothing}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewWith(%s, smoothing %v) error %v, want one saying %q", tt.name, tt.smoothing, err, tt.want)
		}
	}
}
