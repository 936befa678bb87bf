package fit

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/train"
)

// Options say how Train builds and trains a model. Start from Defaults,
// which holds the settings measured to work across many tabular data
// sets, and change what you need; every field is used as it is, so a
// zero means zero.
type Options struct {
	// Hidden gives the sizes of the hidden layers; empty means none (a
	// linear or logistic model).
	Hidden []int
	// Layers, when not empty, gives the hidden layers with their kinds
	// (convolution, pooling, batch norm, dropout; see nn.Kinds and
	// nn.ParseLayers) and replaces Hidden. A dense or convolutional layer
	// without an activation gets Activation. The output layer is added
	// after them, as with Hidden.
	Layers []nn.LayerSpec `json:",omitempty"`
	// Activation is the hidden layers' activation, by registry name.
	Activation string
	// Loss is the loss by registry name, or "auto": softmax cross-entropy
	// on logits for classification, mean squared error for regression.
	Loss string
	// Output is the output activation, or "auto" to follow the loss.
	Output string
	// DType is model.Float32 (fast) or model.Float64 (exact).
	DType string

	// Optimizer, LearningRate, Epochs, BatchSize and Schedule are passed
	// to train.Fit (see train.Config). Epochs is the most epochs the
	// selection run trains.
	Optimizer    optim.Config
	LearningRate float64
	Epochs       int
	BatchSize    int
	Schedule     schedule.Config
	// Patience stops the selection run after that many epochs without a
	// better validation loss; 0 trains every epoch.
	Patience int

	// Scale is the feature scaling fitted on the training rows.
	Scale data.ScalerKind
	// ScaleTarget standardises regression targets for training; the model
	// keeps the scaling and predicts in the targets' units.
	ScaleTarget bool
	// LabelSmoothing is ε of the cross-entropies on logits (PyTorch's
	// label_smoothing); 0 means none.
	LabelSmoothing float64
	// Reduction is the loss's reduction over a batch: loss.Mean (the
	// zero value, descent's per-sample mean), loss.MeanAll (PyTorch's
	// reduction="mean"), loss.Sum or loss.SumAll (PyTorch's "sum"); the
	// loss package has the table.
	Reduction loss.Reduction `json:",omitzero"`
	// Delta is the huber loss's δ or smooth_l1's β; 0 means 1, PyTorch's
	// default.
	Delta float64 `json:",omitzero"`

	// ClassWeight weighs the rows of a classification by class (see
	// ClassWeights), on top of the data's own sample weights
	// (data.Dataset.Weights); the zero value weighs every class 1.
	ClassWeight ClassWeights `json:",omitzero"`

	// ValSplit is the fraction of rows held out to choose the epoch
	// (stratified for classification); 0 means no validation: every
	// epoch is trained and the last one kept.
	ValSplit float64
	// SelectByLoss chooses a classifier's epoch by the validation loss
	// alone, as a regression's, rather than by accuracy and then loss.
	SelectByLoss bool `json:",omitzero"`
	// Refit, after the selection run chose its best epoch, trains a new
	// network from the same seed on all rows for that many epochs, along
	// the same learning-rate schedule. The model's validation metrics stay
	// those of the selection run, the only honest estimate.
	Refit bool

	// AltHidden lists other layouts of dense hidden layers for the
	// selection run to try beside Hidden, on the same split; the one
	// whose best epoch scores best on the validation rows (accuracy, then
	// loss, for classification; loss for regression) is kept for the
	// refit and the ensemble. Unused without a validation split, with
	// Layers, Resume or Init.
	AltHidden [][]int `json:",omitempty"`

	// Ensemble, when more than 1, trains that many networks from
	// different seeds (each as the first: on all rows for the chosen
	// number of epochs when refit, else with its own validation) and
	// averages their outputs before the output activation. The members
	// are stored side by side as one wider dense network that computes
	// exactly that average, so the model file holds one network as
	// before. Networks with layers other than dense and dropout, and runs
	// that start from Init, train one member. The validation metrics stay
	// those of the first member.
	Ensemble int `json:",omitzero"`
	// EnsembleRows, when positive, trains the ensemble only on data of at
	// most that many rows and one network on more: an ensemble costs
	// Ensemble times the refit, and helps most where data are few.
	EnsembleRows int `json:",omitzero"`

	// Seed seeds the weights, the split and the shuffling: the same seed
	// and data give the same model, bit for bit.
	Seed uint64
	// DivergeFactor is train.Config.DivergeFactor: how many times the
	// starting loss counts as divergence; 0 means train's default.
	DivergeFactor float64
	// Callbacks watch every step and epoch of both runs.
	Callbacks []train.Callback `json:"-"`
	// RunCallbacks, when not nil, is called as each run starts and returns
	// callbacks for that run alone (a progress bar per run, say).
	RunCallbacks func(Run) []train.Callback `json:"-"`

	// Resume, when not nil, continues the selection run from a checkpoint
	// of it: its weights, optimizer state and scalers; Epochs counts the
	// epochs of both parts. The best epoch is chosen among those run after
	// resuming.
	Resume *model.Checkpoint `json:"-"`
	// Init, when not nil, is a model whose weights training starts from
	// (fine-tuning, or a network imported from PyTorch through ONNX): its
	// architecture replaces Hidden, Activation and Output, and its feature
	// and target scalers replace Scale and ScaleTarget, since its weights
	// expect inputs scaled that way. Its inputs, outputs and task must be
	// the data's. The refit starts from it too.
	Init *model.Model `json:"-"`
	// CheckpointEvery, when positive, calls Checkpoint every that many
	// epochs of the selection run, with everything needed to resume it.
	CheckpointEvery int
	Checkpoint      func(*model.Checkpoint) error `json:"-"`
	// Limits bound the network's size before anything is allocated; zero
	// fields mean nn's defaults.
	Limits nn.Limits `json:"-"`
	// Log, when not nil, receives one line per decision Train makes for
	// the user (task, network, refit) and every warning.
	Log io.Writer `json:"-"`
}

