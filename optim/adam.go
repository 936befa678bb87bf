package optim

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Defaults for Adam and AdamW when their fields are unset: those of
// Kingma & Ba and of PyTorch, which match them exactly.
const (
	// DefaultBeta1 is β₁, PyTorch's betas[0].
	DefaultBeta1 = 0.9
	// DefaultBeta2 is β₂, PyTorch's betas[1].
	DefaultBeta2 = 0.999
	// DefaultAdamEpsilon is ε, PyTorch's eps.
	DefaultAdamEpsilon = 1e-8
	// DefaultWeightDecay is AdamW's decoupled decay λ_d, PyTorch's AdamW
	// default (its Adam's weight_decay, our L2, defaults to 0).
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
// ε is added outside the root, as in PyTorch. With AMSGrad, v̂ is instead
// the running maximum of the corrected second moments, as in PyTorch's
// amsgrad=True:
//
//	v_max ← max(v_max, v)
//	w ← w − η·m̂ / (√(v_max / (1−β₂ᵗ)) + ε)
//
// Its zero value is ready to use; its defaults are PyTorch's.
//
// For float64 parameters every element is computed in float64 as written.
// For float32 parameters, as in PyTorch, m and v are kept in float32 and
// the update runs in float32 with the bias corrections folded into two
// per-step constants, w ← w − η·λ_d·w − (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε),
// which is the same update rounded differently, at a sixth of the cost.
type Adam[T tensor.Float] struct {
	Common
	// Beta1 is β₁ in [0, 1); nil means DefaultBeta1.
	Beta1 *float64
	// Beta2 is β₂ in [0, 1); nil means DefaultBeta2.
	Beta2 *float64
	// Epsilon is ε; nil means DefaultAdamEpsilon.
	Epsilon *float64
	// AMSGrad selects the AMSGrad variant (Reddi et al.).
	AMSGrad bool
	// st counts the steps only: the moments are kept in the parameters'
	// own type below, not in st's float64 buffers.
	st slots
	// m[i] and v[i] are the moments of parameter i; vmax[i] its largest v
	// so far, with AMSGrad only.
	m, v, vmax [][]T
}

// Name returns "adam".
func (o *Adam[T]) Name() string { return NameAdam }

// Step applies one Adam update to every parameter.
func (o *Adam[T]) Step(params []*nn.Param[T], lr float64) { o.step(params, lr, 0) }

// step is Adam's update with decoupled weight decay wd (0 for Adam).
func (o *Adam[T]) step(params []*nn.Param[T], lr, wd float64) {
	begin(&o.st, 0, params)
	if o.m == nil {
		o.m, o.v = make([][]T, len(params)), make([][]T, len(params))
		for i, p := range params {
			o.m[i], o.v[i] = make([]T, len(p.Value.Values())), make([]T, len(p.Value.Values()))
		}
	}
	if o.AMSGrad && o.vmax == nil {
		o.vmax = make([][]T, len(params))
		for i, p := range params {
			o.vmax[i] = make([]T, len(p.Value.Values()))
		}
	}
	if len(o.m) != len(params) {
		panic(fmt.Sprintf("optim: Step got %d parameters, earlier steps had %d", len(params), len(o.m)))
	}
	b1, b2 := get(o.Beta1, DefaultBeta1), get(o.Beta2, DefaultBeta2)
	eps := get(o.Epsilon, DefaultAdamEpsilon)
	t := float64(o.st.step)
	bc1, bc2 := 1-math.Pow(b1, t), 1-math.Pow(b2, t)
	s := clipScale(params, o.ClipNorm)
	if _, ok := any(o.m).([][]float32); ok && !o.AMSGrad { // the kernel has no AMSGrad
		eps32 := float32(eps)
		if eps32 == 0 && eps > 0 {
			// An ε below float32's range would make the step of an element
			// whose gradients were all 0 be 0/0.
			eps32 = math.SmallestNonzeroFloat32
		}
		c := kernel.AdamConsts{
			Scale: float32(s), L2: float32(o.L2),
			Beta1: float32(b1), OneMinusBeta1: float32(1 - b1),
			Beta2: float32(b2), OneMinusBeta2: float32(1 - b2),
			Decay:      float32(lr * wd),
			StepSize:   float32(lr / bc1),
			InvSqrtBC2: float32(1 / math.Sqrt(bc2)),
			Epsilon:    eps32,
		}
		for i, p := range params {
			kernel.Adam32(any(p.Value.Values()).([]float32), any(p.Grad.Values()).([]float32),
				any(o.m[i]).([]float32), any(o.v[i]).([]float32), &c)
		}
		return
	}
	for i, p := range params {
		w, g := p.Value.Values(), p.Grad.Values()
		m, v := o.m[i], o.v[i]
		for j := range w {
			wj := float64(w[j])
			gj := s*float64(g[j]) + o.L2*wj
			mj := b1*float64(m[j]) + (1-b1)*gj
			vj := b2*float64(v[j]) + (1-b2)*gj*gj
			m[j], v[j] = T(mj), T(vj)
			if o.AMSGrad {
				vj = max(float64(o.vmax[i][j]), vj)
				o.vmax[i][j] = T(vj)
			}
			mHat, vHat := mj/bc1, vj/bc2
			wj -= lr * wd * wj
			w[j] = T(wj - lr*mHat/(math.Sqrt(vHat)+eps))
		}
	}
}

// State returns the step count t and the moments m and v (two buffers, in
// that order), and with AMSGrad v_max as a third.
func (o *Adam[T]) State() State { return o.state(o.Name()) }

// SetState restores a state saved by an Adam.
func (o *Adam[T]) SetState(s State, params []*nn.Param[T]) error {
	return o.setState(o.Name(), s, params)
}

// state returns the step count and a float64 copy of the moments, the form
// a State keeps whatever the parameters' type.
func (o *Adam[T]) state(name string) State {
	st := o.st.state(name)
	if o.m != nil {
		st.Slots = [][][]float64{convert[float64](o.m), convert[float64](o.v)}
		if o.AMSGrad {
			st.Slots = append(st.Slots, convert[float64](o.vmax))
		}
	}
	return st
}

// setState checks s as every optimizer does, then keeps its moments in the
// parameters' type.
func (o *Adam[T]) setState(name string, s State, params []*nn.Param[T]) error {
	k := 2
	if o.AMSGrad {
		k = 3
	}
	var st slots
	if err := setState(&st, name, k, s, params); err != nil {
		return err
	}
	o.st = slots{step: st.step}
	o.m, o.v, o.vmax = nil, nil, nil
	if k > 0 && len(st.buf) > 0 {
		o.m, o.v = convert[T](st.buf[0]), convert[T](st.buf[1])
		if o.AMSGrad {
			o.vmax = convert[T](st.buf[2])
		}
	}
	return nil
}

// convert returns a copy of bufs in type D: float64 for a State, the
// parameters' type for the moments.
func convert[D, S tensor.Float](bufs [][]S) [][]D {
	out := make([][]D, len(bufs))
	for i, b := range bufs {
		out[i] = make([]D, len(b))
		for j, x := range b {
			out[i][j] = D(x)
		}
	}
	return out
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
// that is w ← w·(1 − η·λ_d) − η·m̂/(√v̂ + ε), torch.optim.AdamW (AMSGrad
// included). Its zero value is ready to use; its defaults are PyTorch's.
type AdamW[T tensor.Float] struct {
	Adam[T]
	// WeightDecay is λ_d; nil means DefaultWeightDecay.
	WeightDecay *float64
}

// Name returns "adamw".
func (o *AdamW[T]) Name() string { return NameAdamW }

// Step applies one AdamW update to every parameter.
func (o *AdamW[T]) Step(params []*nn.Param[T], lr float64) {
	o.step(params, lr, get(o.WeightDecay, DefaultWeightDecay))
}

// State returns the step count t and the moments m and v (two buffers, in
// that order).
func (o *AdamW[T]) State() State { return o.state(o.Name()) }

// SetState restores a state saved by an AdamW.
func (o *AdamW[T]) SetState(s State, params []*nn.Param[T]) error {
	return o.setState(o.Name(), s, params)
}
