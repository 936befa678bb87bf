package train

import "github.com/descent-ml/descent/optim"

// Callback watches a run. Fit calls OnStep after every step and OnEpoch
// after every epoch, on its own goroutine; the network may be read (not
// changed) during the call. A callback that must stop training cancels
// Fit's context.
type Callback interface {
	// OnStep is called after every step.
	OnStep(StepEvent)
	// OnEpoch is called after every epoch has been scored.
	OnEpoch(EpochEvent)
}

// StepEvent describes a step just taken.
type StepEvent struct {
	// Epoch counts from 1, Step from 1 within the epoch, Iteration from 1
	// over the run; Steps is the number of steps in an epoch.
	Epoch, Step, Steps, Iteration int
	// Loss is the batch's loss before the update.
	Loss float64
	// LearningRate is the rate used for the update.
	LearningRate float64
}

// EpochEvent describes an epoch just completed.
type EpochEvent struct {
	// Epochs is the number of epochs planned.
	Epochs int
	// Stats is the epoch's record, as appended to History.Epochs.
	Stats EpochStats
	// Best says whether this epoch improved on the best monitored loss.
	Best bool
	// OptimizerState returns a copy of the optimizer's state now, for
	// checkpoints; it copies every buffer, so call it only when saving.
	OptimizerState func() optim.State
}

// Funcs adapts two functions to a Callback; either may be nil.
type Funcs struct {
	Step  func(StepEvent)
	Epoch func(EpochEvent)
}

// OnStep calls f.Step if it is set.
func (f Funcs) OnStep(e StepEvent) {
	if f.Step != nil {
		f.Step(e)
	}
}

// OnEpoch calls f.Epoch if it is set.
func (f Funcs) OnEpoch(e EpochEvent) {
	if f.Epoch != nil {
		f.Epoch(e)
	}
}
