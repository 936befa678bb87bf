package optim

import (
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// GD is plain gradient descent, meant for full-batch training (the training
// loop's default batch for "gd" is the whole training set). For every
// parameter element, with learning rate η and the effective gradient g̃ of
// Common:
//
//	w ← w − η·g̃
//
// Its zero value is ready to use.
type GD[T tensor.Float] struct {
	Common
	st slots
}

// Name returns "gd".
func (o *GD[T]) Name() string { return NameGD }

// Step applies w ← w − η·g̃ to every parameter.
func (o *GD[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 0, params)
	descend(params, lr, o.Common)
}

// State returns the step count; GD keeps no buffers.
func (o *GD[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by a GD.
func (o *GD[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 0, s, params)
}

// SGD is stochastic gradient descent: the same update as GD,
//
//	w ← w − η·g̃
//
// applied after every mini-batch (the training loop's default batch for
// "sgd" is 32; a batch size of 1 gives the tutorial's per-sample updates).
// Its zero value is ready to use.
type SGD[T tensor.Float] struct {
	Common
	st slots
}

// Name returns "sgd".
func (o *SGD[T]) Name() string { return NameSGD }

// Step applies w ← w − η·g̃ to every parameter.
func (o *SGD[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 0, params)
	descend(params, lr, o.Common)
}

// State returns the step count; SGD keeps no buffers.
func (o *SGD[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by an SGD.
func (o *SGD[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 0, s, params)
}

// descend applies w ← w − η·g̃ to every parameter.
func descend[T tensor.Float](params []*nn.Param[T], lr float64, c Common) {
	s := clipScale(params, c.ClipNorm)
	if s == 1 && c.L2 == 0 {
		// Plain w ← w − η·g: the kernel's vector loop.
		for _, p := range params {
			kernel.Axpy(p.Value.Values(), T(-lr), p.Grad.Values())
		}
		return
	}
	for _, p := range params {
		w, g := p.Value.Values(), p.Grad.Values()
		for j := range w {
			wj := float64(w[j])
			w[j] = T(wj - lr*(s*float64(g[j])+c.L2*wj))
		}
	}
}
