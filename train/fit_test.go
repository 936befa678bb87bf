package train_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/train"
)

// mlp returns inputs-h₁-…-outputs with tanh hidden layers and a linear
// output.
func mlp(inputs, outputs int, hidden ...int) nn.Spec {
	s := nn.Spec{Inputs: inputs}
	for _, h := range hidden {
		s.Layers = append(s.Layers, nn.LayerSpec{Units: h, Activation: activation.Spec{Name: activation.NameTanh}})
	}
	s.Layers = append(s.Layers, nn.LayerSpec{Units: outputs, Activation: activation.Spec{Name: activation.NameIdentity}})
	return s
}

func newNet(spec nn.Spec, seed uint64) *nn.Network[float64] {
	return nn.MustNew[float64](spec, rand.New(rand.NewPCG(seed, seed)))
}

// snapshot copies every weight of net.
func snapshot(net *nn.Network[float64]) [][]float64 {
	var s [][]float64
	for _, p := range net.Params() {
		s = append(s, append([]float64(nil), p.Value.Values()...))
	}
	return s
}

// sameBits reports whether two snapshots agree bit for bit.
func sameBits(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
				return false
			}
		}
	}
	return true
}

// standardize rescales every feature of d to mean 0 and standard deviation
// 1 in place.
func standardize(d *data.Dataset) {
	n := float64(d.Len())
	for j := range d.X.Cols {
		var mean, sq float64
		for i := range d.Len() {
			mean += d.X.At(i, j)
		}
		mean /= n
		for i := range d.Len() {
			sq += (d.X.At(i, j) - mean) * (d.X.At(i, j) - mean)
		}
		std := math.Sqrt(sq / n)
		for i := range d.Len() {
			d.X.Set(i, j, (d.X.At(i, j)-mean)/std)
		}
	}
}

