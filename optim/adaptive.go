package optim

import (
	"math"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Defaults for AdaGrad and RMSProp when their fields are unset.
const (
	// DefaultAdaGradEpsilon is AdaGrad's ε, PyTorch's Adagrad eps.
	DefaultAdaGradEpsilon = 1e-10
	// DefaultRho is RMSProp's decay ρ, Hinton's lecture value and Keras's.
	// PyTorch's RMSprop alpha defaults to 0.99 instead: set Rho to 0.99 to
	// port a PyTorch run that kept its default. 0.9 forgets old gradients
	// ten times faster, which suits the short runs this library is for.
	DefaultRho = 0.9
	// DefaultRMSPropEpsilon is RMSProp's ε, PyTorch's RMSprop eps.
	DefaultRMSPropEpsilon = 1e-8
)

// AdaGrad scales each element's step by the root of its summed squared
// gradients, exactly as torch.optim.Adagrad. For every parameter element,
// with G starting at InitialAccumulator and t counting the steps taken,
// this one included:
//
//	G ← G + g̃²
//	η_t = η / (1 + (t − 1)·LRDecay)
//	w ← w − η_t·g̃ / (√G + ε)
//
// Its zero value is ready to use; its defaults are PyTorch's.
type AdaGrad[T tensor.Float] struct {
	Common
	// Epsilon is ε; nil means DefaultAdaGradEpsilon.
	Epsilon *float64
	// LRDecay is PyTorch's lr_decay; 0 means none.
	LRDecay float64
	// InitialAccumulator is G's starting value, PyTorch's
	// initial_accumulator_value; 0 means 0.
	InitialAccumulator float64
	st                 slots
}

// Name returns "adagrad".
func (o *AdaGrad[T]) Name() string { return NameAdaGrad }

// Step applies one AdaGrad update to every parameter.
func (o *AdaGrad[T]) Step(params []*nn.Param[T], lr float64) {
	first := o.st.buf == nil
	begin(&o.st, 1, params)
	if first && o.InitialAccumulator != 0 {
		for _, acc := range o.st.buf[0] {
			for j := range acc {
				acc[j] = o.InitialAccumulator
			}
		}
	}
	eps := get(o.Epsilon, DefaultAdaGradEpsilon)
	lr /= 1 + float64(o.st.step-1)*o.LRDecay
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
// squared gradients. For every parameter element, with S (and, centered, M)
// starting at 0:
//
//	S ← ρ·S + (1−ρ)·g̃²
//	w ← w − η·g̃ / (√S + ε)
//
// or, when Centered, dividing by an estimate of the gradient's variance
// instead of its second moment:
//
//	M ← ρ·M + (1−ρ)·g̃
//	w ← w − η·g̃ / (√(S − M²) + ε)
//
// ε is added outside the root; this is torch.optim.RMSprop (alpha = ρ,
// without its momentum). The default ρ differs from PyTorch's: see
// DefaultRho. Its zero value is ready to use.
type RMSProp[T tensor.Float] struct {
	Common
	// Rho is the decay ρ in [0, 1); nil means DefaultRho (0.9, where
	// PyTorch's alpha defaults to 0.99).
	Rho *float64
	// Epsilon is ε; nil means DefaultRMSPropEpsilon.
	Epsilon *float64
	// Centered selects centered RMSProp (PyTorch's centered=True).
	Centered bool
	st       slots
}

// Name returns "rmsprop".
func (o *RMSProp[T]) Name() string { return NameRMSProp }

// Step applies one RMSProp update to every parameter.
func (o *RMSProp[T]) Step(params []*nn.Param[T], lr float64) {
	begin(&o.st, o.buffers(), params)
	rho, eps := get(o.Rho, DefaultRho), get(o.Epsilon, DefaultRMSPropEpsilon)
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g, sq := p.Value.Values(), p.Grad.Values(), o.st.buf[0][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			sq[j] = rho*sq[j] + (1-rho)*gj*gj
			if !o.Centered {
				w[j] = T(wj - lr*gj/(math.Sqrt(sq[j])+eps))
				continue
			}
			m := o.st.buf[1][i]
			m[j] = rho*m[j] + (1-rho)*gj
			w[j] = T(wj - lr*gj/(math.Sqrt(sq[j]-m[j]*m[j])+eps))
		}
	}
}

// buffers is the number of buffers per parameter: S, and M when centered.
func (o *RMSProp[T]) buffers() int {
	if o.Centered {
		return 2
	}
	return 1
}

// State returns the step count and the running means S and, when
// centered, M (one or two buffers, in that order).
func (o *RMSProp[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by an RMSProp of the same Centered.
func (o *RMSProp[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), o.buffers(), s, params)
}