// Run describes one training run of a Train call.
type Run struct {
	// Name is "selection" or "refit".
	Name string
	// Done is the epochs completed before this run started (when resuming),
	// Epochs the epochs it will run at most.
	Done, Epochs int
}

// Defaults returns the default options: one hidden layer of 128 ReLU
// units in float32, Adam with β2 = 0.95 and L2 1e-4, learning rate 0.001
// held for half the epochs and then annealed to zero along a half cosine,
// batches of 64, up to 128 epochs with patience 32, robust feature
// scaling with smooth clipping, standardised regression targets, label
// smoothing 0.1, a stratified 20 % validation split to choose the epoch
// (by validation loss, for classification too), a refit on all rows, and,
// on data of at most 10,000 rows, an ensemble of 8 such networks refit
// from different seeds (stored as one network of 8×128 units). The
// reasons and the measurements behind each value are in the package
// documentation and bench/tabular/README.md.
func Defaults() Options {
	return Options{
		Hidden:         []int{128},
		Ensemble:       8,
		EnsembleRows:   10000,
		Activation:     "relu",
		Loss:           "auto",
		Output:         "auto",
		DType:          model.Float32,
		Optimizer:      optim.Config{Name: optim.NameAdam, Beta2: optim.Float(0.95), Common: optim.Common{L2: 1e-4}},
		LearningRate:   0.001,
		Epochs:         128,
		BatchSize:      64,
		Schedule:       schedule.Config{Name: schedule.NameFlatCosine},
		Patience:       32,
		Scale:          data.Robust,
		ScaleTarget:    true,
		LabelSmoothing: 0.1,
		ValSplit:       0.2,
		SelectByLoss:   true,
		Refit:          true,
		Seed:           1,
	}
}

// Check reports the first setting of o that cannot work, as Train would,
// without any data: a command line can refuse it before reading a file.
func Check(o Options) error { return o.validate() }

