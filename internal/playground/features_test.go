package playground

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/optim"
)

// TestDefaultsLearnEverySet drives the page's default network and
// optimizer on every built-in dataset to a target, by epochs: at the
// page's default pace (5 epochs a frame) 1,000 epochs take a few seconds,
// well within the 30 s a class waits.
func TestDefaultsLearnEverySet(t *testing.T) {
	const epochs = 1000
	for _, tc := range []struct {
		name string
		acc  float64 // test accuracy to reach (classification)
		r2   float64 // test R² to reach (regression)
	}{
		{DatasetQuadrants, 0.95, 0},
		{DatasetSwirl, 0.9, 0},
		{"xor", 0.95, 0},
		{"circles", 0.95, 0},
		{"moons", 0.95, 0},
		{"spiral", 0.9, 0},
		{"blobs", 0.95, 0},
		{"linear", 0.95, 0},
		{"sin", 0, 0.95},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := Defaults()
			st.Dataset = tc.name
			r, err := newRun(st, nil)
			if err != nil {
				t.Fatal(err)
			}
			for r.epoch < epochs {
				r.trainEpochs(50)
				r2, _ := r.regression()
				if tc.acc > 0 && r.accuracy(r.test) >= tc.acc || tc.r2 > 0 && r2 >= tc.r2 {
					t.Logf("%s: target reached at epoch %d", tc.name, r.epoch)
					return
				}
			}
			r2, _ := r.regression()
			t.Errorf("%s after %d epochs: test accuracy %.3f, R² %.3f; want accuracy ≥ %v or R² ≥ %v", tc.name, r.epoch, r.accuracy(r.test), r2, tc.acc, tc.r2)
		})
	}
	// The page gives the tutorial's point its own network (app.js,
	// chooseDataset): one weight, sigmoid, squared error, plain descent.
	st := Defaults()
	st.Dataset, st.Hidden, st.Bias, st.Loss, st.Output = "point", nil, false, loss.NameSquaredError, "sigmoid"
	st.Optimizer, st.LearningRate, st.BatchSize, st.TestRatio = optim.NameGD, 0.5, 1, 0
	r, err := newRun(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The tutorial's single weight learns slowly on purpose (plain
	// descent, one sample); 8,000 epochs are under 30 s at the page's
	// default pace.
	r.trainEpochs(8000)
	if r.trainLoss > 1e-4 {
		t.Errorf("point after 8000 epochs: loss %v, want ≤ 1e-4", r.trainLoss)
	}
}

