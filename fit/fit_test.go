package fit

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

// quick returns small, fast options for tests.
func quick() Options {
	o := Defaults()
	o.Hidden = []int{16}
	o.Epochs = 40
	o.Patience = 0
	o.Ensemble = 1 // one network: these tests are about what each one does
	return o
}

// linear returns n rows of y = 1000 + 500·x0 − 200·x1 (+ small noise).
func linear(n int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := tensor.New[float64](n, 2)
	y := tensor.New[float64](n, 1)
	for i := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		copy(x.Row(i), []float64{a, b})
		y.Set(i, 0, 1000+500*a-200*b+rng.NormFloat64())
	}
	return &data.Dataset{X: x, Y: y, Task: data.Regression}
}

// TestTargetScaling: a regression target in large units trains on its
// standardised values and the model predicts in the original units, after
// a save and a load too.
func TestTargetScaling(t *testing.T) {
	d := linear(400, 1)
	o := quick()
	o.Hidden = nil // a linear model fits exactly
	o.Epochs = 200
	o.LearningRate = 0.05
	res, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	if m.TargetScaler == nil {
		t.Fatal("no target scaler stored")
	}
	if s := m.TargetScaler.Scale[0]; s < 300 || s > 700 {
		t.Errorf("target scale %v, want about the targets' spread (~540)", s)
	}
	x := tensor.FromRows([][]float64{{0, 0}, {1, 0}, {0, 1}})
	want := []float64{1000, 1500, 800}
	path := t.TempDir() + "/m.json"
	if err := model.Save(path, m, model.JSON); err != nil {
		t.Fatal(err)
	}
	loaded, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, mm := range []*model.Model{m, loaded} {
		p, err := mm.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if got := p.At(i, 0); math.Abs(got-w) > 15 {
				t.Errorf("prediction %d = %v, want about %v", i, got, w)
			}
		}
	}
	if r2 := m.Metrics["val_r2"]; r2 < 0.99 {
		t.Errorf("val_r2 = %v, want > 0.99", r2)
	}
}

// TestDeterministic: the same seed gives the same model bit for bit, at one
// and at two threads; another seed gives another.
func TestDeterministic(t *testing.T) {
	d := linear(200, 2)
	run := func(seed uint64, procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		o := quick()
		o.Seed = seed
		res, err := Train(context.Background(), d, nil, o)
		if err != nil {
			t.Fatal(err)
		}
		var all []float64
		for _, p := range res.Model.Params {
			all = append(all, p.Values...)
		}
		return all
	}
	a, b, c := run(3, 1), run(3, 2), run(4, 2)
	if !slices.Equal(a, b) {
		t.Error("seed 3 gave different weights at GOMAXPROCS 1 and 2")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 3 and 4 gave the same weights")
	}
}

// TestRefit: the refit trains on every row for the epoch the selection run
// chose, and keeps the selection run's validation scores.
func TestRefit(t *testing.T) {
	d := linear(200, 3)
	var epochs []int // epochs seen by the callback, per run
	o := quick()
	o.Callbacks = []train.Callback{train.Funcs{Epoch: func(ev train.EpochEvent) {
		if ev.Stats.Epoch == 1 {
			epochs = append(epochs, 0)
		}
		epochs[len(epochs)-1]++
	}}}
	res, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Refit == nil || res.BestEpoch < 1 {
		t.Fatalf("refit %v, best epoch %d: want a refit", res.Refit != nil, res.BestEpoch)
	}
	if len(epochs) != 2 || epochs[0] != o.Epochs || epochs[1] != res.BestEpoch {
		t.Errorf("epochs per run %v, want [%d %d]", epochs, o.Epochs, res.BestEpoch)
	}
	if got := res.Model.Metrics["best_epoch"]; got != float64(res.BestEpoch) {
		t.Errorf("best_epoch metric %v, want %d", got, res.BestEpoch)
	}
	sel := res.Selection.Epochs[res.BestEpoch-1].Val
	if got := res.Model.Metrics["val_loss"]; got != sel.Loss {
		t.Errorf("val_loss %v, want the selection run's %v", got, sel.Loss)
	}
	o.Refit = false
	res2, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Refit != nil {
		t.Error("refit ran with Refit false")
	}
}

// TestChanceWarning: labels that the features cannot predict give a warning
// that names the cause.
func TestChanceWarning(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 200
	x := tensor.New[float64](n, 2)
	y := tensor.New[float64](n, 2)
	for i := range n {
		copy(x.Row(i), []float64{rng.NormFloat64(), rng.NormFloat64()})
		c := 0
		if i%4 == 0 {
			c = 1
		}
		y.Set(i, c, 1)
	}
	o := quick()
	res, err := Train(context.Background(), &data.Dataset{X: x, Y: y, Task: data.Classification}, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "chance level") {
		t.Errorf("warnings %q, want one about chance level", res.Warnings)
	}
}

// TestInterrupted: a cancelled run returns the best model so far.
func TestInterrupted(t *testing.T) {
	d := linear(200, 4)
	ctx, cancel := context.WithCancel(context.Background())
	o := quick()
	o.Callbacks = []train.Callback{train.Funcs{Epoch: func(ev train.EpochEvent) {
		if ev.Stats.Epoch == 5 {
			cancel()
		}
	}}}
	res, err := Train(ctx, d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Model == nil || res.Refit != nil {
		t.Fatalf("interrupted %v, model %v, refit %v: want the selection run's best model", res.Interrupted, res.Model != nil, res.Refit != nil)
	}
	if e := res.Model.Metrics["epoch"]; e < 1 || e > 5 {
		t.Errorf("metrics of epoch %v, want one of the 5 that ran", e)
	}
}

// TestOptionsRefused: settings that cannot work are errors, not panics.
func TestOptionsRefused(t *testing.T) {
	d := linear(50, 5)
	for _, tt := range []struct {
		name string
		set  func(*Options)
		want string
	}{
		{"zero epochs", func(o *Options) { o.Epochs = 0 }, "epochs"},
		{"bad dtype", func(o *Options) { o.DType = "float16" }, "dtype"},
		{"bad split", func(o *Options) { o.ValSplit = 1 }, "validation split"},
		{"bad loss", func(o *Options) { o.Loss = "hinge" }, "hinge"},
		{"bad width", func(o *Options) { o.Hidden = []int{0} }, "hidden"},
		{"bad lr", func(o *Options) { o.LearningRate = math.NaN() }, "learning rate"},
		{"logits loss, sigmoid output", func(o *Options) { o.Loss, o.Output = "bce_logits", "sigmoid" }, "does not fit a sigmoid output"},
		{"bce, identity output", func(o *Options) { o.Loss, o.Output = "bce", "identity" }, "needs probabilities"},
	} {
		o := quick()
		tt.set(&o)
		_, err := Train(context.Background(), d, nil, o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

// TestHuberDeltaStored: the model of a huber run keeps its δ, so eval
// scores with the loss it was trained with.
func TestHuberDeltaStored(t *testing.T) {
	o := quick()
	o.Epochs, o.Loss, o.Delta = 3, "huber", 0.5
	res, err := Train(context.Background(), linear(100, 6), nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Model.LossDelta; got != 0.5 {
		t.Errorf("LossDelta %v, want 0.5", got)
	}
}
