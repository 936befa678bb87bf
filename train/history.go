package train

import (
	"fmt"

	"github.com/descent-ml/descent/optim"
)

// History is the record of one Fit.
type History struct {
	// Epochs holds one entry per completed epoch.
	Epochs []EpochStats `json:"epochs"`
	// Steps holds one entry per step when Config.RecordSteps or
	// RecordPredictions is set.
	Steps []StepStats `json:"steps,omitempty"`
	// Iterations counts the steps taken.
	Iterations int `json:"iterations"`
	// Monitor names the loss that early stopping and BestEpoch use:
	// "val_loss" or "train_loss".
	Monitor string `json:"monitor"`
	// BestEpoch is the epoch (from 1) with the lowest monitored loss, 0 if
	// none completed.
	BestEpoch int `json:"best_epoch,omitempty"`
	// Stop says why training ended.
	Stop StopReason `json:"stop"`
	// StopEpoch and StopStep locate the end: the last epoch that ran and,
	// for Cancelled and Diverged, the step within it (0 if the epoch had
	// taken no step, or the run was cancelled between epochs).
	StopEpoch int `json:"stop_epoch"`
	StopStep  int `json:"stop_step,omitempty"`
	// Restored is set when Fit put earlier weights back before returning:
	// those saved at the end of epoch RestoredEpoch (0: the weights Fit
	// started with).
	Restored      bool `json:"restored,omitempty"`
	RestoredEpoch int  `json:"restored_epoch,omitempty"`
	// OptimizerState is the optimizer's state at the end, for continuing
	// with Config.OptimizerState; nil after divergence, whose state is not
	// usable.
	OptimizerState *optim.State `json:"optimizer_state,omitempty"`
}

// EpochStats is the record of one epoch, scored with the weights at its
// end.
type EpochStats struct {
	// Epoch counts from 1.
	Epoch int `json:"epoch"`
	// LearningRate is the rate the schedule gave this epoch.
	LearningRate float64 `json:"learning_rate"`
	// Train scores the whole training set.
	Train Scores `json:"train"`
	// Val scores the validation set; nil without one.
	Val *Scores `json:"val,omitempty"`
}

// Scores are a loss and the metrics that suit the task. On a dataset with
// Weights every sample counts as often as its weight says: the loss is the
// weighted mean Σᵢ wᵢ ℓᵢ / Σᵢ wᵢ (or the weighted sum), the accuracy the
// weighted share of samples classified right, and MSE and R² those of the
// sample repeated wᵢ times (scikit-learn's metrics with sample_weight).
// With class weights that give every class of the set the same total
// weight, the accuracy is thus the balanced accuracy, the mean of the
// classes' recalls.
type Scores struct {
	// Loss is the loss over the whole set, reduced as the loss reduces a
	// batch (a mean, or a sum for a loss with Reduction Sum).
	Loss float64 `json:"loss"`
	// Accuracy is the fraction of samples classified right
	// (classification only).
	Accuracy float64 `json:"accuracy,omitempty"`
	// MSE and R2 are the mean squared error and the coefficient of
	// determination over all outputs (regression only).
	MSE float64 `json:"mse,omitempty"`
	R2  float64 `json:"r2,omitempty"`
}

// StepStats is the record of one step.
type StepStats struct {
	// Epoch counts from 1, Step from 1 within the epoch, Iteration from 1
	// over the run.
	Epoch     int `json:"epoch"`
	Step      int `json:"step"`
	Iteration int `json:"iteration"`
	// Loss is the batch's loss before the update.
	Loss float64 `json:"loss"`
	// LearningRate is the rate used for the update.
	LearningRate float64 `json:"learning_rate"`
	// Prediction is the network's output for the batch before the update,
	// row-major, when Config.RecordPredictions is set.
	Prediction []float64 `json:"prediction,omitempty"`
}

// StopReason says why training ended.
type StopReason int

const (
	// Completed means every epoch ran.
	Completed StopReason = iota
	// EarlyStopped means the monitored loss stopped improving.
	EarlyStopped
	// Cancelled means the context was cancelled.
	Cancelled
	// Diverged means the loss, a weight or the optimizer's state became
	// NaN or infinite, or the loss exploded (see Config.DivergeFactor).
	Diverged
)

var stopNames = [...]string{"completed", "early_stopping", "cancelled", "diverged"}

// String returns "completed", "early_stopping", "cancelled" or "diverged".
func (r StopReason) String() string {
	if r >= 0 && int(r) < len(stopNames) {
		return stopNames[r]
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// MarshalText writes the reason's String.
func (r StopReason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a reason written by MarshalText.
func (r *StopReason) UnmarshalText(b []byte) error {
	for i, s := range stopNames {
		if s == string(b) {
			*r = StopReason(i)
			return nil
		}
	}
	return fmt.Errorf("train: unknown stop reason %q", b)
}

// Reason describes in words why training ended, e.g. "early stopping at
// epoch 23 with best epoch 13".
func (h *History) Reason() string {
	var s string
	switch h.Stop {
	case Completed:
		s = fmt.Sprintf("completed %d epochs", h.StopEpoch)
	case EarlyStopped:
		s = fmt.Sprintf("early stopping at epoch %d with best epoch %d", h.StopEpoch, h.BestEpoch)
	case Cancelled:
		s = fmt.Sprintf("cancelled at epoch %d, step %d", h.StopEpoch, h.StopStep)
	case Diverged:
		s = fmt.Sprintf("diverged at epoch %d, step %d", h.StopEpoch, h.StopStep)
	default:
		s = h.Stop.String()
	}
	if h.Restored {
		if h.RestoredEpoch == 0 {
			s += "; starting weights restored"
		} else {
			s += fmt.Sprintf("; weights of epoch %d restored", h.RestoredEpoch)
		}
	}
	return s
}

// Last returns the record of the last completed epoch, or nil if none.
func (h *History) Last() *EpochStats {
	if len(h.Epochs) == 0 {
		return nil
	}
	return &h.Epochs[len(h.Epochs)-1]
}
