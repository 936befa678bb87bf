package optim

import (
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// DefaultMomentum is μ for Momentum and Nesterov when their Momentum is 0.
const DefaultMomentum = 0.9

// Momentum is gradient descent with heavy-ball momentum, in PyTorch's
// convention (velocity accumulates gradients, the learning rate is applied
// when stepping, no dampening). For every parameter element, with the
// velocity v starting at 0:
//
//	v ← μ·v + g̃
//	w ← w − η·v
//
// Because η multiplies v at each step rather than being folded into it, a
// change of learning rate takes effect at once. Its zero value is ready to
// use.
type Momentum[T tensor.Float] struct {
	Common
	// Momentum is μ in [0, 1); 0 means DefaultMomentum.
	Momentum float64
	st       slots
}

// Name returns "momentum".
func (o *Momentum[T]) Name() string { return NameMomentum }

// Step applies one momentum update to every parameter.
func (o *Momentum[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 1, params)
	mu := or(o.Momentum, DefaultMomentum)
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g, v := p.Value.Values(), p.Grad.Values(), o.st.buf[0][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			v[j] = mu*v[j] + gj
			w[j] = T(wj - lr*v[j])
		}
	}
}

// State returns the step count and the velocities (one buffer).
func (o *Momentum[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by a Momentum.
func (o *Momentum[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 1, s, params)
}

// Nesterov is gradient descent with Nesterov momentum in PyTorch's form
// (SGD with nesterov=True), which evaluates the look-ahead with the
// gradient at the current weights instead of at w − ημv. For every
// parameter element, with v starting at 0:
//
//	v ← μ·v + g̃
//	w ← w − η·(g̃ + μ·v)
//
// Its zero value is ready to use.
type Nesterov[T tensor.Float] struct {
	Common
	// Momentum is μ in [0, 1); 0 means DefaultMomentum.
	Momentum float64
	st       slots
}

// Name returns "nesterov".
func (o *Nesterov[T]) Name() string { return NameNesterov }

// Step applies one Nesterov update to every parameter.
func (o *Nesterov[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 1, params)
	mu := or(o.Momentum, DefaultMomentum)
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g, v := p.Value.Values(), p.Grad.Values(), o.st.buf[0][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			v[j] = mu*v[j] + gj
			w[j] = T(wj - lr*(gj+mu*v[j]))
		}
	}
}

// State returns the step count and the velocities (one buffer).
func (o *Nesterov[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by a Nesterov.
func (o *Nesterov[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 1, s, params)
}
