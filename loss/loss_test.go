package loss

import (
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

func m(rows ...[]float64) *tensor.Matrix[float64] { return tensor.FromRows(rows) }

func TestValues(t *testing.T) {
	pred := m([]float64{0.5, 0.2}, []float64{0.1, 0.9})
	target := m([]float64{0.3, 0.0}, []float64{0.0, 1.0})
	// Per-sample squared errors: 0.04+0.04 = 0.08 and 0.01+0.01 = 0.02.
	bce := func(p, t float64) float64 { return -(t*math.Log(p) + (1-t)*math.Log(1-p)) }
	bceRows := []float64{bce(0.5, 0.3) + bce(0.2, 0), bce(0.1, 0) + bce(0.9, 1)}
	tests := []struct {
		l    Loss[float64]
		want float64
	}{
		{SquaredError[float64]{Sum}, 0.08 + 0.02},
		{SquaredError[float64]{Mean}, (0.08 + 0.02) / 2},
		{MSE[float64]{Mean}, (0.04 + 0.01) / 2},
		{MSE[float64]{Sum}, 0.04 + 0.01},
		{MAE[float64]{Mean}, (0.2 + 0.1) / 2},
		{BCE[float64]{Mean}, (bceRows[0] + bceRows[1]) / 2},
		{BCE[float64]{Sum}, bceRows[0] + bceRows[1]},
	}
	for _, tt := range tests {
		if got := tt.l.Forward(pred, target); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s = %.17g, want %.17g", tt.l.Name(), got, tt.want)
		}
	}
}

func TestLogitLossesMatchProbabilityLosses(t *testing.T) {
	z := m([]float64{0.3, -1.2, 2.0}, []float64{-0.5, 0.1, 0.7})
	onehot := m([]float64{0, 0, 1}, []float64{1, 0, 0})
	// Softmax cross-entropy equals −log softmax(z)[true class].
	var want float64
	for i := 0; i < 2; i++ {
		row := z.Row(i)
		var s float64
		for _, v := range row {
			s += math.Exp(v)
		}
		for j, tv := range onehot.Row(i) {
			if tv == 1 {
				want -= math.Log(math.Exp(row[j]) / s)
			}
		}
	}
	if got := (SoftmaxCrossEntropy[float64]{Reduction: Sum}).Forward(z, onehot); math.Abs(got-want) > 1e-14 {
		t.Errorf("softmax cross-entropy = %.17g, want %.17g", got, want)
	}
	// BCE on logits equals BCE on σ(z).
	p := z.Clone()
	for i, v := range p.Data {
		p.Data[i] = 1 / (1 + math.Exp(-v))
	}
	targets := m([]float64{1, 0, 0.5}, []float64{0, 1, 1})
	a := (BCEWithLogits[float64]{Reduction: Mean}).Forward(z, targets)
	b := (BCE[float64]{Mean}).Forward(p, targets)
	if math.Abs(a-b) > 1e-14 {
		t.Errorf("bce_logits %.17g, bce on sigmoid %.17g", a, b)
	}
}

func TestStableAtExtremeLogits(t *testing.T) {
	z := m([]float64{1000, -1000})
	onehot := m([]float64{0, 1})
	l := SoftmaxCrossEntropy[float64]{}
	if got := l.Forward(z, onehot); got != 2000 {
		t.Errorf("softmax cross-entropy of a 2000-logit miss = %v, want 2000", got)
	}
	g := tensor.New[float64](1, 2)
	l.Backward(g, z, onehot)
	if g.Data[0] != 1 || g.Data[1] != -1 {
		t.Errorf("gradient %v, want [1 -1]", g.Data)
	}
	b := BCEWithLogits[float64]{}
	if got := b.Forward(m([]float64{-800}), m([]float64{1})); got != 800 {
		t.Errorf("bce_logits(-800, 1) = %v, want 800", got)
	}
	// A saturated probability output gives a large finite loss, never Inf.
	if got := (BCE[float64]{}).Forward(m([]float64{0}), m([]float64{1})); math.IsInf(got, 0) || got < 27 {
		t.Errorf("bce(0, 1) = %v, want a large finite value", got)
	}
}

