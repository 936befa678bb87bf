package loss

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/tensor"
)

// every returns one loss of each kind, with reduction r, and a prediction
// and target batch on which it is defined.
func every(r Reduction) []struct {
	l            Loss[float64]
	pred, target *tensor.Matrix[float64]
} {
	values := m([]float64{0.5, -0.2, 1.5}, []float64{0.1, 0.9, -1}, []float64{2, 0.3, 0.3}, []float64{-0.7, 0, 0.4})
	probs := m([]float64{0.5, 0.2, 0.9}, []float64{0.1, 0.9, 0.6}, []float64{0.3, 0.3, 0.4}, []float64{0.7, 0.05, 0.25})
	onehot := m([]float64{0, 0, 1}, []float64{1, 0, 0}, []float64{0, 1, 0}, []float64{0, 1, 0})
	return []struct {
		l            Loss[float64]
		pred, target *tensor.Matrix[float64]
	}{
		{SquaredError[float64]{Reduction: r}, values, probs},
		{MSE[float64]{Reduction: r}, values, probs},
		{MAE[float64]{Reduction: r}, values, probs},
		{BCE[float64]{Reduction: r}, probs, onehot},
		{BCEWithLogits[float64]{Reduction: r}, values, probs},
		{BCEWithLogits[float64]{Reduction: r, Smoothing: 0.1}, values, onehot},
		{CrossEntropy[float64]{Reduction: r}, probs, onehot},
		{SoftmaxCrossEntropy[float64]{Reduction: r}, values, onehot},
		{SoftmaxCrossEntropy[float64]{Reduction: r, Smoothing: 0.1}, values, probs},
	}
}

