package optim

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// FiniteChecker is an optimizer that can find a NaN or infinite value in
// its state without copying it. Every optimizer in this package is one.
// A non-finite buffer is divergence even while the weights stay finite:
// when Adam's second moment overflows float32 to +Inf, the element's step
// becomes 0 and its weight silently stops learning.
type FiniteChecker[T tensor.Float] interface {
	// NonFinite describes the first NaN or infinite value in the state,
	// e.g. "adam's second moment of layer2.weight is +Inf", or returns ""
	// when there is none. params are those passed to Step.
	NonFinite(params []*nn.Param[T]) string
}

// NonFinite reports a NaN or infinite value in o's state, as
// FiniteChecker.NonFinite does, or "". For an optimizer that is not a
// FiniteChecker it scans a copy of State.
func NonFinite[T tensor.Float](o Optimizer[T], params []*nn.Param[T]) string {
	if c, ok := o.(FiniteChecker[T]); ok {
		return c.NonFinite(params)
	}
	for k, per := range o.State().Slots {
		if p := nonFiniteIn(per, o.Name(), fmt.Sprintf("buffer %d", k+1), params); p != "" {
			return p
		}
	}
	return ""
}

// nonFiniteIn describes the first NaN or infinite value in bufs, the
// buffer named what of optimizer name, one slice per parameter.
func nonFiniteIn[B, T tensor.Float](bufs [][]B, name, what string, params []*nn.Param[T]) string {
	for i, b := range bufs {
		for _, x := range b {
			if f := float64(x); f-f != 0 { // NaN or ±Inf: Inf−Inf is NaN
				param := fmt.Sprintf("parameter %d", i+1)
				if i < len(params) {
					param = params[i].Name
				}
				return fmt.Sprintf("%s's %s of %s is %s", name, what, param, describe(f))
			}
		}
	}
	return ""
}

// describe writes a non-finite value as the error messages show it.
func describe(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case f > 0:
		return "+Inf"
	}
	return "-Inf"
}

// slotsNonFinite checks the float64 buffers of an optimizer kept in s,
// named in order by what.
func slotsNonFinite[T tensor.Float](s *slots, name string, params []*nn.Param[T], what ...string) string {
	for k, per := range s.buf {
		w := fmt.Sprintf("buffer %d", k+1)
		if k < len(what) {
			w = what[k]
		}
		if p := nonFiniteIn(per, name, w, params); p != "" {
			return p
		}
	}
	return ""
}

// NonFinite returns "": plain gradient descent keeps no state.
func (o *GD[T]) NonFinite(params []*nn.Param[T]) string { return "" }

// NonFinite returns "": SGD keeps no state.
func (o *SGD[T]) NonFinite(params []*nn.Param[T]) string { return "" }

// NonFinite reports a NaN or infinite velocity.
func (o *Momentum[T]) NonFinite(params []*nn.Param[T]) string {
	return slotsNonFinite(&o.st, o.Name(), params, "velocity")
}

// NonFinite reports a NaN or infinite velocity.
func (o *Nesterov[T]) NonFinite(params []*nn.Param[T]) string {
	return slotsNonFinite(&o.st, o.Name(), params, "velocity")
}

// NonFinite reports a NaN or infinite sum of squared gradients.
func (o *AdaGrad[T]) NonFinite(params []*nn.Param[T]) string {
	return slotsNonFinite(&o.st, o.Name(), params, "sum of squared gradients")
}

// NonFinite reports a NaN or infinite mean squared gradient.
func (o *RMSProp[T]) NonFinite(params []*nn.Param[T]) string {
	return slotsNonFinite(&o.st, o.Name(), params, "mean squared gradient")
}

// NonFinite reports a NaN or infinite first or second moment.
func (o *Adam[T]) NonFinite(params []*nn.Param[T]) string { return o.nonFinite(o.Name(), params) }

// NonFinite reports a NaN or infinite first or second moment.
func (o *AdamW[T]) NonFinite(params []*nn.Param[T]) string { return o.nonFinite(o.Name(), params) }

// nonFinite checks Adam's moments, kept in the parameters' type.
func (o *Adam[T]) nonFinite(name string, params []*nn.Param[T]) string {
	if p := nonFiniteIn(o.m, name, "first moment", params); p != "" {
		return p
	}
	return nonFiniteIn(o.v, name, "second moment", params)
}