func TestXOR(t *testing.T) {
	net := newNet(mlp(2, 2, 4), 7)
	h, err := train.Fit(context.Background(), net, loss.SoftmaxCrossEntropy[float64]{}, datasets.XOR(), nil, train.Config{
		Epochs: 300, LearningRate: 0.05, Optimizer: optim.Config{Name: "adam"}, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	last := h.Last()
	t.Logf("XOR: accuracy %v, loss %.3g after %d epochs", last.Train.Accuracy, last.Train.Loss, last.Epoch)
	if last.Train.Accuracy != 1 || h.Stop != train.Completed || h.Iterations != 300*1 {
		t.Errorf("XOR: accuracy %v, stop %v, %d iterations; want 1, completed, 300", last.Train.Accuracy, h.Stop, h.Iterations)
	}
}

// TestIris is the reference classification run: a 4-16-3 network on the
// standardised iris data, 20% held out (stratified), Adam.
func TestIris(t *testing.T) {
	iris, err := datasets.Iris()
	if err != nil {
		t.Fatal(err)
	}
	standardize(iris)
	net := newNet(mlp(4, 3, 16), 1)
	h, err := train.Fit(context.Background(), net, loss.SoftmaxCrossEntropy[float64]{}, iris, nil, train.Config{
		Epochs: 100, BatchSize: 16, LearningRate: 0.01, Optimizer: optim.Config{Name: "adam"},
		Seed: 1, ValidationSplit: 0.2,
	})
	if err != nil {
		t.Fatal(err)
	}
	last := h.Last()
	t.Logf("iris: validation accuracy %.4f (loss %.4f), training accuracy %.4f", last.Val.Accuracy, last.Val.Loss, last.Train.Accuracy)
	if last.Val.Accuracy < 0.95 {
		t.Errorf("iris validation accuracy %.4f, want ≥ 0.95", last.Val.Accuracy)
	}
}

// TestSin is the reference regression run: sin(x) on [−π, π] to an MSE
// below 1e-3.
func TestSin(t *testing.T) {
	d := datasets.Sin(256, 0, rand.New(rand.NewPCG(2, 2)))
	net := newNet(mlp(1, 1, 16, 16), 3)
	h, err := train.Fit(context.Background(), net, loss.MSE[float64]{}, d, nil, train.Config{
		Epochs: 300, BatchSize: 32, LearningRate: 0.01, Optimizer: optim.Config{Name: "adam"},
		Schedule: schedule.Config{Name: "cosine"}, Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	last := h.Last()
	t.Logf("sin: MSE %.3g, R² %.6f", last.Train.MSE, last.Train.R2)
	if last.Train.MSE >= 1e-3 {
		t.Errorf("sin MSE %.3g, want < 1e-3", last.Train.MSE)
	}
}

// epochSnapshots is a callback that keeps the weights at the end of every
// epoch, snaps[e] for epoch e (snaps[0] the starting weights).
type epochSnapshots struct {
	net   *nn.Network[float64]
	snaps [][][]float64
}

func (s *epochSnapshots) OnStep(train.StepEvent) {}
func (s *epochSnapshots) OnEpoch(e train.EpochEvent) {
	if e.Stats.Epoch != len(s.snaps) {
		panic("epochs out of order")
	}
	s.snaps = append(s.snaps, snapshot(s.net))
}

func TestEarlyStopping(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	small, val := datasets.Sin(12, 0.3, rng), datasets.Sin(200, 0.3, rng)
	tests := []struct {
		name string
		cfg  train.Config
		val  *data.Dataset
	}{
		{
			// A noisy dozen samples and a big network: the validation loss
			// bottoms out, then rises as the network learns the noise.
			name: "overfitting",
			cfg: train.Config{Epochs: 3000, BatchSize: 12, LearningRate: 0.01, Optimizer: optim.Config{Name: "adam"},
				Patience: 20, RestoreBest: true, Seed: 3},
			val: val,
		},
		{
			// No epoch can improve on the first by more than MinDelta.
			name: "min delta",
			cfg: train.Config{Epochs: 100, LearningRate: 0.01, Optimizer: optim.Config{Name: "sgd"},
				Patience: 3, MinDelta: 1e9, RestoreBest: true, Seed: 3},
			val: val,
		},
		{
			// Monitored on the training loss when there is no validation.
			name: "training loss",
			cfg: train.Config{Epochs: 100, LearningRate: 0.01, Optimizer: optim.Config{Name: "sgd"},
				Patience: 2, MinDelta: 1e9, RestoreBest: true, Seed: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := newNet(mlp(1, 1, 32, 32), 4)
			snaps := &epochSnapshots{net: net, snaps: [][][]float64{snapshot(net)}}
			tt.cfg.Callbacks = []train.Callback{snaps}
			h, err := train.Fit(context.Background(), net, loss.MSE[float64]{}, small, tt.val, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s", tt.name, h.Reason())
			if h.Stop != train.EarlyStopped {
				t.Fatalf("stopped because %v, want early stopping", h.Stop)
			}
			if h.StopEpoch != h.BestEpoch+tt.cfg.Patience || h.StopEpoch >= tt.cfg.Epochs || len(h.Epochs) != h.StopEpoch {
				t.Errorf("stopped at epoch %d with best %d, %d epochs recorded; want best+%d", h.StopEpoch, h.BestEpoch, len(h.Epochs), tt.cfg.Patience)
			}
			if !h.Restored || h.RestoredEpoch != h.BestEpoch {
				t.Errorf("restored %v epoch %d, want the best epoch %d", h.Restored, h.RestoredEpoch, h.BestEpoch)
			}
			if !sameBits(snapshot(net), snaps.snaps[h.BestEpoch]) {
				t.Errorf("weights differ from the snapshot of best epoch %d", h.BestEpoch)
			}
			want := "early stopping at epoch " + itoa(h.StopEpoch) + " with best epoch " + itoa(h.BestEpoch)
			if !strings.HasPrefix(h.Reason(), want) {
				t.Errorf("Reason() = %q, want it to start %q", h.Reason(), want)
			}
			for _, e := range h.Epochs {
				if (e.Val != nil) != (tt.val != nil) {
					t.Fatalf("epoch %d has validation scores %v", e.Epoch, e.Val)
				}
			}
		})
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestCancel(t *testing.T) {
	const stopAfter = 7
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := datasets.Moons(100, 0.1, rand.New(rand.NewPCG(1, 2)))
	net := newNet(mlp(2, 2, 8), 5)
	var atCancel [][]float64
	cb := train.Funcs{Step: func(e train.StepEvent) {
		if e.Iteration == stopAfter {
			atCancel = snapshot(net)
			cancel()
		}
	}}
	h, err := train.Fit(ctx, net, loss.SoftmaxCrossEntropy[float64]{}, d, nil, train.Config{
		Epochs: 50, BatchSize: 10, Optimizer: optim.Config{Name: "adam"}, Callbacks: []train.Callback{cb}, Seed: 1,
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fit returned %v, want context.Canceled", err)
	}
	if h == nil || h.Stop != train.Cancelled || h.Iterations != stopAfter || h.StopEpoch != 1 || h.StopStep != stopAfter {
		t.Fatalf("history %+v, want cancelled at epoch 1, step %d", h, stopAfter)
	}
	if !sameBits(snapshot(net), atCancel) {
		t.Error("weights differ from those after the last completed step")
	}
	if h.OptimizerState == nil || h.OptimizerState.Step != stopAfter {
		t.Errorf("optimizer state %+v, want %d steps", h.OptimizerState, stopAfter)
	}
	if !strings.Contains(err.Error(), "cancelled at epoch 1, step 7") {
		t.Errorf("error %q does not say where it stopped", err)
	}

	// A context cancelled before Fit starts takes no step.
	before := snapshot(net)
	h, err = train.Fit(ctx, net, loss.SoftmaxCrossEntropy[float64]{}, d, nil, train.Config{Epochs: 5})
	if !errors.Is(err, context.Canceled) || h.Iterations != 0 || !sameBits(snapshot(net), before) {
		t.Errorf("pre-cancelled Fit: %v after %d steps", err, h.Iterations)
	}
}

// TestCancelRestoresBest cancels runs with RestoreBest, between epochs
// and within one, and checks that the best epoch's weights are put back
// and the history says which epoch they are, so a caller saving them can
// save that epoch's scores with them.
func TestCancelRestoresBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	small, val := datasets.Sin(12, 0.3, rng), datasets.Sin(200, 0.3, rng)
	tests := []struct {
		name string
		// cancelAt says, after each epoch, whether to cancel: at once
		// (between epochs) or after the next step (within an epoch).
		cancelAt     func(e train.EpochEvent) bool
		withinEpoch  bool
		wantRestored bool
	}{
		{"between epochs, after a worse epoch", func(e train.EpochEvent) bool { return e.Stats.Epoch > 3 && !e.Best }, false, true},
		{"within an epoch", func(e train.EpochEvent) bool { return e.Stats.Epoch > 3 && !e.Best }, true, true},
		{"within an epoch after the best", func(e train.EpochEvent) bool { return e.Stats.Epoch > 3 && e.Best }, true, true},
		{"between epochs, after the best", func(e train.EpochEvent) bool { return e.Stats.Epoch > 3 && e.Best }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			net := newNet(mlp(1, 1, 32, 32), 4)
			snaps := &epochSnapshots{net: net, snaps: [][][]float64{snapshot(net)}}
			armed := false
			cb := train.Funcs{
				Step: func(train.StepEvent) {
					if armed {
						cancel()
					}
				},
				Epoch: func(e train.EpochEvent) {
					if !armed && tt.cancelAt(e) {
						if armed = true; !tt.withinEpoch {
							cancel()
						}
					}
				},
			}
			cfg := train.Config{Epochs: 3000, BatchSize: 4, LearningRate: 0.01, Optimizer: optim.Config{Name: "adam"},
				RestoreBest: true, Seed: 3, Callbacks: []train.Callback{snaps, cb}}
			h, err := train.Fit(ctx, net, loss.MSE[float64]{}, small, val, cfg)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Fit returned %v, want context.Canceled", err)
			}
			t.Logf("%s", h.Reason())
			wantStep := 0
			if tt.withinEpoch {
				wantStep = 1
			}
			if h.StopStep != wantStep {
				t.Errorf("stopped at step %d, want %d", h.StopStep, wantStep)
			}
			if h.Restored != tt.wantRestored || (h.Restored && h.RestoredEpoch != h.BestEpoch) {
				t.Errorf("restored %v epoch %d, want %v with the best epoch %d", h.Restored, h.RestoredEpoch, tt.wantRestored, h.BestEpoch)
			}
			if !sameBits(snapshot(net), snaps.snaps[h.BestEpoch]) {
				t.Errorf("weights differ from those of the best epoch %d (stopped at %d)", h.BestEpoch, h.StopEpoch)
			}
		})
	}
}

func TestDivergence(t *testing.T) {
	d := datasets.Sin(64, 0, rand.New(rand.NewPCG(3, 4)))
	tests := []struct {
		name string
		cfg  train.Config
	}{
		{"sgd", train.Config{Epochs: 20, BatchSize: 8, LearningRate: 1e6, Seed: 1}},
		// Without the loss-growth rule, the weights themselves overflow
		// after some epochs.
		{"momentum, after some epochs", train.Config{Epochs: 50, BatchSize: 8, LearningRate: 2, Optimizer: optim.Config{Name: "momentum"}, Seed: 1, DivergeFactor: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := newNet(mlp(1, 1, 16), 6)
			snaps := &epochSnapshots{net: net, snaps: [][][]float64{snapshot(net)}}
			tt.cfg.Callbacks = []train.Callback{snaps}
			h, err := train.Fit(context.Background(), net, loss.MSE[float64]{}, d, nil, tt.cfg)
			var de *train.DivergenceError
			if !errors.As(err, &de) {
				t.Fatalf("Fit returned %v, want a *DivergenceError", err)
			}
			t.Logf("%v", err)
			wantMsg := "diverged at epoch " + itoa(de.Epoch) + ", step " + itoa(de.Step) + ": "
			if !strings.HasPrefix(err.Error(), wantMsg) || !strings.Contains(err.Error(), "probably too high for "+de.Optimizer+" — try") {
				t.Errorf("error %q, want it to start %q and suggest a rate", err, wantMsg)
			}
			if h.Stop != train.Diverged || h.StopEpoch != de.Epoch || h.StopStep != de.Step || h.OptimizerState != nil {
				t.Errorf("history says %v at %d/%d, want diverged at %d/%d", h.Stop, h.StopEpoch, h.StopStep, de.Epoch, de.Step)
			}
			for _, p := range net.Params() {
				for _, w := range p.Value.Values() {
					if math.IsNaN(w) || math.IsInf(w, 0) {
						t.Fatalf("%s holds %v after divergence", p.Name, w)
					}
				}
			}
			if want := snaps.snaps[de.Epoch-1]; !h.Restored || h.RestoredEpoch != de.Epoch-1 || !sameBits(snapshot(net), want) {
				t.Errorf("weights not restored to the end of epoch %d", de.Epoch-1)
			}
		})
	}
}

// TestAdamDivergence reproduces issue 17's run (sin, Adam at 1e6, 16
// float32 units, a validation split): the weights stayed finite while
// Adam's second moment overflowed to +Inf and the loss reached 1e13, and
// Fit reported a completed run. Each rule alone must now stop it, name
// the optimizer, suggest Adam's default rate and put back finite weights
// from before the blow-up.
func TestAdamDivergence(t *testing.T) {
	d := datasets.Sin(100, 0.1, rand.New(rand.NewPCG(1, 1)))
	tests := []struct {
		name   string
		factor float64
		want   string
	}{
		// The loss rule is checked first.
		{"by default", 0, "the validation loss"},
		{"the moments alone", -1, "adam's second moment of layer1.weight is +Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := mlp(1, 1, 16)
			spec.Layers[0].Activation = activation.Spec{Name: activation.NameReLU} // as the CLI's default
			net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 1)))
			cfg := train.Config{Epochs: 50, LearningRate: 1e6, Optimizer: optim.Config{Name: optim.NameAdam},
				ValidationSplit: 0.2, RestoreBest: true, Seed: 1, DivergeFactor: tt.factor}
			h, err := train.Fit(context.Background(), net, loss.MSE[float32]{}, d, nil, cfg)
			var de *train.DivergenceError
			if !errors.As(err, &de) {
				t.Fatalf("Fit returned %v after %d epochs (%s), want a *DivergenceError", err, len(h.Epochs), h.Reason())
			}
			t.Logf("%v", err)
			if !strings.Contains(de.Problem, tt.want) {
				t.Errorf("problem %q, want it to say %q", de.Problem, tt.want)
			}
			if de.Optimizer != optim.NameAdam || de.Suggested != optim.DefaultLearningRate(optim.NameAdam) {
				t.Errorf("optimizer %q, suggested rate %g; want adam and %g", de.Optimizer, de.Suggested, optim.DefaultLearningRate(optim.NameAdam))
			}
			if h.Stop != train.Diverged || !h.Restored {
				t.Errorf("history: %s, want diverged with weights restored", h.Reason())
			}
			for _, p := range net.Params() {
				for _, w := range p.Value.Values() {
					if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
						t.Fatalf("%s holds %v after divergence", p.Name, w)
					}
				}
			}
		})
	}
}

