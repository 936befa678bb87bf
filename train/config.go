package train

import (
	"fmt"
	"math"
	"strings"

	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
)

// Defaults for the Config fields left at zero.
const (
	DefaultEpochs    = 100
	DefaultBatchSize = 32 // Keras's default; every optimizer but "gd" gets it
	// DefaultDivergeFactor is a million: a loss that has grown a million
	// times past that of the starting weights, random or resumed, is not
	// a run that will recover, while an ordinary run, even one that
	// overshoots at first, stays within a few times its starting loss.
	DefaultDivergeFactor = 1e6
)

// Config says how Fit trains. A zero field means its documented default;
// Fit never writes the defaults back.
type Config struct {
	// Epochs is the number of passes over the training data; 0 means
	// DefaultEpochs.
	Epochs int `json:"epochs,omitempty"`
	// BatchSize is the number of samples per step; 0 means the whole
	// training set for the "gd" optimizer and DefaultBatchSize for the
	// others. A size above the number of samples is cut to it. The last
	// batch of an epoch holds what is left and may be shorter.
	BatchSize int `json:"batch_size,omitempty"`
	// LearningRate is the base rate the schedule starts from; 0 means
	// optim.DefaultLearningRate for the optimizer.
	LearningRate float64 `json:"learning_rate,omitempty"`
	// Optimizer picks the optimizer; the zero value is plain SGD.
	Optimizer optim.Config `json:"optimizer"`
	// Schedule picks the learning-rate schedule; the zero value keeps the
	// rate constant.
	Schedule schedule.Config `json:"schedule"`
	// Seed seeds the shuffling and the validation split.
	Seed uint64 `json:"seed"`
	// NoShuffle keeps the samples in their order instead of shuffling them
	// at the start of every epoch.
	NoShuffle bool `json:"no_shuffle,omitempty"`
	// ValidationSplit, when positive and no validation set is given, is the
	// fraction of the training data held out for validation, drawn from
	// the seed; for classification the split is stratified, each class
	// keeping its share. It must be below 1.
	ValidationSplit float64 `json:"validation_split,omitempty"`
	// Patience, when positive, stops training after that many epochs in a
	// row without improvement of the monitored loss (the validation loss if
	// there is validation data, else the training loss). 0 means no early
	// stopping.
	Patience int `json:"patience,omitempty"`
	// MinDelta is how much the monitored loss must fall below its best to
	// count as an improvement; 0 means any decrease counts.
	MinDelta float64 `json:"min_delta,omitempty"`
	// RestoreBest puts back the weights of the best epoch when training
	// stops early, completes, diverges or is cancelled.
	RestoreBest bool `json:"restore_best,omitempty"`
	// DivergeFactor sets when a finite but exploding loss counts as
	// divergence: an epoch whose monitored loss is more than DivergeFactor
	// times that of the weights Fit started from. 0 means
	// DefaultDivergeFactor; a negative value turns the rule off. (A NaN or
	// infinite loss, weight or optimizer buffer is divergence whatever
	// this says.)
	DivergeFactor float64 `json:"diverge_factor,omitempty"`
	// RecordSteps records the loss and learning rate of every step in
	// History.Steps.
	RecordSteps bool `json:"record_steps,omitempty"`
	// RecordPredictions also records, at every step, the network's output
	// for the batch (before the update), as the tutorial shows. It implies
	// RecordSteps.
	RecordPredictions bool `json:"record_predictions,omitempty"`
	// OptimizerState, when not nil, is restored into the optimizer before
	// the first step, to continue an earlier run (see
	// History.OptimizerState).
	OptimizerState *optim.State `json:"-"`
	// Callbacks are called after every step and every epoch, in order.
	Callbacks []Callback `json:"-"`
}

// settings is a Config with its defaults filled in, for Fit's own use.
type settings struct {
	epochs, batch int
	lr            float64
	divergeFactor float64 // negative: no loss-growth rule
}

// resolve checks c and fills in its defaults for a training set of n
// samples.
func (c Config) resolve(n int) (settings, error) {
	switch {
	case c.Epochs < 0:
		return settings{}, fmt.Errorf("epochs must be ≥ 0, got %d", c.Epochs)
	case c.BatchSize < 0:
		return settings{}, fmt.Errorf("batch size must be ≥ 0, got %d", c.BatchSize)
	case !(c.LearningRate >= 0 && c.LearningRate <= maxFinite):
		return settings{}, fmt.Errorf("learning rate must be a finite number ≥ 0, got %g", c.LearningRate)
	case !(c.ValidationSplit >= 0 && c.ValidationSplit < 1):
		return settings{}, fmt.Errorf("validation split must be in [0, 1), got %g", c.ValidationSplit)
	case c.Patience < 0:
		return settings{}, fmt.Errorf("patience must be ≥ 0, got %d", c.Patience)
	case !(c.MinDelta >= 0 && c.MinDelta <= maxFinite):
		return settings{}, fmt.Errorf("min delta must be a finite number ≥ 0, got %g", c.MinDelta)
	case math.IsNaN(c.DivergeFactor) || math.IsInf(c.DivergeFactor, 0) || (c.DivergeFactor > 0 && c.DivergeFactor <= 1):
		return settings{}, fmt.Errorf("diverge factor must be a finite number above 1 (or 0 for the default, negative for none), got %g", c.DivergeFactor)
	}
	if err := c.Optimizer.Validate(); err != nil {
		return settings{}, err
	}
	s := settings{epochs: c.Epochs, batch: c.BatchSize, lr: c.LearningRate, divergeFactor: c.DivergeFactor}
	if s.divergeFactor == 0 {
		s.divergeFactor = DefaultDivergeFactor
	}
	if s.epochs == 0 {
		s.epochs = DefaultEpochs
	}
	if s.batch == 0 {
		s.batch = DefaultBatchSize
		if strings.EqualFold(strings.TrimSpace(c.Optimizer.Name), optim.NameGD) {
			s.batch = n
		}
	}
	s.batch = max(1, min(s.batch, n))
	if s.lr == 0 {
		s.lr = optim.DefaultLearningRate(c.Optimizer.Name)
	}
	return s, nil
}

// maxFinite is the largest float64; anything above it is +Inf.
const maxFinite = 1.7976931348623157e308