// close reports whether a and b agree to within 1e-15, relative to the
// larger of them (absolute below 1).
func close(a, b float64) bool {
	return math.Abs(a-b) <= 1e-15*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestUnitWeightsEqualUnweighted(t *testing.T) {
	for _, r := range []Reduction{Mean, Sum} {
		for _, c := range every(r) {
			for _, w := range [][]float64{nil, {1, 1, 1, 1}} {
				name := fmt.Sprintf("%s/%s/weights=%v", c.l.Name(), r, w)
				wl := &Weighted[float64]{Loss: c.l, Reduction: r}
				wl.SetWeights(w)
				want, got := c.l.Forward(c.pred, c.target), wl.Forward(c.pred, c.target)
				if !close(got, want) {
					t.Errorf("%s = %.17g, unweighted %.17g", name, got, want)
				}
				wantG := tensor.New[float64](c.pred.Rows, c.pred.Cols)
				gotG := tensor.New[float64](c.pred.Rows, c.pred.Cols)
				c.l.Backward(wantG, c.pred, c.target)
				wl.Backward(gotG, c.pred, c.target)
				for i := range gotG.Data {
					if !close(gotG.Data[i], wantG.Data[i]) {
						t.Errorf("%s gradient[%d] = %.17g, unweighted %.17g", name, i, gotG.Data[i], wantG.Data[i])
					}
				}
			}
		}
	}
}

// Integer weights mean repeating rows: weights 2, 0, 3, 1 give the same
// loss as the unweighted loss of a batch holding row 0 twice, row 2 three
// times and row 3 once, and a gradient whose row i is wᵢ times the
// repeated batch's gradient for one copy.
func TestIntegerWeightsRepeatRows(t *testing.T) {
	w := []float64{2, 0, 3, 1}
	for _, r := range []Reduction{Mean, Sum} {
		for _, c := range every(r) {
			var rp, rt [][]float64
			for i, wi := range w {
				for range int(wi) {
					rp = append(rp, c.pred.Row(i))
					rt = append(rt, c.target.Row(i))
				}
			}
			rpred, rtarget := m(rp...), m(rt...)
			wl := &Weighted[float64]{Loss: c.l, Reduction: r}
			wl.SetWeights(w)
			name := c.l.Name() + "/" + r.String()
			if got, want := wl.Forward(c.pred, c.target), c.l.Forward(rpred, rtarget); !close(got, want) {
				t.Errorf("%s = %.17g, repeated rows %.17g", name, got, want)
			}
			g := tensor.New[float64](c.pred.Rows, c.pred.Cols)
			wl.Backward(g, c.pred, c.target)
			rg := tensor.New[float64](rpred.Rows, rpred.Cols)
			c.l.Backward(rg, rpred, rtarget)
			first := 0 // row of rg holding row i's first copy
			for i, wi := range w {
				for j, got := range g.Row(i) {
					want := 0.0
					if wi > 0 {
						want = wi * rg.At(first, j)
					}
					if !close(got, want) {
						t.Errorf("%s gradient (%d, %d) = %.17g, want %.17g", name, i, j, got, want)
					}
				}
				first += int(wi)
			}
		}
	}
}

func TestWeightedByHand(t *testing.T) {
	pred := m([]float64{1, 2}, []float64{0, 0}, []float64{3, 1})
	target := m([]float64{0, 0}, []float64{1, 1}, []float64{1, 1})
	// MSE per row: (1+4)/2 = 2.5, (1+1)/2 = 1, (4+0)/2 = 2.
	w := []float64{0.5, 2, 1.5}
	sum := 0.5*2.5 + 2*1 + 1.5*2
	tests := []struct {
		r    Reduction
		want float64
	}{
		{Sum, sum},
		{Mean, sum / (0.5 + 2 + 1.5)},
	}
	for _, tt := range tests {
		l := &Weighted[float64]{Loss: MSE[float64]{}, Reduction: tt.r}
		l.SetWeights(w)
		if got := l.Forward(pred, target); !close(got, tt.want) {
			t.Errorf("weighted mse %s = %.17g, want %.17g", tt.r, got, tt.want)
		}
		// The MSE gradient of row i is 2(p − t)/k, times wᵢ (/Σw for the mean).
		g := tensor.New[float64](3, 2)
		l.Backward(g, pred, target)
		for i := range 3 {
			c := w[i]
			if tt.r == Mean {
				c /= 4
			}
			for j := range 2 {
				if want := c * (pred.At(i, j) - target.At(i, j)); !close(g.At(i, j), want) {
					t.Errorf("weighted mse %s gradient (%d, %d) = %.17g, want %.17g", tt.r, i, j, g.At(i, j), want)
				}
			}
		}
	}
}

func TestZeroWeights(t *testing.T) {
	// Row 1's prediction is NaN: with weight 0 it must not reach the
	// loss or the gradient.
	pred := m([]float64{0.3, 0.7}, []float64{math.NaN(), 1})
	target := m([]float64{0, 1}, []float64{1, 0})
	for _, r := range []Reduction{Mean, Sum} {
		l := &Weighted[float64]{Loss: SoftmaxCrossEntropy[float64]{}, Reduction: r}
		for _, w := range [][]float64{{1, 0}, {0, 0}} {
			l.SetWeights(w)
			got := l.Forward(pred, target)
			want := 0.0
			if w[0] == 1 {
				want = SoftmaxCrossEntropy[float64]{}.Forward(m(pred.Row(0)), m(target.Row(0)))
			}
			if got != want {
				t.Errorf("%s with weights %v = %v, want %v", r, w, got, want)
			}
			g := tensor.New[float64](2, 2)
			g.Data[2], g.Data[3] = 7, 7 // stale values must be cleared
			l.Backward(g, pred, target)
			for j, v := range g.Row(1) {
				if v != 0 {
					t.Errorf("%s with weights %v: gradient (1, %d) = %v, want 0", r, w, j, v)
				}
			}
		}
	}
}

func TestSumsCombineOverChunks(t *testing.T) {
	c := every(Mean)[7] // softmax cross-entropy
	w := []float64{0.5, 3, 1, 2}
	l := &Weighted[float64]{Loss: c.l}
	l.SetWeights(w)
	want := l.Forward(c.pred, c.target)
	var s, sw float64
	for _, rows := range [][2]int{{0, 3}, {3, 4}} {
		l.SetWeights(w[rows[0]:rows[1]])
		p := tensor.FromSlice(rows[1]-rows[0], 3, c.pred.Data[rows[0]*3:rows[1]*3])
		y := tensor.FromSlice(rows[1]-rows[0], 3, c.target.Data[rows[0]*3:rows[1]*3])
		a, b := l.Sums(p, y)
		s += a
		sw += b
	}
	if got := s / sw; !close(got, want) {
		t.Errorf("mean from chunked Sums = %.17g, whole batch %.17g", got, want)
	}
}

func TestWeightedDelegates(t *testing.T) {
	l := &Weighted[float32]{Loss: BCEWithLogits[float32]{}}
	if l.Name() != NameBCEWithLogits || l.Link().Name != activation.NameSigmoid {
		t.Errorf("weighted bce_logits: name %q, link %q", l.Name(), l.Link().Name)
	}
	l = &Weighted[float32]{Loss: MSE[float32]{}}
	if l.Name() != NameMSE || l.Link().Name != activation.NameIdentity {
		t.Errorf("weighted mse: name %q, link %q", l.Name(), l.Link().Name)
	}
	if l.Weights() != nil {
		t.Errorf("weights before SetWeights = %v, want nil", l.Weights())
	}
	src := []float64{1, 2}
	l.SetWeights(src)
	src[0] = 9
	if got := l.Weights(); len(got) != 2 || got[0] != 1 {
		t.Errorf("weights %v after the caller changed its slice, want a copy [1 2]", got)
	}
	l.SetWeights(nil)
	if l.Weights() != nil {
		t.Errorf("weights after SetWeights(nil) = %v, want nil", l.Weights())
	}
	l.SetWeights([]float64{})
	if w := l.Weights(); w == nil || len(w) != 0 {
		t.Errorf("weights after SetWeights(empty) = %#v, want empty, not nil", w)
	}
}

func TestBadWeights(t *testing.T) {
	for _, w := range [][]float64{{1, -1}, {math.NaN()}, {math.Inf(1)}} {
		if err := ValidateWeights(w); err == nil || !strings.Contains(err.Error(), "finite and not negative") {
			t.Errorf("ValidateWeights(%v) error %v", w, err)
		}
		if msg := panicked(func() { (&Weighted[float64]{Loss: MSE[float64]{}}).SetWeights(w) }); !strings.HasPrefix(msg, "loss: SetWeights: weight") {
			t.Errorf("SetWeights(%v) panic %q", w, msg)
		}
	}
	if err := ValidateWeights([]float64{0, 1, 1e300}); err != nil {
		t.Errorf("ValidateWeights of good weights: %v", err)
	}
	l := &Weighted[float64]{Loss: MSE[float64]{}}
	l.SetWeights([]float64{1, 2, 3})
	if msg := panicked(func() { l.Forward(m([]float64{1}), m([]float64{1})) }); !strings.Contains(msg, "3 weights for a batch of 1 rows") {
		t.Errorf("Forward with too many weights: panic %q", msg)
	}
}

func panicked(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestWeightedStepAllocatesNothing(t *testing.T) {
	c := every(Mean)[7]
	l := &Weighted[float64]{Loss: c.l}
	w := []float64{1, 2, 3, 4}
	g := tensor.New[float64](c.pred.Rows, c.pred.Cols)
	step := func() {
		l.SetWeights(w)
		l.Forward(c.pred, c.target)
		l.Backward(g, c.pred, c.target)
	}
	step() // the first call sizes the weight buffer
	if n := testing.AllocsPerRun(100, step); n != 0 {
		t.Errorf("a weighted step allocates %v times, want 0", n)
	}
}

func TestBalancedClassWeights(t *testing.T) {
	tests := []struct {
		classes []int
		k       int
		want    []float64
	}{
		// scikit-learn: compute_class_weight("balanced", classes=[0,1], y=[0,0,0,1]) = [2/3, 2].
		{[]int{0, 0, 0, 1}, 2, []float64{4.0 / 6, 2}},
		{[]int{2, 0, 2, 1, 2, 0}, 3, []float64{1, 2, 2.0 / 3}},
		{[]int{0, 0, 2}, 3, []float64{0.5, 0, 1}}, // class 1 has no rows
		{nil, 2, []float64{0, 0}},
	}
	for _, tt := range tests {
		got := BalancedClassWeights(tt.classes, tt.k)
		if len(got) != len(tt.want) {
			t.Fatalf("BalancedClassWeights(%v, %d) = %v, want %v", tt.classes, tt.k, got, tt.want)
		}
		for c := range got {
			if !close(got[c], tt.want[c]) {
				t.Errorf("BalancedClassWeights(%v, %d) = %v, want %v", tt.classes, tt.k, got, tt.want)
				break
			}
		}
	}
	if msg := panicked(func() { BalancedClassWeights([]int{0, 3}, 3) }); !strings.Contains(msg, "row 1 has class 3") {
		t.Errorf("class out of range: panic %q", msg)
	}
}
