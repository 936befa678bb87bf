package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
)

// A weighted step allocates nothing either, once its buffers are sized.
func TestWeightedStepAllocatesNothing(t *testing.T) {
	d := datasets.Moons(10, 0.1, rand.New(rand.NewPCG(1, 1)))
	d.Weights = []float64{1, 2, 0, 1, 3, 1, 1, 0.5, 1, 2}
	net := nn.MustNew[float32](mlp(2, 8, 2), rand.New(rand.NewPCG(2, 2)))
	opt, err := optim.New[float32](optim.Config{Name: "adam"})
	if err != nil {
		t.Fatal(err)
	}
	full, short := []int{0, 1, 2, 3}, []int{8, 9}
	st := newStepper(net, weigh[float32](loss.SoftmaxCrossEntropy[float32]{}), opt, whole(d), len(full))
	st.step(full, 0.01)
	st.step(short, 0.01)
	got := testing.AllocsPerRun(50, func() {
		if _, p := st.step(full, 0.01); p != "" {
			t.Fatal(p)
		}
		st.step(short, 0.01)
	})
	if got != 0 {
		t.Errorf("a weighted step allocates %v times, want 0", got)
	}
}

// Scoring a weighted set in chunks gives the weighted loss of the whole
// set at once, for both reductions, and the weighted metrics are those of
// the set with each row repeated as often as its weight.
func TestWeightedEvaluatorChunks(t *testing.T) {
	n := 2*EvalBatch + 17
	d := datasets.Sin(n, 0.1, rand.New(rand.NewPCG(3, 3)))
	rng := rand.New(rand.NewPCG(5, 5))
	d.Weights = make([]float64, n)
	var rep []int // row i repeated Weights[i] times
	for i := range d.Weights {
		w := rng.IntN(4) // 0 to 3
		d.Weights[i] = float64(w)
		for range w {
			rep = append(rep, i)
		}
	}
	dup := d.Subset(rep)
	dup.Weights = nil
	net := nn.MustNew[float64](mlp(1, 5, 1), rand.New(rand.NewPCG(4, 4)))
	for _, red := range []loss.Reduction{loss.Mean, loss.Sum} {
		inner := loss.MSE[float64]{Reduction: red}
		all := &loss.Weighted[float64]{Loss: inner, Reduction: red}
		all.SetWeights(d.Weights)
		want := all.Forward(net.Forward(d.X), d.Y)
		l := weigh[float64](inner)
		got := newEvaluator(whole(d), l, 1).scores(net, l)
		if math.Abs(got.Loss-want) > 1e-12*math.Abs(want) {
			t.Errorf("reduction %v: chunked weighted loss %v, want %v", red, got.Loss, want)
		}
		ref := newEvaluator(whole(dup), loss.Loss[float64](inner), 1).scores(net, inner)
		if math.Abs(got.Loss-ref.Loss) > 1e-12*math.Abs(ref.Loss) {
			t.Errorf("reduction %v: weighted loss %v, loss of the repeated rows %v", red, got.Loss, ref.Loss)
		}
		if math.Abs(got.MSE-ref.MSE) > 1e-12 || math.Abs(got.R2-ref.R2) > 1e-12 {
			t.Errorf("reduction %v: weighted MSE %v, R² %v; the repeated rows' %v, %v", red, got.MSE, got.R2, ref.MSE, ref.R2)
		}
	}
}