// TestLegitRunsDoNotDiverge runs ordinary fits, then fits again from
// their small final loss, and checks that the loss-growth rule leaves
// them alone.
func TestLegitRunsDoNotDiverge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	sin := datasets.Sin(64, 0, rng)
	tests := []struct {
		name string
		cfg  train.Config
	}{
		{"sgd at 0.1", train.Config{Epochs: 100, BatchSize: 8, LearningRate: 0.1, Seed: 1}},
		{"adam at 0.05", train.Config{Epochs: 100, BatchSize: 8, LearningRate: 0.05, Optimizer: optim.Config{Name: optim.NameAdam}, Seed: 1}},
		{"momentum at 0.1", train.Config{Epochs: 100, BatchSize: 8, LearningRate: 0.1, Optimizer: optim.Config{Name: optim.NameMomentum}, Seed: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := newNet(mlp(1, 1, 16), 6)
			h, err := train.Fit(context.Background(), net, loss.MSE[float64]{}, sin, nil, tt.cfg)
			if err != nil {
				t.Fatalf("%v (%s)", err, h.Reason())
			}
			// Fitting again from the fitted weights, whose loss is small,
			// must not trip the rule either.
			tt.cfg.OptimizerState = h.OptimizerState
			if h, err = train.Fit(context.Background(), net, loss.MSE[float64]{}, sin, nil, tt.cfg); err != nil {
				t.Fatalf("refit: %v (%s)", err, h.Reason())
			}
		})
	}
}

