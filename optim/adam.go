package optim

import (
	"math"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Defaults for Adam and AdamW when their fields are 0 (those of Kingma & Ba
// and of PyTorch).
const (
	DefaultBeta1       = 0.9
	DefaultBeta2       = 0.999
	DefaultAdamEpsilon = 1e-8
	// DefaultWeightDecay is AdamW's decoupled decay λ_d, PyTorch's default.
	DefaultWeightDecay = 0.01
)

// Adam keeps running means of each element's gradient and squared gradient
// and corrects their bias towards 0 at every step (not every epoch). For
// every parameter element, with m and v starting at 0 and t counting the
// steps taken, this one included (t = 1 at the first step):
//
//	m ← β₁·m + (1−β₁)·g̃
//	v ← β₂·v + (1−β₂)·g̃²
//	m̂ = m / (1−β₁ᵗ)
//	v̂ = v / (1−β₂ᵗ)
//	w ← w − η·m̂ / (√v̂ + ε)
//
// ε is added outside the root, as in PyTorch. Its zero value is ready to
// use.
type Adam[T tensor.Float] struct {
	Common
	// Beta1 is β₁ in [0, 1); 0 means DefaultBeta1.
	Beta1 float64
	// Beta2 is β₂ in [0, 1); 0 means DefaultBeta2.
	Beta2 float64
	// Epsilon is ε; 0 means DefaultAdamEpsilon.
	Epsilon float64
	st      slots
}

// Name returns "adam".
func (o *Adam[T]) Name() string { return NameAdam }

// Step applies one Adam update to every parameter.
func (o *Adam[T]) Step(params []*nn.Param[T], lr float64) { o.step(params, lr, 0) }

// step is Adam's update with decoupled weight decay wd (0 for Adam).
func (o *Adam[T]) step(params []*nn.Param[T], lr, wd float64) {
	begin(&o.st, 2, params)
	b1, b2 := or(o.Beta1, DefaultBeta1), or(o.Beta2, DefaultBeta2)
	eps := or(o.Epsilon, DefaultAdamEpsilon)
	t := float64(o.st.step)
	bc1, bc2 := 1-math.Pow(b1, t), 1-math.Pow(b2, t)
	s := clipScale(params, o.ClipNorm)
	for i, p := range params {
		w, g := p.Value.Values(), p.Grad.Values()
		m, v := o.st.buf[0][i], o.st.buf[1][i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			mHat, vHat := m[j]/bc1, v[j]/bc2
			wj -= lr * wd * wj
			w[j] = T(wj - lr*mHat/(math.Sqrt(vHat)+eps))
		}
	}
}

// State returns the step count t and the moments m and v (two buffers, in
// that order).
func (o *Adam[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by an Adam.
func (o *Adam[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 2, s, params)
}

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter), as
// PyTorch implements it: the weights shrink by η·λ_d·w separately from the
// adaptive step, instead of λ·w entering the gradient (which Common.L2
// still does, if set). For every parameter element, with Adam's m̂ and v̂
// computed from g̃ as there:
//
//	w ← w − η·λ_d·w
//	w ← w − η·m̂ / (√v̂ + ε)
//
// that is w ← w·(1 − η·λ_d) − η·m̂/(√v̂ + ε). Its zero value is ready to
// use.
type AdamW[T tensor.Float] struct {
	Adam[T]
	// WeightDecay is λ_d; 0 means DefaultWeightDecay.
	WeightDecay float64
}

// Name returns "adamw".
func (o *AdamW[T]) Name() string { return NameAdamW }

// Step applies one AdamW update to every parameter.
func (o *AdamW[T]) Step(params []*nn.Param[T], lr float64) {
	o.step(params, lr, or(o.WeightDecay, DefaultWeightDecay))
}

// State returns the step count t and the moments m and v (two buffers, in
// that order).
func (o *AdamW[T]) State() State { return o.st.state(o.Name()) }

// SetState restores a state saved by an AdamW.
func (o *AdamW[T]) SetState(s State, params []*nn.Param[T]) error {
	return setState(&o.st, o.Name(), 2, s, params)
}
