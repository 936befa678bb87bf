package optim

import (
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// DefaultMomentum is μ for Momentum and Nesterov when their Momentum is
// unset. PyTorch's SGD has no default momentum (it is 0, plain SGD, unless
// given); 0.9 is the value nearly every example passes.
const DefaultMomentum = 0.9

// Momentum is gradient descent with heavy-ball momentum, in PyTorch's
// convention (velocity accumulates gradients, the learning rate is applied
// when stepping) with PyTorch's optional dampening d. For every parameter
// element, at the first step t = 1 and after it:
//
//	v ← g̃                    (t = 1)
//	v ← μ·v + (1 − d)·g̃      (t > 1)
//	w ← w − η·v
//
// exactly torch.optim.SGD(momentum=μ, dampening=d). Because η multiplies v
// at each step rather than being folded into it, a change of learning rate
// takes effect at once. Its zero value is ready to use.
type Momentum[T tensor.Float] struct {
	Common
	// Momentum is μ in [0, 1); nil means DefaultMomentum.
	Momentum *float64
	// Dampening is d in [0, 1]; 0 (PyTorch's default) means none.
	Dampening float64
	st        slots
}

// Name returns "momentum".
func (o *Momentum[T]) Name() string { return NameMomentum }

// Step applies one momentum update to every parameter.
func (o *Momentum[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 1, params)
	mu, damp := get(o.Momentum, DefaultMomentum), 1-o.Dampening
	if o.st.step == 1 {
		// PyTorch starts the velocity at the first gradient, undamped.
		damp = 1
	}
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g, v := p.Value.Values(), p.Grad.Values(), o.st.buf[0][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			v[j] = mu*v[j] + damp*gj
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
// PyTorch allows no dampening with Nesterov, and neither does this. Its
// zero value is ready to use.
type Nesterov[T tensor.Float] struct {
	Common
	// Momentum is μ in [0, 1); nil means DefaultMomentum.
	Momentum *float64
	st       slots
}

// Name returns "nesterov".
func (o *Nesterov[T]) Name() string { return NameNesterov }

// Step applies one Nesterov update to every parameter.
func (o *Nesterov[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 1, params)
	mu := get(o.Momentum, DefaultMomentum)
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