// TestDeterminism trains twice, with GOMAXPROCS 1 and 2, and compares every
// weight bit and the whole history. The hidden layer is wide enough that
// the kernels split its products across goroutines when they can.
func TestDeterminism(t *testing.T) {
	d := datasets.Moons(512, 0.2, rand.New(rand.NewPCG(5, 6)))
	run := func(procs int) ([][]float64, []byte) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		net := newNet(mlp(2, 2, 128, 128), 8)
		h, err := train.Fit(context.Background(), net, loss.SoftmaxCrossEntropy[float64]{}, d, nil, train.Config{
			Epochs: 3, BatchSize: 128, Optimizer: optim.Config{Name: "adam"}, Seed: 42, ValidationSplit: 0.25, RecordSteps: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		// JSON writes each float64 in the shortest form that reads back to
		// the same bits, so equal text means equal values.
		js, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		return snapshot(net), js
	}
	w1, h1 := run(1)
	w2, h2 := run(2)
	if !sameBits(w1, w2) {
		t.Error("weights differ between GOMAXPROCS 1 and 2")
	}
	if string(h1) != string(h2) {
		t.Errorf("histories differ:\n%s\n%s", h1, h2)
	}
}

// TestWarmStart checks that two runs of 10 epochs, the second continuing
// from the first's optimizer state, end where one run of 20 does.
func TestWarmStart(t *testing.T) {
	d := datasets.Moons(40, 0.1, rand.New(rand.NewPCG(1, 1)))
	cfg := train.Config{Epochs: 20, Optimizer: optim.Config{Name: "adam"}, BatchSize: 40, NoShuffle: true}
	l := loss.SoftmaxCrossEntropy[float64]{}
	once := newNet(mlp(2, 2, 6), 3)
	if _, err := train.Fit(context.Background(), once, l, d, nil, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Epochs = 10
	twice := newNet(mlp(2, 2, 6), 3)
	h, err := train.Fit(context.Background(), twice, l, d, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	fresh := twice.Clone()
	cfg.OptimizerState = h.OptimizerState
	if _, err := train.Fit(context.Background(), twice, l, d, nil, cfg); err != nil {
		t.Fatal(err)
	}
	if !sameBits(snapshot(once), snapshot(twice)) {
		t.Error("10+10 epochs with the saved optimizer state differ from 20 epochs")
	}
	cfg.OptimizerState = nil
	if _, err := train.Fit(context.Background(), fresh, l, d, nil, cfg); err != nil {
		t.Fatal(err)
	}
	if sameBits(snapshot(once), snapshot(fresh)) {
		t.Error("continuing without the optimizer state gave the same weights; the state made no difference")
	}
}

// TestTutorialSteps trains the tutorial's one-sample network with
// per-step records.
func TestTutorialSteps(t *testing.T) {
	spec := nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1, NoBias: true}}} // sigmoid
	net := newNet(spec, 1)
	h, err := train.Fit(context.Background(), net, loss.SquaredError[float64]{}, datasets.Point(), nil, train.Config{
		Epochs: 5, LearningRate: 0.5, Optimizer: optim.Config{Name: "gd"}, RecordPredictions: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Steps) != 5 {
		t.Fatalf("%d steps recorded, want 5", len(h.Steps))
	}
	for i, s := range h.Steps {
		if len(s.Prediction) != 1 || s.Iteration != i+1 || s.Epoch != i+1 || s.Step != 1 || s.LearningRate != 0.5 {
			t.Fatalf("step %d recorded as %+v", i, s)
		}
		if got, want := s.Loss, (s.Prediction[0]-0.3)*(s.Prediction[0]-0.3); math.Abs(got-want) > 1e-15 {
			t.Errorf("step %d: loss %v, want (prediction − 0.3)² = %v", i, got, want)
		}
		if i > 0 && s.Loss >= h.Steps[i-1].Loss {
			t.Errorf("loss rose from %v to %v at step %d", h.Steps[i-1].Loss, s.Loss, i+1)
		}
	}
}

func TestFitErrors(t *testing.T) {
	d := datasets.XOR()
	tests := []struct {
		name string
		cfg  train.Config
		data *data.Dataset
		spec nn.Spec
		want string
	}{
		{"negative epochs", train.Config{Epochs: -1}, d, mlp(2, 2, 3), "epochs"},
		{"negative batch", train.Config{BatchSize: -4}, d, mlp(2, 2, 3), "batch size"},
		{"NaN rate", train.Config{LearningRate: math.NaN()}, d, mlp(2, 2, 3), "learning rate"},
		{"split of 1", train.Config{ValidationSplit: 1}, d, mlp(2, 2, 3), "validation split"},
		{"unknown optimizer", train.Config{Optimizer: optim.Config{Name: "lion"}}, d, mlp(2, 2, 3), `unknown optimizer "lion"`},
		{"unknown schedule", train.Config{Schedule: schedule.Config{Name: "warm"}}, d, mlp(2, 2, 3), `unknown schedule "warm"`},
		{"bad state", train.Config{OptimizerState: &optim.State{Name: "adam"}}, d, mlp(2, 2, 3), "optimizer state"},
		{"inputs", train.Config{}, d, mlp(3, 2, 3), "2 features but the network takes 3 inputs"},
		{"outputs", train.Config{}, d, mlp(2, 1, 3), "2 target columns but the network has 1 outputs"},
		{"diverge factor of 1", train.Config{DivergeFactor: 1}, d, mlp(2, 2, 3), "diverge factor"},
		{"NaN diverge factor", train.Config{DivergeFactor: math.NaN()}, d, mlp(2, 2, 3), "diverge factor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(tt.cfg)
			_, err := train.Fit(context.Background(), newNet(tt.spec, 1), loss.MSE[float64]{}, tt.data, nil, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
			if after, _ := json.Marshal(tt.cfg); string(after) != string(before) {
				t.Errorf("Fit changed its config from %s to %s", before, after)
			}
		})
	}
}

func TestStopReasonJSON(t *testing.T) {
	for _, r := range []train.StopReason{train.Completed, train.EarlyStopped, train.Cancelled, train.Diverged} {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var got train.StopReason
		if err := json.Unmarshal(b, &got); err != nil || got != r {
			t.Errorf("%v → %s → %v, %v", r, b, got, err)
		}
	}
}