func TestFeatureCrosses(t *testing.T) {
	st := Defaults()
	st.Features = []string{"sinx1", "x1", "x1x2"} // any order; the page's order is kept
	r, err := newRun(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.net.Inputs(); got != 3 {
		t.Fatalf("network inputs = %d, want 3", got)
	}
	s := &session{r: r}
	state := s.state(false)
	if want := []string{"x1", "x1·x2", "sin(πx1)"}; !slices.Equal(state.Inputs, want) {
		t.Errorf("inputs = %q, want %q", state.Inputs, want)
	}
	raw := r.all.X
	for i := range 5 {
		a, b := raw.At(i, 0), raw.At(i, 1)
		want := []float64{a, a * b, math.Sin(math.Pi * a)}
		// The first samples of the whole set are in train or test.
		row := -1
		for k := range r.train.Len() {
			if r.train.X.At(k, 0) == a && r.train.X.At(k, 1) == a*b {
				row = k
			}
		}
		if row < 0 {
			continue
		}
		if got := r.train.X.Row(row); !slices.Equal(got, want) {
			t.Errorf("sample %d inputs = %v, want %v", i, got, want)
		}
	}
	if got := len(state.View.Inputs); got != 3 {
		t.Errorf("view has %d input maps, want 3", got)
	}
	// An exported model names its inputs as the page does.
	m, err := r.model(time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.FeatureNames, state.Inputs) {
		t.Errorf("exported feature names %q, want %q", m.FeatureNames, state.Inputs)
	}
	// Column names stand in for x1 and x2.
	if got, want := inputNames(chosenFeatures([]string{"x1sq", "x1x2", "sinx2"}), "age", "income"), []string{"age²", "age·income", "sin(πincome)"}; !slices.Equal(got, want) {
		t.Errorf("input names %q, want %q", got, want)
	}
	for _, bad := range [][]string{{"x3"}, {"x1", "x1"}} {
		st.Features = bad
		if err := st.Validate(); err == nil {
			t.Errorf("features %q: no error", bad)
		}
	}
	// A link carries the features, L1 and dropout.
	st = Defaults()
	st.Features, st.L1, st.Dropout = []string{"x1", "x2", "x1sq"}, 0.001, 0.2
	back, err := ParseQuery(st.Query())
	if err != nil || !slices.Equal(back.Features, st.Features) || back.L1 != st.L1 || back.Dropout != st.Dropout {
		t.Errorf("link round trip: %+v, %v", back, err)
	}
}

// TestL1 checks that L1 pulls every weight towards zero by λ₁·sign(w) on
// top of the loss's gradient, as the penalty λ₁·Σ|w| asks.
func TestL1(t *testing.T) {
	weights := func(l1 float64) []float64 {
		st := Defaults()
		st.Optimizer, st.L1 = optim.NameGD, l1
		r, err := newRun(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.trainEpochs(1)
		return r.net.Params()[0].Value.Data
	}
	plain, l1 := weights(0), weights(0.01)
	st := Defaults()
	r, _ := newRun(st, nil)
	start := r.net.Params()[0].Value.Data
	steps := (r.train.Len() + st.BatchSize - 1) / st.BatchSize
	smaller := 0
	for k := range start {
		if math.Abs(l1[k]) < math.Abs(plain[k]) {
			smaller++
		}
	}
	if smaller < len(start)*3/4 {
		t.Errorf("L1 made %d of %d weights smaller in magnitude after %d steps, want most", smaller, len(start), steps)
	}
	if slices.Equal(plain, l1) {
		t.Error("L1 changed nothing")
	}
}

// TestLiveSettings changes the learning rate and the regularisation of a
// run that has trained: the weights and the epoch stay, and training goes
// on with the new values. Any other change, or none, rebuilds the run.
func TestLiveSettings(t *testing.T) {
	s := &session{}
	st := Defaults()
	if err := s.reset(st); err != nil {
		t.Fatal(err)
	}
	s.r.trainEpochs(3)
	before, version := s.r.net.Params()[0].Value.Clone(), s.version
	st.LearningRate, st.L1, st.L2 = 0.01, 0.001, 0.002
	if err := s.reset(st); err != nil {
		t.Fatal(err)
	}
	if s.r.epoch != 3 || s.version != version || !slices.Equal(s.r.net.Params()[0].Value.Data, before.Data) {
		t.Fatalf("a learning-rate change reset the run: epoch %d, version %d→%d", s.r.epoch, version, s.version)
	}
	if s.r.settings.LearningRate != 0.01 || s.r.settings.L1 != 0.001 || s.r.settings.L2 != 0.002 {
		t.Errorf("settings now %+v", s.r.settings)
	}
	s.r.trainEpochs(1)
	if s.r.epoch != 4 {
		t.Errorf("epoch %d after one more, want 4", s.r.epoch)
	}
	for name, mutate := range map[string]func(*Settings){
		"the same settings (reset with the same seed)": func(*Settings) {},
		"the seed":  func(s *Settings) { s.Seed++ },
		"the batch": func(s *Settings) { s.BatchSize++ },
		"lr and the optimizer": func(s *Settings) {
			s.LearningRate, s.Optimizer = 0.1, optim.NameSGD
		},
	} {
		s.r.trainEpochs(1)
		next := s.r.settings
		mutate(&next)
		if err := s.reset(next); err != nil {
			t.Fatal(err)
		}
		if s.r.epoch != 0 {
			t.Errorf("changing %s kept epoch %d, want a new run", name, s.r.epoch)
		}
	}
}

// TestDropout builds a dropout layer after each hidden layer: training
// drops, predicting and drawing do not, and the page sees dense layers only.
func TestDropout(t *testing.T) {
	st := Defaults()
	st.Dropout = 0.2
	r, err := newRun(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(r.net.Layers), 2*len(st.Hidden)+1; got != want {
		t.Fatalf("%d layers, want %d (dense, dropout, dense, dropout, output)", got, want)
	}
	s := &session{r: r}
	state := s.state(false)
	if len(state.Layers) != 3 || len(state.View.Neurons) != 3 {
		t.Errorf("state has %d layers and %d neuron layers, want 3 dense", len(state.Layers), len(state.View.Neurons))
	}
	// Evaluation mode: the same loss twice (no random mask).
	a, _ := r.evaluate()
	b, _ := r.evaluate()
	if a != b {
		t.Errorf("loss %v then %v: predicting drops values", a, b)
	}
	r.trainEpochs(300)
	if acc := r.accuracy(r.test); acc < 0.85 {
		t.Errorf("test accuracy with dropout 0.2 after 300 epochs = %v", acc)
	}
	e, err := r.explain(3, 1, 1, 0)
	if err != nil {
		t.Fatalf("explain with dropout: %v", err)
	}
	if len(e.Step.Layers) != 3 {
		t.Errorf("explained %d layers, want the 3 dense", len(e.Step.Layers))
	}
}

// TestExplainDelta checks the output's own derivative: for softmax with
// cross-entropy and for sigmoid with binary cross-entropy, dE/dsop is
// p − y, and the prediction shown is a probability.
func TestExplainDelta(t *testing.T) {
	for _, tc := range []struct {
		loss, rule string
		outputs    int
	}{
		{"", "softmax + cross-entropy", 2},
		{loss.NameCrossEntropy, "softmax + cross-entropy", 2},
		{loss.NameBCE, "sigmoid + binary cross-entropy", 1},
		{loss.NameBCEWithLogits, "sigmoid + binary cross-entropy", 1},
	} {
		st := Defaults()
		st.Loss = tc.loss
		r, err := newRun(st, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.trainEpochs(2)
		e, err := r.explain(3, 1, 1, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Prediction) != tc.outputs {
			t.Fatalf("%s: prediction %v, want %d values", tc.loss, e.Prediction, tc.outputs)
		}
		sum := 0.0
		for _, p := range e.Prediction {
			if p < 0 || p > 1 {
				t.Errorf("%s: prediction %v is not a probability", tc.loss, e.Prediction)
			}
			sum += p
		}
		if tc.outputs > 1 && math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: probabilities %v sum to %v", tc.loss, e.Prediction, sum)
		}
		if e.Delta == nil || e.Delta.Rule != tc.rule {
			t.Fatalf("%s: delta %+v, want rule %q", tc.loss, e.Delta, tc.rule)
		}
		for k := range e.Delta.P {
			if got, want := e.Delta.DSOP[k], e.Delta.P[k]-e.Delta.Y[k]; math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: dE/dsop[%d] = %v, p − y = %v", tc.loss, k, got, want)
			}
		}
		if e.Samples != r.train.Len() {
			t.Errorf("samples = %d, want %d", e.Samples, r.train.Len())
		}
	}
}

func TestRegressionMetricsAndWarnings(t *testing.T) {
	st := Defaults()
	st.Dataset = "sin"
	r, err := newRun(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.trainEpochs(300)
	r2, rmse := r.regression()
	if !(r2 > 0.9 && r2 <= 1) || !(rmse > 0 && rmse < 0.3) {
		t.Errorf("sin after 300 epochs: R² %v, RMSE %v", r2, rmse)
	}
	// A learning rate far too high kills ReLUs.
	st = Defaults()
	st.Hidden = []Layer{{8, "relu"}, {8, "relu"}}
	st.Optimizer, st.LearningRate = optim.NameSGD, 10
	r, err = newRun(st, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.trainEpochs(5)
	if w := r.warnings(); r.diverged == "" && !containsText(w, "ReLU neurons are dead") {
		t.Errorf("warnings %q, want dead ReLUs", w)
	}
	// Saturated tanh: huge inputs through a network with big weights.
	st = Defaults()
	st.Dataset = "quadrants"
	r, _ = newRun(st, nil)
	for _, p := range r.net.Params() {
		for k := range p.Value.Data {
			p.Value.Data[k] *= 100
		}
	}
	if w := r.warnings(); !containsText(w, "saturated") {
		t.Errorf("warnings %q, want saturated neurons", w)
	}
	// A stalled loss: a learning rate too small to move.
	st = Defaults()
	st.Optimizer, st.LearningRate = optim.NameSGD, 1e-9
	r, _ = newRun(st, nil)
	r.trainEpochs(stallEpochs + 10)
	if w := r.warnings(); !containsText(w, "has not improved") {
		t.Errorf("warnings %q, want a stalled loss", w)
	}
	// A healthy run has none.
	r, _ = newRun(Defaults(), nil)
	r.trainEpochs(50)
	if w := r.warnings(); len(w) != 0 {
		t.Errorf("healthy run warns %q", w)
	}
}

func containsText(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.Contains(x, s) })
}
