package optim

import (
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Optimizer updates parameters from their gradients.
type Optimizer[T tensor.Float] interface {
	// Name is the registry name, e.g. "adam".
	Name() string
	// Step applies one update to params, reading each Grad, with learning
	// rate lr. params must be the same list, in the same order, at every
	// call.
	Step(params []*nn.Param[T], lr float64)
	// State returns a copy of the optimizer's state, for checkpoints.
	State() State
	// SetState restores a state saved by State for the same params.
	SetState(s State, params []*nn.Param[T]) error
}

// State is an optimizer's saved state: the number of steps taken and its
// per-parameter buffers.
type State struct {
	// Name is the optimizer's registry name.
	Name string `json:"name"`
	// Step counts the updates applied so far.
	Step int64 `json:"step"`
	// Slots[k][i] is the optimizer's k-th buffer (e.g. Adam's first and
	// second moments) for parameter i, flattened row-major.
	Slots [][][]float64 `json:"slots,omitempty"`
}
