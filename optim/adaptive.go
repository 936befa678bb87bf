package optim

import (
	"math"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Defaults for AdaGrad and RMSProp when their fields are 0.
const (
	// DefaultAdaGradEpsilon is PyTorch's Adagrad eps.
	DefaultAdaGradEpsilon = 1e-10
	// DefaultRho is RMSProp's decay ρ, Hinton's lecture value and Keras's.
	DefaultRho = 0.9
	// DefaultRMSPropEpsilon is RMSProp's ε.
	DefaultRMSPropEpsilon = 1e-8
)

// AdaGrad scales each element's step by the root of its summed squared
// gradients. For every parameter element, with G starting at 0:
//
//	G ← G + g̃²
//	w ← w − η·g̃ / (√G + ε)
//
// Its zero value is ready to use.
type AdaGrad[T tensor.Float] struct {
	Common
	// Epsilon is ε; 0 means DefaultAdaGradEpsilon.
	Epsilon float64
	st      slots
}

// Name returns "adagrad".
func (o *AdaGrad[T]) Name() string { return NameAdaGrad }

// Step applies one AdaGrad update to every parameter.
func (o *AdaGrad[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 1, params)
	eps := or(o.Epsilon, DefaultAdaGradEpsilon)
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g, acc := p.Value.Values(), p.Grad.Values(), o.st.buf[0][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			acc[j] += gj * gj
			w[j] = T(wj - lr*gj/(math.Sqrt(acc[j])+eps))
		}
	}
}

// State returns the step count and the sums of squares G (one buffer).
func (o *AdaGrad[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by an AdaGrad.
func (o *AdaGrad[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 1, s, params)
}

// RMSProp scales each element's step by the root of a running mean of its
// squared gradients. For every parameter element, with S starting at 0:
//
//	S ← ρ·S + (1−ρ)·g̃²
//	w ← w − η·g̃ / (√S + ε)
//
// ε is added outside the root, as in PyTorch. Its zero value is ready to
// use.
type RMSProp[T tensor.Float] struct {
	Common
	// Rho is the decay ρ in [0, 1); 0 means DefaultRho.
	Rho float64
	// Epsilon is ε; 0 means DefaultRMSPropEpsilon.
	Epsilon float64
	st      slots
}

// Name returns "rmsprop".
func (o *RMSProp[T]) Name() string { return NameRMSProp }

// Step applies one RMSProp update to every parameter.
func (o *RMSProp[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, 1, params)
	rho, eps := or(o.Rho, DefaultRho), or(o.Epsilon, DefaultRMSPropEpsilon)
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g, sq := p.Value.Values(), p.Grad.Values(), o.st.buf[0][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			sq[j] = rho*sq[j] + (1-rho)*gj*gj
			w[j] = T(wj - lr*gj/(math.Sqrt(sq[j])+eps))
		}
	}
}

// State returns the step count and the running means S (one buffer).
func (o *RMSProp[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by an RMSProp.
func (o *RMSProp[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 1, s, params)
}
