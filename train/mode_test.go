package train_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

// probe is an identity layer that counts its forward passes by mode and
// keeps, as saved state, the number of training passes it has seen (as
// batch normalisation's running statistics change with every training
// batch).
type probe struct {
	shape         nn.Shape
	training      bool
	trainF, evalF int
	count         *nn.Param[float64]
	out, dx       tensor.Matrix[float64]
}

func newProbe(n int) *probe {
	return &probe{shape: nn.Shape{n}, training: true,
		count: &nn.Param[float64]{Name: "count", Value: tensor.New[float64](1, 1), Grad: tensor.New[float64](1, 1)}}
}

func (p *probe) Forward(x *tensor.Matrix[float64]) *tensor.Matrix[float64] {
	if p.training {
		p.trainF++
		p.count.Value.Data[0]++
	} else {
		p.evalF++
	}
	p.out.Resize(x.Rows, x.Cols)
	copy(p.out.Data, x.Values())
	return &p.out
}

func (p *probe) Backward(d *tensor.Matrix[float64], inputGrad bool) *tensor.Matrix[float64] {
	if !inputGrad {
		return nil
	}
	p.dx.Resize(d.Rows, d.Cols)
	copy(p.dx.Data, d.Values())
	return &p.dx
}

func (p *probe) Params() []*nn.Param[float64]  { return nil }
func (p *probe) Buffers() []*nn.Param[float64] { return []*nn.Param[float64]{p.count} }
func (p *probe) InShape() nn.Shape             { return p.shape }
func (p *probe) OutShape() nn.Shape            { return p.shape }
func (p *probe) Spec() nn.LayerSpec            { return nn.LayerSpec{Kind: "probe"} }
func (p *probe) Clone() nn.Layer[float64]      { c := *p; return &c }
func (p *probe) SetTraining(training bool)     { p.training = training }

// probeNet returns 2 → probe → 3 identity → 2 with the probe.
func probeNet(t *testing.T) (*nn.Network[float64], *probe) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	d1, err := nn.Build[float64](nn.LayerSpec{Units: 3}, nn.Shape{2}, rng)
	if err != nil {
		t.Fatal(err)
	}
	p := newProbe(3)
	d2, err := nn.Build[float64](nn.LayerSpec{Units: 2}, nn.Shape{3}, rng)
	if err != nil {
		t.Fatal(err)
	}
	return nn.FromLayers(d1, p, d2), p
}

// probeData returns n samples of two features and two one-hot classes.
func probeData(n int) *data.Dataset {
	d := &data.Dataset{X: tensor.New[float64](n, 2), Y: tensor.New[float64](n, 2), Task: data.Classification}
	for i := range n {
		d.X.Set(i, 0, float64(i)/float64(n))
		d.X.Set(i, 1, float64(i%3))
		d.Y.Set(i, i%2, 1)
	}
	return d
}

// TestFitModes checks that Fit takes its steps in training mode, scores
// in evaluation mode (so dropout does not drop while the validation loss
// is measured), and gives the network back in the mode it had.
func TestFitModes(t *testing.T) {
	tests := []struct {
		name     string
		training bool
		split    float64
		// One scoring before the first step, then the training set's and
		// (with a split) the validation set's after each of 2 epochs.
		wantEval int
	}{
		{"training, no validation", true, 0, 1 + 2},
		{"evaluation, no validation", false, 0, 1 + 2},
		{"training, validation", true, 0.2, 1 + 2*2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, p := probeNet(t)
			net.SetTraining(tt.training)
			h, err := train.Fit(context.Background(), net, loss.SoftmaxCrossEntropy[float64]{}, probeData(10), nil, train.Config{
				Epochs: 2, BatchSize: 4, LearningRate: 0.1, Optimizer: optim.Config{Name: "sgd"}, Seed: 1, ValidationSplit: tt.split,
			})
			if err != nil {
				t.Fatal(err)
			}
			if p.trainF != h.Iterations {
				t.Errorf("forward passes in training mode = %d, want one per step (%d)", p.trainF, h.Iterations)
			}
			if p.evalF != tt.wantEval {
				t.Errorf("forward passes in evaluation mode = %d, want %d", p.evalF, tt.wantEval)
			}
			if got := net.Training(); got != tt.training {
				t.Errorf("after Fit, Training() = %v, want %v as before", got, tt.training)
			}
			if p.training != tt.training {
				t.Errorf("after Fit, the layer's mode is training=%v, want %v", p.training, tt.training)
			}
		})
	}
}

// cancelAt cancels the run as step Step of epoch Epoch ends.
type cancelAt struct {
	epoch, step int
	cancel      context.CancelFunc
}

func (c *cancelAt) OnStep(ev train.StepEvent) {
	if ev.Epoch == c.epoch && ev.Step == c.step {
		c.cancel()
	}
}
func (c *cancelAt) OnEpoch(train.EpochEvent) {}

// TestRestoreBestRestoresState checks that putting back the best epoch's
// weights also puts back the saved state of that epoch (batch norm's
// running statistics), which was computed with those weights.
func TestRestoreBestRestoresState(t *testing.T) {
	net, p := probeNet(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// 10 rows in batches of 5: 2 steps an epoch. Cancelled after the first
	// step of epoch 2, the run goes back to epoch 1, the best so far.
	h, err := train.Fit(ctx, net, loss.SoftmaxCrossEntropy[float64]{}, probeData(10), probeData(10), train.Config{
		Epochs: 3, BatchSize: 5, LearningRate: 0.1, Optimizer: optim.Config{Name: "sgd"}, Seed: 1, RestoreBest: true,
		Callbacks: []train.Callback{&cancelAt{epoch: 2, step: 1, cancel: cancel}},
	})
	if err == nil || !h.Restored || h.RestoredEpoch != 1 {
		t.Fatalf("err = %v, restored %v epoch %d; want a cancelled run restored to epoch 1", err, h.Restored, h.RestoredEpoch)
	}
	if got, want := p.count.Value.Data[0], 2.0; got != want {
		t.Errorf("saved state after restoring epoch 1 = %v training passes, want %v (that epoch's)", got, want)
	}
}