// validate reports the first setting that cannot work.
func (o *Options) validate() error {
	for _, h := range o.Hidden {
		if h < 1 {
			return fmt.Errorf("fit: hidden layer size %d: want at least 1", h)
		}
	}
	for _, alt := range o.AltHidden {
		for _, h := range alt {
			if h < 1 {
				return fmt.Errorf("fit: alternative hidden layer size %d: want at least 1", h)
			}
		}
	}
	for i, l := range o.Layers {
		if !slices.Contains(nn.Kinds(), l.KindName()) {
			return fmt.Errorf("fit: layer %d: unknown layer kind %q (known: %s)", i+1, l.Kind, strings.Join(nn.Kinds(), ", "))
		}
		if l.KindName() == nn.KindDense && l.Units < 1 {
			return fmt.Errorf("fit: layer %d: dense layer of %d units: want at least 1", i+1, l.Units)
		}
	}
	switch {
	case o.DType != model.Float32 && o.DType != model.Float64:
		return fmt.Errorf("fit: dtype %q: want %s or %s", o.DType, model.Float32, model.Float64)
	case o.Epochs < 1:
		return fmt.Errorf("fit: epochs %d: want at least 1", o.Epochs)
	case o.BatchSize < 0:
		return fmt.Errorf("fit: batch size %d: want at least 1 (or 0 for the optimizer's default)", o.BatchSize)
	case !(o.LearningRate > 0) || o.LearningRate > 1e6:
		return fmt.Errorf("fit: learning rate %g: want a positive number", o.LearningRate)
	case !(o.ValSplit >= 0 && o.ValSplit < 1):
		return fmt.Errorf("fit: validation split %g: want a fraction in [0, 1)", o.ValSplit)
	case !(o.LabelSmoothing >= 0 && o.LabelSmoothing < 1):
		return fmt.Errorf("fit: label smoothing %g: want a value in [0, 1)", o.LabelSmoothing)
	case o.Scale != data.Robust && o.Scale != data.Standard && o.Scale != data.MinMax && o.Scale != data.NoScaling:
		return fmt.Errorf("fit: unknown scaling %q (want robust, standard, minmax or none)", o.Scale)
	case o.Ensemble < 0 || o.Ensemble > maxEnsemble:
		return fmt.Errorf("fit: ensemble of %d networks: want 0 or 1 (one network) to %d", o.Ensemble, maxEnsemble)
	case o.EnsembleRows < 0:
		return fmt.Errorf("fit: ensemble rows %d: want 0 (any) or more", o.EnsembleRows)
	case o.Patience < 0:
		return fmt.Errorf("fit: patience %d: want 0 (none) or more", o.Patience)
	case o.CheckpointEvery < 0 || (o.CheckpointEvery > 0 && o.Checkpoint == nil):
		return fmt.Errorf("fit: checkpoint every %d epochs: want 0, or a positive count with a Checkpoint function", o.CheckpointEvery)
	case o.Resume != nil && o.Init != nil:
		return fmt.Errorf("fit: a run resumes from a checkpoint or starts from a model's weights, not both")
	case !knownReduction(o.Reduction):
		return fmt.Errorf("fit: unknown reduction %d", int(o.Reduction))
	case !(o.Delta >= 0 && o.Delta <= math.MaxFloat64):
		return fmt.Errorf("fit: delta %g: want a positive number (or 0 for 1)", o.Delta)
	case o.Resume != nil && o.Resume.Epoch >= o.Epochs:
		return fmt.Errorf("fit: the checkpoint already has %s; ask for more than that", plural.Count(o.Resume.Epoch, "epoch"))
	}
	if err := o.ClassWeight.validate(); err != nil {
		return err
	}
	if err := o.Optimizer.Validate(); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	if _, err := schedule.New(o.Schedule); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	return nil
}

// knownReduction reports whether r is one of the loss package's reductions.
func knownReduction(r loss.Reduction) bool {
	back, err := loss.ParseReduction(r.String())
	return err == nil && back == r
}
