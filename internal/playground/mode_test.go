package playground

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/nn"
)

// TestScoresInEvaluationMode checks that the playground scores and
// predicts with the network in evaluation mode, so that dropout does not
// drop while losses and accuracies are measured, and that training mode
// comes back afterwards.
func TestScoresInEvaluationMode(t *testing.T) {
	r, err := newRun(xorDefaults(), nil)
	if err != nil {
		t.Fatal(err)
	}
	spec := r.net.Spec()
	// The same network with a dropout layer after the first: evaluation
	// passes values through it, so the scores must be those of the net
	// without it, and be the same every time.
	withDropout := spec
	withDropout.Layers = append([]nn.LayerSpec{spec.Layers[0], {Kind: nn.KindDropout, Rate: 0.5}}, spec.Layers[1:]...)
	r.net = nn.MustNew[float64](withDropout, rand.New(rand.NewPCG(1, 2)))
	plain := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 2)))
	var values [][]float64
	for _, p := range plain.Params() {
		values = append(values, p.Value.Data)
	}
	if err := r.net.SetParams(values); err != nil {
		t.Fatal(err)
	}
	train1, _ := r.evaluate()
	train2, _ := r.evaluate()
	acc1, acc2 := r.accuracy(r.train), r.accuracy(r.train)
	want := plain.Loss(r.lossFn, r.train.X, r.train.Y)
	if train1 != want || train2 != want {
		t.Errorf("training loss %v then %v, want %v both times (dropout off)", train1, train2, want)
	}
	if acc1 != acc2 || math.IsNaN(acc1) {
		t.Errorf("accuracy %v then %v, want the same", acc1, acc2)
	}
	if !r.net.Training() {
		t.Error("the network stays in evaluation mode after scoring")
	}
	if r.view.Training() {
		t.Error("the view, which only predicts, is in training mode")
	}
}