func TestGradientMatchesFormula(t *testing.T) {
	pred := m([]float64{0.5, 0.2})
	target := m([]float64{0.3, 0.4})
	g := tensor.New[float64](1, 2)
	SquaredError[float64]{Sum}.Backward(g, pred, target)
	if math.Abs(g.Data[0]-0.4) > 1e-15 || math.Abs(g.Data[1]+0.4) > 1e-15 {
		t.Errorf("squared error gradient %v, want 2(p−t) = [0.4 -0.4]", g.Data)
	}
	MAE[float64]{Mean}.Backward(g, pred, pred)
	if g.Data[0] != 0 || g.Data[1] != 0 {
		t.Errorf("MAE gradient at p = t is %v, want 0", g.Data)
	}
}

func TestNew(t *testing.T) {
	for _, n := range Names() {
		l, err := New[float32](n, Sum)
		if err != nil || l.Name() != n {
			t.Errorf("New(%q) = %v, %v", n, l, err)
		}
	}
	if _, err := New[float64]("hinge", Mean); err == nil || !strings.Contains(err.Error(), "known:") {
		t.Errorf("New(hinge) error %v, want a list of known losses", err)
	}
	if _, ok := Loss[float64](SoftmaxCrossEntropy[float64]{}).(Linked); !ok {
		t.Error("softmax cross-entropy does not report its link")
	}
}

func TestHuberValues(t *testing.T) {
	pred := m([]float64{0.5, 3}, []float64{-1, 0})
	target := m([]float64{0, 0}, []float64{0, 0.2})
	// Differences 0.5, 3, −1, −0.2 with δ = β = 1: quadratic except 3.
	huber := []float64{0.125, 2.5, 0.5, 0.02}
	var s float64
	for _, v := range huber {
		s += v
	}
	tests := []struct {
		l    Loss[float64]
		want float64
	}{
		{Huber[float64]{Reduction: Mean}, s / 4},
		{Huber[float64]{Reduction: Sum}, s / 2},
		{Huber[float64]{Reduction: MeanAll}, s / 4},
		{Huber[float64]{Reduction: SumAll}, s},
		{SmoothL1[float64]{Reduction: SumAll}, s},
		// δ = 2: 3 is linear, 2(3 − 1) = 4; smooth L1 with β = 2 is Huber over 2.
		{Huber[float64]{Reduction: SumAll, Delta: 2}, 0.125 + 4 + 0.5 + 0.02},
		{SmoothL1[float64]{Reduction: SumAll, Beta: 2}, (0.125 + 4 + 0.5 + 0.02) / 2},
	}
	for _, tt := range tests {
		if got := tt.l.Forward(pred, target); math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%+v = %.17g, want %.17g", tt.l, got, tt.want)
		}
	}
}

func TestReductionNames(t *testing.T) {
	for _, r := range []Reduction{Mean, Sum, MeanAll, SumAll} {
		got, err := ParseReduction(r.String())
		if err != nil || got != r {
			t.Errorf("ParseReduction(%q) = %v, %v; want %v", r.String(), got, err, r)
		}
	}
	if _, err := ParseReduction("avg"); err == nil || !strings.Contains(err.Error(), "mean_all") {
		t.Errorf("ParseReduction(avg) error %v, want one listing the names", err)
	}
}

func TestDeltaOptions(t *testing.T) {
	tests := []struct {
		name  string
		delta float64
		want  string // "" for no error
	}{
		{NameHuber, 0.5, ""},
		{NameSmoothL1, 0, ""},
		{NameHuber, -1, "want a positive finite number"},
		{NameHuber, math.NaN(), "want a positive finite number"},
		{NameHuber, math.Inf(1), "want a positive finite number"},
		{NameMSE, 0.5, "mse has no delta"},
	}
	for _, tt := range tests {
		_, err := NewWith[float64](tt.name, Options{Delta: tt.delta})
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("NewWith(%s, delta %v) error %v, want %q", tt.name, tt.delta, err, tt.want)
		}
	}
}
